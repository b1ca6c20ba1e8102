// RotationEngine (engine.h).

#include "rotation/engine.h"

#include <openssl/crypto.h>
#include <algorithm>

#include <array>
#include <span>

#include "common/json.h"
#include "common/log.h"
#include "common/random.h"
#include "functions/bindings.h"

namespace coffer::rotation {

namespace {

constexpr size_t kScanBatch = 100;
constexpr std::array<std::string_view, 4> kSteps = {"createSecret", "setSecret", "testSecret",
                                                    "finishSecret"};
constexpr std::array<std::string_view, 1> kTestSteps = {"testSecret"};

std::string EventJson(std::string_view step, const secrets::RotationJob& job,
                      std::string_view rotation_token) {
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteString(w, "Step", step);
  WriteString(w, "SecretId", job.arn);
  WriteString(w, "ClientRequestToken", job.token);
  WriteString(w, "RotationToken", rotation_token);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

RotationEngine::RotationEngine(secrets::Service& secrets, const FunctionRegistry& functions,
                               CredentialsFn credentials, EngineOptions options, InvokeFn invoke)
    : secrets_(secrets),
      functions_(functions),
      credentials_(std::move(credentials)),
      options_(std::move(options)),
      invoke_(std::move(invoke)) {}

RotationEngine::~RotationEngine() { Stop(); }

void RotationEngine::Start() {
  {
    MutexLock lock(mu_);
    if (started_) return;
    started_ = true;
  }
  scheduler_ = std::thread([this] { SchedulerLoop(); });
  for (size_t i = 0; i < std::max<size_t>(1, options_.workers); ++i)
    workers_.emplace_back([this] { WorkerLoop(); });
}

void RotationEngine::Stop() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (std::thread& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

void RotationEngine::Request(int64_t secret_id, bool test_only, std::string_view token) {
  Task task{secret_id, test_only, std::string(token), 0};
  {
    MutexLock lock(mu_);
    if (stop_) return;
    if (active_.count(secret_id)) {
      auto [it, fresh] = waiting_.try_emplace(secret_id, task);
      if (!fresh && (it->second.test_only || !test_only)) it->second = std::move(task);
      return;
    }
    Enqueue(std::move(task));
  }
  cv_.notify_all();
}

void RotationEngine::RequestDue(int64_t secret_id) {
  {
    MutexLock lock(mu_);
    if (stop_ || active_.count(secret_id)) return;
    Enqueue(Task{secret_id, false, "", 0});
  }
  cv_.notify_all();
}

void RotationEngine::Enqueue(Task task) {
  active_.insert(task.secret_id);
  queue_.push_back(task);
}

Status RotationEngine::CheckFunction(std::string_view lambda_arn, std::string_view) const {
  // The client hears AWS's one answer; the log says which check failed.
  auto refuse = [&](Status why) {
    LogInfo("rotation function cannot be invoked",
            {{"function", lambda_arn}, {"reason", why.message()}});
    return why;
  };
  auto arn = functions::ParseLambdaArn(lambda_arn);
  if (!arn.ok()) return refuse(arn.status());
  std::optional<functions::FunctionBinding> binding = functions_.Find(arn->name);
  if (!binding) return refuse(Status::NotFound("", "no [functions." + arn->name + "] binding"));
  auto creds = credentials_(*binding, binding->name, 900);
  if (!creds.ok()) return refuse(creds.status());
  return Status::Ok();
}

bool RotationEngine::WaitIdle(std::chrono::milliseconds timeout) {
  MutexLock lock(mu_);
  return lock.WaitFor(idle_cv_, timeout, [this]() REQUIRES(mu_) {
    return queue_.empty() && running_ == 0 && retries_.empty();
  });
}

EngineStats RotationEngine::stats() const {
  MutexLock lock(mu_);
  return stats_;
}

void RotationEngine::ResumeUnfinished() {
  int64_t after = 0;
  for (;;) {
    auto txn = secrets_.store().Begin(storage::TxnMode::kRead);
    if (!txn.ok()) return LogWarn("rotation: cannot read unfinished rotations");
    auto rows = (*txn)->SecretsWithPendingRotation(after, kScanBatch);
    if (!rows.ok()) return LogWarn("rotation: cannot read unfinished rotations");
    for (const auto& s : *rows) {
      LogInfo("rotation resumed", {{"secret", s.arn}});
      after = s.id;
      RequestDue(s.id);
    }
    if (rows->size() < kScanBatch) return;
  }
}

void RotationEngine::EnqueueDue() {
  auto txn = secrets_.store().Begin(storage::TxnMode::kRead);
  if (!txn.ok()) return;
  auto due = (*txn)->SecretsDueForRotation(secrets_.clock().NowMillis(), kScanBatch);
  txn->reset();
  if (!due.ok()) return LogWarn("rotation: cannot read due secrets");
  for (const auto& s : *due) RequestDue(s.id);
}

void RotationEngine::SchedulerLoop() {
  bool led = false;
  for (;;) {
    const bool leads = !options_.is_leader || options_.is_leader();
    if (leads && !led) ResumeUnfinished();  // what a previous leader left
    if (leads) EnqueueDue();
    led = leads;
    MutexLock lock(mu_);
    auto next = std::chrono::steady_clock::now() + options_.poll_interval;
    if (!retries_.empty()) next = std::min(next, retries_.begin()->first);
    lock.WaitUntil(cv_, next, [this]() REQUIRES(mu_) { return stop_; });
    if (stop_) return;
    const auto now = std::chrono::steady_clock::now();
    bool moved = false;
    while (!retries_.empty() && retries_.begin()->first <= now) {
      queue_.push_back(retries_.begin()->second);  // still in active_
      retries_.erase(retries_.begin());
      moved = true;
    }
    if (moved) cv_.notify_all();
  }
}

void RotationEngine::WorkerLoop() {
  for (;;) {
    Task task;
    {
      MutexLock lock(mu_);
      lock.Wait(cv_, [this]() REQUIRES(mu_) { return stop_ || !queue_.empty(); });
      if (stop_) return;
      task = queue_.front();
      queue_.pop_front();
      ++running_;
    }
    const Outcome outcome = Run(task);
    {
      MutexLock lock(mu_);
      --running_;
      if (outcome == Outcome::kRetry && !stop_) {
        auto delay = options_.first_retry_delay * (1LL << std::min(task.attempt, 20));
        delay = std::min<std::chrono::milliseconds>(delay, options_.max_retry_delay);
        Task retry = task;
        ++retry.attempt;
        retries_.emplace(std::chrono::steady_clock::now() + delay, std::move(retry));
      } else if (auto next = waiting_.find(task.secret_id); next != waiting_.end() && !stop_) {
        queue_.push_back(std::move(next->second));  // the secret stays active
        waiting_.erase(next);
      } else {
        waiting_.erase(task.secret_id);
        active_.erase(task.secret_id);
      }
    }
    cv_.notify_all();
    idle_cv_.notify_all();
  }
}

RotationEngine::Outcome RotationEngine::Run(const Task& task) {
  auto begun = secrets::BeginRotation(secrets_, task.secret_id, task.test_only, task.token);
  if (!begun.ok()) {
    LogWarn("rotation: cannot start", {{"error", begun.status().ToString()}});
    return Outcome::kDone;
  }
  if (!begun->has_value()) return Outcome::kDone;
  const secrets::RotationJob& job = **begun;
  {
    MutexLock lock(mu_);
    ++(task.test_only ? stats_.tests_run : stats_.rotations_started);
  }
  Status steps = RunSteps(job);
  const bool last = task.test_only || task.attempt + 1 >= options_.max_attempts;
  Status finished = secrets::FinishRotation(secrets_, job, steps.ok(), !steps.ok() && last);
  const std::string attempt = std::to_string(task.attempt + 1);
  if (steps.ok() && finished.ok()) {
    LogInfo(job.test_only ? "rotation test passed" : "rotation succeeded",
            {{"secret", job.arn}, {"version", job.token}, {"attempt", attempt}});
    MutexLock lock(mu_);
    if (!job.test_only) ++stats_.rotations_succeeded;
    return Outcome::kDone;
  }
  const std::string why = steps.ok() ? finished.message() : steps.message();
  LogWarn(job.test_only ? "rotation test failed" : "rotation attempt failed",
          {{"secret", job.arn}, {"version", job.token}, {"attempt", attempt}, {"error", why}});
  MutexLock lock(mu_);
  ++stats_.attempts_failed;
  if (job.test_only) return Outcome::kDone;
  if (last) {
    ++stats_.rotations_given_up;
    return Outcome::kDone;
  }
  return Outcome::kRetry;
}

Status RotationEngine::RunSteps(const secrets::RotationJob& job) {
  COFFER_ASSIGN_OR_RETURN(functions::LambdaArn arn, functions::ParseLambdaArn(job.lambda_arn));
  std::optional<functions::FunctionBinding> binding = functions_.Find(arn.name);
  if (!binding) return Status::NotFound("", "no [functions." + arn.name + "] binding");
  const int64_t seconds = binding->timeout.count();
  COFFER_ASSIGN_OR_RETURN(FunctionCredentials creds,
                          credentials_(*binding, binding->name, 4 * seconds + 900));
  const std::string rotation_token = secrets::MakeRotationToken(
      secrets_, job.arn, job.token, secrets_.clock().NowMillis() + (4 * seconds + 900) * 1000);
  functions::Invocation invocation;
  invocation.function_arn = job.lambda_arn;
  invocation.environment = {{"AWS_ACCESS_KEY_ID", creds.access_key_id},
                            {"AWS_SECRET_ACCESS_KEY", std::string(creds.secret_access_key.view())},
                            {"AWS_SESSION_TOKEN", creds.session_token},
                            {"AWS_REGION", job.region},
                            {"AWS_DEFAULT_REGION", job.region},
                            {"AWS_ENDPOINT_URL", options_.endpoint_url},
                            {"SECRETS_MANAGER_ENDPOINT", options_.endpoint_url}};
  if (!options_.ca_bundle.empty())
    invocation.environment.emplace_back("AWS_CA_BUNDLE", options_.ca_bundle);
  Status result;
  for (std::string_view step : job.test_only ? std::span<const std::string_view>(kTestSteps)
                                             : std::span<const std::string_view>(kSteps)) {
    {
      MutexLock lock(mu_);
      if (stop_) {
        result = Status::Unavailable("", "stopping before " + std::string(step));
        break;
      }
    }
    invocation.request_id = RandomUuid();
    invocation.event_json = EventJson(step, job, rotation_token);
    LogInfo("rotation step", {{"secret", job.arn},
                              {"version", job.token},
                              {"step", step},
                              {"function", binding->name},
                              {"request_id", invocation.request_id}});
    result = invoke_(*binding, invocation);
    if (!result.ok()) {
      result = Status(result.code(), result.reason(),
                      std::string(step) + " failed: " + result.message());
      break;
    }
  }
  for (auto& [name, value] : invocation.environment)
    if (name == "AWS_SECRET_ACCESS_KEY") OPENSSL_cleanse(value.data(), value.size());
  return result;
}

}  // namespace coffer::rotation
