#include "client/sm_client.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "common/clock.h"
#include "common/json.h"

namespace coffer::client {

const std::string* FindEnv(const std::vector<std::pair<std::string, std::string>>& env,
                           std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : env) {
    if (k == name) found = &v;
  }
  return found;
}

Status SecretsManagerErrorStatus(int http_status, std::string_view body) {
  std::string type;
  std::string message;
  JsonDocument doc;
  doc.Parse(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    if (auto t = JsonString(doc, "__type")) type = std::string(*t);
    if (auto m = JsonString(doc, "message")) {
      message = std::string(*m);
    } else if (auto m2 = JsonString(doc, "Message")) {
      message = std::string(*m2);
    }
  }
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  if (message.empty()) message = "HTTP " + std::to_string(http_status);

  StatusCode code = StatusCode::kInvalidArgument;
  if (type == "ResourceNotFoundException") {
    code = StatusCode::kNotFound;
  } else if (type == "AccessDeniedException") {
    code = StatusCode::kPermissionDenied;
  } else if (type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
             type == "IncompleteSignatureException" || type == "ExpiredTokenException" ||
             type == "MissingAuthenticationTokenException" || type == "InvalidClientTokenId" ||
             type == "SignatureDoesNotMatch") {
    code = StatusCode::kUnauthenticated;
  } else if (type == "ThrottlingException" || type == "LimitExceededException") {
    code = StatusCode::kResourceExhausted;
  } else if (type == "ResourceExistsException") {
    code = StatusCode::kAlreadyExists;
  } else if (http_status >= 500) {
    code = StatusCode::kUnavailable;
  }
  return Status(code, std::move(type), std::move(message));
}

SecretsManagerClient::SecretsManagerClient(std::string endpoint, std::string region,
                                           auth::sigv4::SigningCredentials credentials,
                                           std::chrono::milliseconds timeout, Transport transport,
                                           std::string ca_file)
    : endpoint_(std::move(endpoint)),
      region_(std::move(region)),
      credentials_(std::move(credentials)),
      timeout_(timeout),
      transport_(transport ? std::move(transport) : Transport(&HttpCall)),
      ca_file_(std::move(ca_file)) {}

SecretsManagerClient::SecretsManagerClient(std::string endpoint, std::string region,
                                           CredentialsSource source,
                                           std::chrono::milliseconds timeout, Transport transport,
                                           std::string ca_file)
    : endpoint_(std::move(endpoint)),
      region_(std::move(region)),
      source_(std::move(source)),
      timeout_(timeout),
      transport_(transport ? std::move(transport) : Transport(&HttpCall)),
      ca_file_(std::move(ca_file)) {}

Result<SecretsManagerClient> SecretsManagerClient::FromEnvironment(
    const std::vector<std::pair<std::string, std::string>>& env, std::chrono::milliseconds timeout,
    Transport transport) {
  auto get = [&](std::string_view name) -> std::string {
    const std::string* v = FindEnv(env, name);
    return v ? *v : std::string();
  };
  std::string endpoint = get("SECRETS_MANAGER_ENDPOINT");
  if (endpoint.empty()) endpoint = get("AWS_ENDPOINT_URL");
  if (endpoint.empty()) {
    return Status::InvalidArgument("", "SECRETS_MANAGER_ENDPOINT is not set");
  }
  std::string region = get("AWS_REGION");
  if (region.empty()) region = get("AWS_DEFAULT_REGION");
  if (region.empty()) return Status::InvalidArgument("", "AWS_REGION is not set");
  auth::sigv4::SigningCredentials creds;
  creds.access_key_id = get("AWS_ACCESS_KEY_ID");
  if (creds.access_key_id.empty()) {
    return Status::InvalidArgument("", "AWS_ACCESS_KEY_ID is not set");
  }
  const std::string* secret = FindEnv(env, "AWS_SECRET_ACCESS_KEY");
  if (!secret || secret->empty()) {
    return Status::InvalidArgument("", "AWS_SECRET_ACCESS_KEY is not set");
  }
  creds.secret_access_key = SecureString(std::string_view(*secret));
  creds.session_token = get("AWS_SESSION_TOKEN");
  return SecretsManagerClient(std::move(endpoint), std::move(region), std::move(creds), timeout,
                              std::move(transport), get("AWS_CA_BUNDLE"));
}

Result<std::string> SecretsManagerClient::Call(std::string_view operation,
                                               std::string_view json_body) const {
  Result<HttpCallResponse> response = Send(operation, json_body);
  if (!response.ok()) {
    const Status& s = response.status();
    if (s.code() != StatusCode::kUnavailable) return s;
    return Status::Unavailable(
        s.reason(), (signing_name_ == "secretsmanager" ? std::string("Secrets Manager") : signing_name_) +
                        " " + std::string(operation) + " failed: " + s.message());
  }
  if (response->status >= 200 && response->status < 300) return std::move(response->body);
  Status error = SecretsManagerErrorStatus(response->status, response->body);
  WipeString(response->body);
  return error;
}

Result<HttpCallResponse> SecretsManagerClient::Send(std::string_view operation,
                                                    std::string_view json_body) const {
  return SendSigned("POST", endpoint_, target_prefix_ + "." + std::string(operation), json_body,
                    timeout_);
}

Result<HttpCallResponse> SecretsManagerClient::SendGet(std::string_view path_and_query,
                                                       std::chrono::milliseconds timeout,
                                                       const std::atomic<bool>* cancel) const {
  std::string url = endpoint_;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url.append(path_and_query);
  return SendSigned("GET", url, "", "", timeout.count() > 0 ? timeout : timeout_, cancel);
}

Result<HttpCallResponse> SecretsManagerClient::SendSigned(const std::string& method,
                                                          const std::string& url_text,
                                                          const std::string& amz_target,
                                                          std::string_view body,
                                                          std::chrono::milliseconds timeout,
                                                          const std::atomic<bool>* cancel) const {
  COFFER_ASSIGN_OR_RETURN(ParsedUrl url, ParseHttpUrl(url_text));
  const std::string host = HostHeader(url);
  auth::sigv4::HeaderList headers = {{"Host", host}};
  if (!amz_target.empty()) {
    headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    headers.emplace_back("X-Amz-Target", amz_target);
  }
  auth::sigv4::HttpRequestView view{method, url.target, &headers, body};
  std::optional<auth::sigv4::SigningCredentials> fresh;
  if (source_) {
    COFFER_ASSIGN_OR_RETURN(auto got, source_());
    fresh.emplace(std::move(got));
  }
  COFFER_ASSIGN_OR_RETURN(auth::sigv4::SigningResult signed_request,
                          auth::sigv4::SignRequest(view, fresh ? *fresh : credentials_, region_,
                                                   signing_name_, SystemClock().NowMillis()));

  HttpCallRequest request;
  request.method = method;
  request.url = url_text;
  request.timeout = timeout;
  if (deadline_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *deadline_ - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0)) {
      return Status::Unavailable("Deadline", "the function's time is up");
    }
    request.timeout = std::min(request.timeout, left);
  }
  request.ca_file = ca_file_;
  request.cancel = cancel;
  request.body = std::string(body);
  // Host too: HttpCall sets the same value (client::HostHeader).
  request.headers = std::move(signed_request.signed_headers);
  request.headers.emplace_back("User-Agent", user_agent_);
  Result<HttpCallResponse> response = transport_(request);
  WipeString(request.body);
  return response;
}

}  // namespace coffer::client
