// RotationEngine: runs rotations (issue 21, aws-compat §4.1–4.2). It is the
// part of Coffer that plays AWS's rotation service and Lambda together:
//
//   * a scheduler thread asks the store every poll interval which secrets are
//     due (NextRotationDate passed, Txn::SecretsDueForRotation), takes up at
//     start the rotations a previous run left unfinished
//     (Txn::SecretsWithPendingRotation), and hands them, and the rotations
//     RotateSecret asks for (Request), to worker threads;
//   * a worker opens or resumes the rotation (secrets::BeginRotation), finds
//     the function's binding by the name in RotationLambdaARN, gets
//     temporary credentials of the binding's role as lambda.amazonaws.com,
//     and invokes the function once per step — createSecret, setSecret,
//     testSecret, finishSecret (testSecret alone for RotateImmediately=false)
//     — with AWS's event JSON, then records the outcome
//     (secrets::FinishRotation);
//   * a failed attempt leaves the labels as AWS leaves them (AWSPENDING on
//     the new version) and is retried from createSecret after a delay that
//     doubles; after max_attempts the engine gives up until the next window
//     of the schedule, which reattempts the same rotation.
//
// One secret's rotation never runs twice at once in one engine: a secret is
// queued, running or waiting for a retry at most once. With several nodes
// (issue 24) the engine runs on the leader alone.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "coffer/result.h"
#include "common/secure_string.h"
#include "common/thread_annotations.h"
#include "functions/function.h"
#include "rotation/function_registry.h"
#include "secrets/rotation.h"
#include "secrets/service.h"

namespace coffer::rotation {

struct EngineOptions {
  std::chrono::milliseconds poll_interval{1000};
  int max_attempts = 5;                                // per rotation, then wait for the schedule
  std::chrono::milliseconds first_retry_delay{30000};  // doubled after each failed attempt
  std::chrono::milliseconds max_retry_delay{3600000};
  size_t workers = 2;
  // Coffer's own URL, given to functions as AWS_ENDPOINT_URL and
  // SECRETS_MANAGER_ENDPOINT; and the CA bundle they need to trust it
  // (AWS_CA_BUNDLE; empty: none).
  std::string endpoint_url;
  std::string ca_bundle;
  // Several nodes (issue 24): the scheduler asks for due and unfinished
  // rotations only while this says the node leads (null: always), and takes
  // up the unfinished ones each time it becomes the leader. RotateSecret's
  // own requests run on the node that received them.
  std::function<bool()> is_leader;
};

// Temporary credentials a function runs with.
struct FunctionCredentials {
  std::string access_key_id;
  SecureString secret_access_key;
  std::string session_token;
};
// Issues credentials of `binding.role_arn` for a session named
// `session_name`, as lambda.amazonaws.com, valid at least `seconds`.
using CredentialsFn = std::function<Result<FunctionCredentials>(
    const functions::FunctionBinding& binding, std::string_view session_name, int64_t seconds)>;
using InvokeFn =
    std::function<Status(const functions::FunctionBinding&, const functions::Invocation&)>;

struct EngineStats {
  uint64_t rotations_started = 0;
  uint64_t rotations_succeeded = 0;
  uint64_t attempts_failed = 0;
  uint64_t rotations_given_up = 0;
  uint64_t tests_run = 0;
};

class RotationEngine {
 public:
  RotationEngine(secrets::Service& secrets, const FunctionRegistry& functions,
                 CredentialsFn credentials, EngineOptions options,
                 InvokeFn invoke = functions::Invoke);
  ~RotationEngine();  // Stop()
  RotationEngine(const RotationEngine&) = delete;
  RotationEngine& operator=(const RotationEngine&) = delete;

  // Starts the scheduler and the workers. Call once.
  void Start();
  // Stops taking work, lets running steps finish, joins the threads. A
  // rotation stopped between steps is resumed at the next start.
  void Stop();

  // RotateSecret's request: run the rotation of version `token` of
  // `secret_id` (test_only: the testSecret run of RotateImmediately=false,
  // token empty) soon. Never blocks. One that arrives while the secret is
  // busy (queued, running, waiting for a retry) runs when the secret's task
  // is over: the latest such request, a rotation beating a test run.
  void Request(int64_t secret_id, bool test_only, std::string_view token);

  // Whether the function `lambda_arn` can be invoked for a secret of
  // `account_id`: a binding exists and its role can be assumed by
  // lambda.amazonaws.com. RotateSecret's check (secrets::ServiceOptions).
  Status CheckFunction(std::string_view lambda_arn, std::string_view account_id) const;

  // Waits until nothing is queued, running or waiting for a retry that is
  // due within `timeout`; true when idle. For tests and shutdown.
  bool WaitIdle(std::chrono::milliseconds timeout);
  EngineStats stats() const;

 private:
  struct Task {
    int64_t secret_id = 0;
    bool test_only = false;
    std::string token;  // RotateSecret's version; empty: whatever is due
    int attempt = 0;    // failed attempts so far
  };
  enum class Outcome { kDone, kRetry };

  void SchedulerLoop();
  void WorkerLoop();
  void Enqueue(Task task) REQUIRES(mu_);
  // The schedule's and the resumption's requests: ignored while the secret
  // is busy (the scheduler asks again).
  void RequestDue(int64_t secret_id);
  void ResumeUnfinished();
  void EnqueueDue();
  Outcome Run(const Task& task);
  Status RunSteps(const secrets::RotationJob& job);

  secrets::Service& secrets_;
  const FunctionRegistry& functions_;
  CredentialsFn credentials_;
  EngineOptions options_;
  InvokeFn invoke_;

  mutable Mutex mu_;
  std::condition_variable cv_;       // work queued, stop
  std::condition_variable idle_cv_;  // a task finished
  bool started_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
  std::deque<Task> queue_ GUARDED_BY(mu_);
  std::multimap<std::chrono::steady_clock::time_point, Task> retries_ GUARDED_BY(mu_);
  std::set<int64_t> active_ GUARDED_BY(mu_);  // queued, running or waiting to retry
  // RotateSecret's requests that came while their secret was busy.
  std::map<int64_t, Task> waiting_ GUARDED_BY(mu_);
  size_t running_ GUARDED_BY(mu_) = 0;
  EngineStats stats_ GUARDED_BY(mu_);
  std::thread scheduler_;
  std::vector<std::thread> workers_;
};

}  // namespace coffer::rotation
