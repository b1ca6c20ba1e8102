#include "client/sts_client.h"

#include <algorithm>
#include <ctime>
#include <optional>
#include <utility>

#include "common/clock.h"

namespace coffer::client {
namespace {

// application/x-www-form-urlencoded, as botocore writes it (RFC 3986
// unreserved characters as they are, everything else %XX).
std::string FormEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    std::string_view entity = semi == std::string_view::npos ? "" : s.substr(i + 1, semi - i - 1);
    if (entity == "amp")
      out += '&';
    else if (entity == "lt")
      out += '<';
    else if (entity == "gt")
      out += '>';
    else if (entity == "quot")
      out += '"';
    else if (entity == "apos")
      out += '\'';
    else {
      out += '&';
      continue;
    }
    i = semi;
  }
  return out;
}

}  // namespace

std::optional<std::string> XmlElementText(std::string_view xml, std::string_view tag) {
  std::string open, close;
  open.append("<").append(tag).append(">");
  close.append("</").append(tag).append(">");
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return std::nullopt;
  return DecodeEntities(xml.substr(start, end - start));
}

std::optional<int64_t> ParseIso8601Utc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       s = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  int64_t millis = 0;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() < 2) return std::nullopt;
    int scale = 100;
    for (size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] < '0' || rest[i] > '9') return std::nullopt;
      millis += (rest[i] - '0') * scale;
      scale /= 10;
    }
  }
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *s;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

Result<TemporaryCredentials> ParseAssumeRoleResponse(std::string_view xml) {
  TemporaryCredentials out;
  auto akid = XmlElementText(xml, "AccessKeyId");
  auto secret = XmlElementText(xml, "SecretAccessKey");
  auto token = XmlElementText(xml, "SessionToken");
  auto expiration = XmlElementText(xml, "Expiration");
  if (!akid || !secret || !token || !expiration) {
    if (secret) std::fill(secret->begin(), secret->end(), '\0');
    return Status::InvalidArgument("", "AssumeRole's answer has no Credentials");
  }
  out.credentials.access_key_id = std::move(*akid);
  out.credentials.secret_access_key = SecureString(std::move(*secret));
  out.credentials.session_token = std::move(*token);
  std::optional<int64_t> when = ParseIso8601Utc(*expiration);
  if (!when) return Status::InvalidArgument("", "AssumeRole's Expiration is not a UTC time");
  out.expiration_ms = *when;
  return out;
}

Status StsErrorStatus(int http_status, std::string_view xml) {
  std::string code = XmlElementText(xml, "Code").value_or("");
  std::string message = XmlElementText(xml, "Message").value_or("");
  if (message.empty()) message = "HTTP " + std::to_string(http_status);
  StatusCode status = StatusCode::kInvalidArgument;
  if (code == "AccessDenied" || code == "AccessDeniedException") {
    status = StatusCode::kPermissionDenied;
  } else if (code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" ||
             code == "ExpiredToken" || code == "IncompleteSignature" ||
             code == "MissingAuthenticationToken") {
    status = StatusCode::kUnauthenticated;
  } else if (http_status >= 500) {
    status = StatusCode::kUnavailable;
  }
  return Status(status, std::move(code), std::move(message));
}

StsClient::StsClient(std::string endpoint, std::string region, std::chrono::milliseconds timeout,
                     Transport transport, std::string ca_file)
    : endpoint_(std::move(endpoint)),
      region_(std::move(region)),
      timeout_(timeout),
      transport_(transport ? std::move(transport) : Transport(&HttpCall)),
      ca_file_(std::move(ca_file)) {}

Result<std::string> StsClient::Post(const auth::sigv4::SigningCredentials& creds,
                                    const std::string& form) const {
  COFFER_ASSIGN_OR_RETURN(ParsedUrl url, ParseHttpUrl(endpoint_));
  auth::sigv4::HeaderList headers = {
      {"Host", HostHeader(url)},
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
  };
  auth::sigv4::HttpRequestView view{"POST", url.target, &headers, form};
  COFFER_ASSIGN_OR_RETURN(auth::sigv4::SigningResult signed_request,
                          auth::sigv4::SignRequest(view, creds, region_, "sts", SystemClock().NowMillis()));
  HttpCallRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.timeout = timeout_;
  request.ca_file = ca_file_;
  request.body = form;
  request.headers = std::move(signed_request.signed_headers);
  request.headers.emplace_back("User-Agent", "coffer-agent");
  Result<HttpCallResponse> response = transport_(request);
  if (!response.ok()) {
    const Status& s = response.status();
    return Status::Unavailable(s.reason(), "STS call failed: " + s.message());
  }
  if (response->status >= 200 && response->status < 300) return std::move(response->body);
  return StsErrorStatus(response->status, response->body);
}

Result<TemporaryCredentials> StsClient::AssumeRole(const auth::sigv4::SigningCredentials& source,
                                                   const AssumeRoleRequest& request) const {
  std::string form =
      "Action=AssumeRole&Version=2011-06-15&RoleArn=" + FormEncode(request.role_arn) +
      "&RoleSessionName=" + FormEncode(request.role_session_name) +
      "&DurationSeconds=" + std::to_string(request.duration_seconds);
  if (!request.external_id.empty()) form += "&ExternalId=" + FormEncode(request.external_id);
  COFFER_ASSIGN_OR_RETURN(std::string body, Post(source, form));
  Result<TemporaryCredentials> parsed = ParseAssumeRoleResponse(body);
  WipeString(body);
  return parsed;
}

Result<std::string> StsClient::GetCallerIdentity(
    const auth::sigv4::SigningCredentials& creds) const {
  COFFER_ASSIGN_OR_RETURN(std::string body,
                          Post(creds, "Action=GetCallerIdentity&Version=2011-06-15"));
  std::optional<std::string> arn = XmlElementText(body, "Arn");
  if (!arn) return Status::InvalidArgument("", "GetCallerIdentity's answer has no Arn");
  return *arn;
}

}  // namespace coffer::client
