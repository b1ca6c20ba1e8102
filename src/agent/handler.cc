#include "agent/handler.h"

#include <utility>

#include "common/log.h"

namespace coffer::agent {
namespace {

constexpr std::string_view kMetricsPath = "/metrics";

AgentAnswer Text(int status, std::string body) { return AgentAnswer{status, std::move(body)}; }

bool IsMetricsTarget(std::string_view target) {
  return target.substr(0, target.find('?')) == kMetricsPath;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsForwardedFor(std::string_view name) {
  constexpr std::string_view kName = "x-forwarded-for";
  if (name.size() != kName.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kName[i]) return false;
  }
  return true;
}

std::optional<bool> RefreshValue(std::string_view v) {
  std::string lower;
  for (char c : v) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  return std::nullopt;
}

// Reads the query string into `q`; `allow_secret_id` for the
// /secretsmanager/get form. A local error answer, or nullopt when all is well.
std::optional<AgentAnswer> ParseQuery(std::string_view query, bool allow_secret_id,
                                      SecretQuery& q) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = FormDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1));
    if (name == "secretId" && allow_secret_id) {
      q.secret_id = std::move(value);
    } else if (name == "versionId") {
      q.version_id = std::move(value);
    } else if (name == "versionStage") {
      q.version_stage = std::move(value);
    } else if (name == "refreshNow") {
      std::optional<bool> refresh = RefreshValue(value);
      if (!refresh) return Text(400, "invalid refreshNow value");
      q.refresh_now = *refresh;
    } else {
      return Text(400, "unknown parameter: " + name);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

AgentHandler::AgentHandler(const AgentConfig& config, SsrfToken token, SecretCache& cache,
                           SecretFetcher& fetcher, AgentMetrics* metrics)
    : path_prefix_(config.path_prefix),
      ssrf_headers_(config.ssrf_headers),
      ignore_transient_errors_(config.ignore_transient_errors),
      token_(std::move(token)),
      cache_(cache),
      fetcher_(fetcher),
      metrics_(metrics != nullptr ? *metrics : own_metrics_) {}

std::variant<AgentAnswer, SecretQuery> AgentHandler::Route(const http::Request& request,
                                                           bool log_rejections) const {
  std::string_view target = request.target;
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);

  if (path != "/ping") {
    for (const auto& header : request.headers) {
      if (IsForwardedFor(header.first)) {
        if (log_rejections) LogWarn("agent: rejected a request with X-Forwarded-For");
        return Text(400, "Forwarded");
      }
    }
    if (!token_.Matches(request, ssrf_headers_)) {
      if (log_rejections) {
        LogWarn("agent: rejected a request with a missing or wrong SSRF token");
      }
      return Text(403, "Bad Token");
    }
  }
  if (request.method != "GET") return Text(405, "Not allowed");
  if (path == "/ping") return Text(200, "healthy");
  if (path == kMetricsPath) return Text(200, "");  // Handle renders it

  SecretQuery q;
  if (path == "/secretsmanager/get") {
    if (auto error = ParseQuery(query, true, q)) return *error;
    if (q.secret_id.empty()) return Text(400, "missing parameter secretId");
    return q;
  }
  if (path.substr(0, path_prefix_.size()) == path_prefix_) {
    q.secret_id = std::string(path.substr(path_prefix_.size()));
    if (q.secret_id.empty()) return Text(400, "missing secret ID");
    if (auto error = ParseQuery(query, false, q)) return *error;
    return q;
  }
  return Text(404, "Not found");
}

bool AgentHandler::NeedsUpstream(const http::Request& request) const {
  std::variant<AgentAnswer, SecretQuery> routed = Route(request, /*log_rejections=*/false);
  const SecretQuery* q = std::get_if<SecretQuery>(&routed);
  if (q == nullptr) return false;
  return q->refresh_now || cache_.Get(q->CacheKey()) == nullptr;
}

void AgentHandler::Handle(const http::Request& request, http::Response& response) const {
  std::variant<AgentAnswer, SecretQuery> routed = Route(request);
  if (AgentAnswer* local = std::get_if<AgentAnswer>(&routed)) {
    if (local->status == 200 && IsMetricsTarget(request.target)) {
      metrics_.Count(Outcome::kMetrics);
      response.status = 200;
      response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
      response.body = metrics_.Render(cache_);
      return;
    }
    metrics_.Count(local->status == 200 ? Outcome::kPing : Outcome::kLocalError);
    response.status = local->status;
    response.body = std::move(local->body);
    return;
  }
  const SecretQuery& q = std::get<SecretQuery>(routed);
  const std::string key = q.CacheKey();
  SecretCache::Lookup cached;
  if (!q.refresh_now) {
    cached = cache_.Find(key);
    if (cached.fresh) {
      metrics_.Count(Outcome::kHit);
      response.status = 200;
      response.body.assign(cached.value->view());
      return;
    }
  }
  const uint64_t epoch = cache_.epoch();
  AgentAnswer answer = fetcher_.Fetch(q);
  metrics_.Upstream(/*batch=*/false, answer.status != 200, answer.transient);
  if (answer.status == 200) {
    // Not stored when a change notice arrived meanwhile (it may be older).
    cache_.PutIfUnchanged(key, SecureString(std::string_view(answer.body)), epoch);
    metrics_.Count(q.refresh_now ? Outcome::kRefresh : Outcome::kMiss);
  } else if (answer.transient && ignore_transient_errors_ && cached.value != nullptr) {
    // Serve-stale: the expired value, marked, within max_stale_seconds.
    metrics_.Count(Outcome::kStale);
    LogWarn("agent: upstream failed transiently; served the cached value stale",
            {{"secret_id", q.secret_id},
             {"status", std::to_string(answer.status)},
             {"age_seconds", std::to_string(cached.age.count())}});
    response.status = 200;
    response.headers.emplace_back(kStaleHeader, std::to_string(cached.age.count()));
    response.body.assign(cached.value->view());
    return;
  } else {
    // A 4xx the server meant (not found, denied, ...) ends the entry's life.
    if (!answer.transient) cache_.Erase(key);
    metrics_.Count(Outcome::kUpstreamError);
  }
  response.status = answer.status;
  response.body = std::move(answer.body);
}

}  // namespace coffer::agent
