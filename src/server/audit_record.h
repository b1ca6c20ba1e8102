// The audit record of one exchange (issue 20): what audit::AppendEventJson
// needs, gathered from the HTTP request, the pipeline's Call (when the
// request got that far) and the final response. One record per request,
// refused ones included (no Call: the operation is read again from the
// request, the identity is what its signature claimed, and the error is the
// one the response carries).
//
// What is recorded of the bodies: requestParameters are the request's
// members (redacted by audit/record.h's rules); responseElements only for
// operations that change something on the JSON services (CloudTrail, too,
// records none for reads such as GetSecretValue or Decrypt), never for a
// failed request, and none for IAM and STS (their answers are XML).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "http/message.h"
#include "server/pipeline.h"

namespace coffer::server {

// Appends the record's JSON line (with '\n') to `line`.
void AppendAuditLine(const http::Request& request, const Pipeline::Call* call,
                     const http::Response& response, int64_t now_ms, std::string& line);

}  // namespace coffer::server
