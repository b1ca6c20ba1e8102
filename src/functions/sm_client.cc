#include "functions/sm_client.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/json.h"

namespace coffer::functions {

namespace {

// The Host header HttpCall sends for `url`: the host (bracketed when IPv6)
// and the port unless it is the scheme's default.
std::string HostHeader(const ParsedUrl& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  const bool default_port = (url.tls && url.port == "443") || (!url.tls && url.port == "80");
  if (!default_port) host += ":" + url.port;
  return host;
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

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

Result<SecretsManagerClient> SecretsManagerClient::FromEnvironment(
    const Invocation& invocation, std::chrono::milliseconds timeout, Transport transport) {
  const auto& env = invocation.environment;
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
  COFFER_ASSIGN_OR_RETURN(ParsedUrl url, ParseHttpUrl(endpoint_));
  const std::string host = HostHeader(url);
  auth::sigv4::HeaderList headers = {
      {"Host", host},
      {"Content-Type", "application/x-amz-json-1.1"},
      {"X-Amz-Target", "secretsmanager." + std::string(operation)},
  };
  auth::sigv4::HttpRequestView view{"POST", url.target, &headers, json_body};
  COFFER_ASSIGN_OR_RETURN(
      auth::sigv4::SigningResult signed_request,
      auth::sigv4::SignRequest(view, credentials_, region_, "secretsmanager", NowMillis()));

  HttpCallRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.timeout = timeout_;
  if (deadline_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *deadline_ - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0)) {
      return Status::Unavailable(
          "", "Secrets Manager " + std::string(operation) + " not sent: the function's time is up");
    }
    request.timeout = std::min(request.timeout, left);
  }
  request.ca_file = ca_file_;
  request.body = std::string(json_body);
  // Host too: HttpCall sets the same value (HostHeader above mirrors it).
  request.headers = std::move(signed_request.signed_headers);
  request.headers.emplace_back("User-Agent", "coffer-builtin-rotator");
  Result<HttpCallResponse> response = transport_(request);
  WipeString(request.body);
  if (!response.ok()) {
    const Status& s = response.status();
    return Status::Unavailable(
        s.reason(), "Secrets Manager " + std::string(operation) + " failed: " + s.message());
  }
  if (response->status >= 200 && response->status < 300) return std::move(response->body);
  Status error = SecretsManagerErrorStatus(response->status, response->body);
  WipeString(response->body);
  return error;
}

}  // namespace coffer::functions
