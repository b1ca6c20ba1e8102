// GET /coffer/secret-changes (issue 23; docs/agent.md "Push invalidation"):
// Coffer's own extension, which caching agents long-poll for the secrets
// that changed. Admitted like any call (SigV4 over the query string, the
// caller's identity, rate limit, audit record, metrics); the answer holds
// only the changes the caller may DescribeSecret, checked by running
// DescribeSecret as the caller, so identity, resource and key policies apply
// exactly as to that call.
//
//   GET /coffer/secret-changes?after=TOKEN&wait=SECONDS
//   200 {"Changes":[{"ARN":…,"Name":…,"EventName":"PutSecretValue",
//                    "EventTime":1733650000.123}],"NextToken":"…","Reset":false}
#include <charconv>
#include <string>

#include "auth/policy/access.h"
#include "auth/sigv4/uri_encode.h"
#include "common/json.h"
#include "server/pipeline.h"

namespace coffer::server {
namespace {

constexpr std::string_view kPath = "/coffer/secret-changes";

Status InvalidParameter(std::string message) {
  return Status::InvalidArgument("InvalidParameterException", std::move(message));
}

void WriteChange(JsonWriter& w, const ChangeFeed::Change& c) {
  w.StartObject();
  WriteString(w, "ARN", c.arn);
  if (!c.name.empty()) WriteString(w, "Name", c.name);
  WriteString(w, "EventName", c.event);
  WriteTimestamp(w, "EventTime", c.time_ms);
  w.EndObject();
}

}  // namespace

bool Pipeline::IsWatchRequest(const http::Request& request) {
  if (request.method != "GET") return false;
  const std::string_view target = request.target;
  return target.substr(0, target.find('?')) == kPath;
}

Result<JsonDocument> Pipeline::WatchInput(std::string_view target) {
  JsonDocument input;
  input.SetObject();
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return input;
  for (const auto& [name, value] : auth::sigv4::ParseQuery(target.substr(q + 1))) {
    if (name == "after") {
      if (value.size() > 128) return InvalidParameter("after is not a token of this server.");
      input.AddMember("after", JsonValue(value.c_str(), input.GetAllocator()),
                      input.GetAllocator());
    } else if (name == "wait") {
      int64_t seconds = -1;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), seconds);
      const int64_t max = ChangeFeed::kMaxWait.count();
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || seconds < 0 ||
          seconds > max) {
        return InvalidParameter("wait must be a whole number of seconds from 0 to " +
                                std::to_string(max) + ".");
      }
      input.AddMember("wait", JsonValue(seconds), input.GetAllocator());
    } else {
      return InvalidParameter("Unknown parameter " + name.substr(0, 64) +
                              ": secret-changes takes after and wait.");
    }
  }
  return input;
}

void Pipeline::NoteChange(const Call& call, std::string_view output_json) const {
  // The output names the secret (ARN, Name) for every operation that has
  // one; TagResource and UntagResource answer nothing: their SecretId then.
  JsonDocument out;
  out.Parse(output_json.data(), output_json.size());
  ChangeFeed::Change change;
  if (!out.HasParseError() && out.IsObject()) {
    if (auto arn = JsonString(out, "ARN")) change.arn = std::string(*arn);
    if (auto name = JsonString(out, "Name")) change.name = std::string(*name);
  }
  if (change.arn.empty()) {
    auto id = call.body.IsObject() ? JsonString(call.body, "SecretId") : std::nullopt;
    if (!id) return;
    change.arn = std::string(*id);
  }
  change.account_id = call.ctx.account_id;
  change.region = call.ctx.region;
  change.event = std::string(call.operation);
  change.time_ms = call.ctx.now_ms;
  feed_->Note(std::move(change));
}

bool Pipeline::MayDescribe(const Call& call, const ChangeFeed::Change& change) const {
  // Another account's or region's secret is never the caller's to see here
  // (cross-account readers watch with the owner's region and account).
  if (change.account_id != call.ctx.account_id || change.region != call.ctx.region) return false;
  JsonDocument input;
  input.SetObject();
  input.AddMember("SecretId", JsonValue(change.arn.c_str(), input.GetAllocator()),
                  input.GetAllocator());
  RequestContext ctx = call.ctx;
  ctx.now_ms = deps_.clock.NowMillis();
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  const Status described = deps_.secrets.Handle("DescribeSecret", ctx, input, writer);
  if (described.ok()) return true;
  // A secret deleted without a recovery window is gone: no resource policy
  // is left to consult, so the caller's own policies decide (conditions on
  // the secret's tags then fail closed).
  if (described.code() != StatusCode::kNotFound || change.event != "DeleteSecret") return false;
  if (call.ctx.caller == nullptr) return true;  // permissive mode: the account's caller
  auth::policy::AccessRequest request;
  request.action = "secretsmanager:DescribeSecret";
  request.resource = change.arn;
  return auth::policy::Authorize(*call.ctx.caller, request).ok();
}

void Pipeline::Watch(std::shared_ptr<Call> call, http::Response& response,
                     std::function<void()> answered) const {
  if (feed_ == nullptr) {
    AnswerError(*call, InvalidParameter("This server does not publish secret changes."), response);
    return answered();
  }
  const std::string after(JsonString(call->body, "after").value_or(""));
  const int64_t wait = JsonInt(call->body, "wait").value_or(ChangeFeed::kMaxWait.count());
  const Pipeline* self = this;
  feed_->Watch(
      after, std::chrono::seconds(wait),
      [self, call](const ChangeFeed::Change& c) { return self->MayDescribe(*call, c); },
      [call, &response, answered = std::move(answered)](ChangeFeed::Answer a) {
        JsonBuffer buffer;
        JsonWriter w(buffer);
        w.StartObject();
        WriteKey(w, "Changes");
        w.StartArray();
        for (const ChangeFeed::Change& c : a.changes) WriteChange(w, c);
        w.EndArray();
        WriteString(w, "NextToken", a.next_token);
        WriteBool(w, "Reset", a.reset);
        w.EndObject();
        AnswerJson(*call, std::string_view(buffer.GetString(), buffer.GetSize()), response);
        answered();
      });
}

}  // namespace coffer::server
