#include "agent/prefetch.h"

#include <algorithm>
#include <optional>

#include "agent/upstream.h"
#include "common/json.h"
#include "common/log.h"
#include "common/secure_string.h"

namespace coffer::agent {
namespace {

constexpr size_t kIdsPerCall = 20;  // BatchGetSecretValue's SecretIdList limit
constexpr size_t kMaxPages = 1000;  // a guard against a server that pages forever

std::string CacheKeyOf(std::string_view id) {
  return SecretQuery{std::string(id), std::nullopt, std::nullopt}.CacheKey();
}

class Prefetcher {
 public:
  Prefetcher(const BatchGetCall& call, size_t capacity, SecretCache& cache, AgentMetrics* metrics)
      : call_(call), capacity_(capacity), cache_(cache), metrics_(metrics) {}

  // One call; stores what it returned. The NextToken, if any.
  std::optional<std::string> Call(const std::string& body, const std::vector<std::string>& ids) {
    ++report_.calls;
    Result<client::HttpCallResponse> outcome = call_(body);
    const AgentAnswer mapped = MapUpstream(outcome);
    if (metrics_ != nullptr) {
      metrics_->Upstream(/*batch=*/true, mapped.status != 200, mapped.transient);
    }
    if (mapped.status != 200) {
      ++report_.errors;
      LogWarn("agent: prefetch: BatchGetSecretValue failed",
              {{"status", std::to_string(mapped.status)}, {"error", mapped.body}});
      if (outcome.ok()) WipeString(outcome->body);
      return std::nullopt;
    }
    JsonDocument doc;
    doc.Parse(outcome->body.data(), outcome->body.size());
    WipeString(outcome->body);
    if (const JsonValue* values = JsonMember(doc, "SecretValues"); values && values->IsArray()) {
      for (const JsonValue& v : values->GetArray()) Store(v, ids);
    }
    if (const JsonValue* errors = JsonMember(doc, "Errors"); errors && errors->IsArray()) {
      for (const JsonValue& e : errors->GetArray()) {
        ++report_.errors;
        LogWarn("agent: prefetch: a secret was not returned",
                {{"secret_id", std::string(JsonString(e, "SecretId").value_or(""))},
                 {"error", std::string(JsonString(e, "ErrorCode").value_or(""))}});
      }
    }
    std::optional<std::string_view> next = JsonString(doc, "NextToken");
    if (!next || next->empty()) return std::nullopt;
    return std::string(*next);
  }

  // A Filters chain: every page until no NextToken or the cache is full.
  void Filtered(const std::vector<std::pair<std::string, std::string>>& filters) {
    std::optional<std::string> token;
    for (size_t page = 0; page < kMaxPages && !full(); ++page) {
      JsonBuffer buf;
      JsonWriter w(buf);
      w.StartObject();
      WriteKey(w, "Filters");
      w.StartArray();
      for (const auto& [key, value] : filters) {
        w.StartObject();
        WriteString(w, "Key", key);
        WriteStringArray(w, "Values", {value});
        w.EndObject();
      }
      w.EndArray();
      WriteInt(w, "MaxResults", 20);
      if (token) WriteString(w, "NextToken", *token);
      w.EndObject();
      token = Call(std::string(buf.GetString(), buf.GetSize()), {});
      if (!token) return;
    }
  }

  bool full() const { return report_.secrets >= capacity_; }
  const PrefetchReport& report() const { return report_; }

 private:
  void Store(const JsonValue& v, const std::vector<std::string>& ids) {
    if (!v.IsObject()) return;
    std::optional<std::string_view> name = JsonString(v, "Name");
    std::optional<std::string_view> arn = JsonString(v, "ARN");
    if (!name || !arn) return;
    JsonBuffer buf;
    JsonWriter w(buf);
    v.Accept(w);
    const std::string_view body(buf.GetString(), buf.GetSize());
    cache_.Put(CacheKeyOf(*name), SecureString(body));
    cache_.Put(CacheKeyOf(*arn), SecureString(body));
    for (const std::string& id : ids) {
      if (id != *name && id != *arn && IdNamesSecret(id, *name, *arn)) {
        cache_.Put(CacheKeyOf(id), SecureString(body));
      }
    }
    ++report_.secrets;
    if (metrics_ != nullptr) metrics_->Prefetched(1);
  }

  const BatchGetCall& call_;
  const size_t capacity_;
  SecretCache& cache_;
  AgentMetrics* metrics_;
  PrefetchReport report_;
};

}  // namespace

bool IdNamesSecret(std::string_view id, std::string_view name, std::string_view arn) {
  if (id.empty()) return false;
  if (id == name || id == arn) return true;
  return arn.size() == id.size() + 7 && arn.substr(0, id.size()) == id && arn[id.size()] == '-';
}

PrefetchReport Prefetch(const BatchGetCall& call, const PrefetchSpec& spec, size_t capacity,
                        SecretCache& cache, AgentMetrics* metrics) {
  Prefetcher p(call, capacity, cache, metrics);
  for (size_t i = 0; i < spec.secret_ids.size() && !p.full(); i += kIdsPerCall) {
    std::vector<std::string> chunk(
        spec.secret_ids.begin() + static_cast<std::ptrdiff_t>(i),
        spec.secret_ids.begin() +
            static_cast<std::ptrdiff_t>(std::min(spec.secret_ids.size(), i + kIdsPerCall)));
    JsonBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    WriteStringArray(w, "SecretIdList", chunk);
    w.EndObject();
    p.Call(std::string(buf.GetString(), buf.GetSize()), chunk);
  }
  for (const std::string& prefix : spec.name_prefixes) p.Filtered({{"name", prefix}});
  if (!spec.tags.empty()) {
    std::vector<std::pair<std::string, std::string>> filters;
    for (const auto& [key, value] : spec.tags) {
      filters.emplace_back("tag-key", key);
      filters.emplace_back("tag-value", value);
    }
    p.Filtered(filters);
  }
  return p.report();
}

}  // namespace coffer::agent
