#include "agent/watch.h"

#include <algorithm>
#include <utility>

#include "agent/prefetch.h"
#include "agent/upstream.h"
#include "auth/sigv4/uri_encode.h"
#include "common/json.h"
#include "common/log.h"

namespace coffer::agent {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

ChangeWatcher::ChangeWatcher(Poll poll, SecretCache& cache, AgentMetrics* metrics, Options options)
    : poll_(std::move(poll)), cache_(cache), metrics_(metrics), options_(options) {}

ChangeWatcher::~ChangeWatcher() { Stop(); }

bool ChangeWatcher::Subscribe() { return PollOnce(/*subscribing=*/true) == Outcome::kOk; }

void ChangeWatcher::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ChangeWatcher::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChangeWatcher::Sleep(std::chrono::milliseconds d) {
  MutexLock lock(mu_);
  lock.WaitFor(wake_, d, [this]() REQUIRES(mu_) { return stopping_.load(); });
}

void ChangeWatcher::Lost(const std::string& why, bool unsupported) {
  if (metrics_ != nullptr) {
    metrics_->WatchError();
    metrics_->WatchConnected(false);
  }
  if (unsupported) {
    if (!told_unsupported_) {
      LogWarn("agent: the server publishes no change notices; the TTL is the only refresh",
              {{"answer", why}});
      told_unsupported_ = true;
    }
  } else if (connected_) {
    LogWarn("agent: change stream lost; the TTL applies until it is back", {{"error", why}});
  }
  connected_ = false;
}

ChangeWatcher::Outcome ChangeWatcher::PollOnce(bool subscribing) {
  const bool fresh = token_.empty();
  std::string path(kPath);
  if (fresh) {
    path += "?wait=0";
  } else {
    path += "?after=" + auth::sigv4::UriEncode(token_, false) +
            "&wait=" + std::to_string(options_.wait.count());
  }
  const std::chrono::milliseconds timeout = options_.wait + std::chrono::seconds(15);
  Result<client::HttpCallResponse> r = poll_(path, timeout, &stopping_);
  if (stopping_) return Outcome::kOk;
  if (!r.ok()) {
    Lost(r.status().ToString(), false);
    return Outcome::kFailed;
  }
  if (r->status != 200) {
    const AgentAnswer mapped = MapUpstream(r);
    const bool unsupported = !mapped.transient;
    Lost("HTTP " + std::to_string(r->status) + " " + mapped.body, unsupported);
    return unsupported ? Outcome::kUnsupported : Outcome::kFailed;
  }
  JsonDocument doc;
  doc.Parse(r->body.data(), r->body.size());
  const bool object = !doc.HasParseError() && doc.IsObject();
  const JsonValue* changes = object ? JsonMember(doc, "Changes") : nullptr;
  const std::string_view next =
      object ? JsonString(doc, "NextToken").value_or(std::string_view()) : std::string_view();
  if (changes == nullptr || !changes->IsArray() || next.empty()) {
    Lost("an answer that is not a change feed's", true);
    return Outcome::kUnsupported;
  }
  // Without a token the server cannot say what changed since: when this is
  // not the subscription made before serving, anything may have.
  const bool reset = JsonBool(doc, "Reset").value_or(false) || (fresh && !subscribing);
  if (reset) {
    size_t dropped = cache_.Clear();
    if (metrics_ != nullptr) metrics_->WatchReset();
    LogInfo("agent: change stream reset: the cache was dropped",
            {{"entries", std::to_string(dropped)}});
  }
  uint64_t count = 0;
  for (const JsonValue& c : changes->GetArray()) {
    if (!c.IsObject()) continue;
    const std::string_view name = JsonString(c, "Name").value_or("");
    const std::string_view arn = JsonString(c, "ARN").value_or("");
    size_t dropped =
        cache_.Invalidate([&](std::string_view id) { return IdNamesSecret(id, name, arn); });
    ++count;
    if (LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug, "agent: change notice",
          {{"name", name},
           {"event", JsonString(c, "EventName").value_or("")},
           {"dropped", std::to_string(dropped)}});
    }
  }
  last_had_news_ = count > 0 || reset;
  if (metrics_ != nullptr) {
    metrics_->WatchChanges(count);
    metrics_->WatchConnected(true);
  }
  token_.assign(next.data(), next.size());
  if (!connected_) {
    LogInfo(subscribing ? "agent: subscribed to change notices" : "agent: change stream is back");
    connected_ = true;
    told_unsupported_ = false;
  }
  return Outcome::kOk;
}

void ChangeWatcher::Run() {
  std::chrono::milliseconds backoff = options_.first_backoff;
  while (!stopping_) {
    const Clock::time_point start = Clock::now();
    const Outcome o = PollOnce(/*subscribing=*/false);
    if (stopping_) break;
    if (o == Outcome::kOk) {
      backoff = options_.first_backoff;
      // A server that answers at once with nothing every time must not make
      // this spin; after news, ask again at once (more may be queued).
      if (!last_had_news_ && Clock::now() - start < std::chrono::milliseconds(50)) {
        Sleep(std::chrono::milliseconds(50));
      }
      continue;
    }
    Sleep(o == Outcome::kUnsupported ? options_.unsupported_backoff : backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace coffer::agent
