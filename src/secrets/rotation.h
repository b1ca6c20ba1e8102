// The secrets side of rotation (issue 21, aws-compat §4.1): what the rotation
// engine (src/rotation) asks of a secret around the four steps its function
// runs, and the RotationToken that PutSecretValue checks.
//
// A rotation is the AWSPENDING label on a version that does not hold
// AWSCURRENT; the version's id is the ClientRequestToken every step gets.
// Nothing else is stored about it, so a restarted server, or another node,
// finds unfinished rotations in the labels (Txn::SecretsWithPendingRotation)
// and reattempts them, as AWS does ("A previous rotation isn't complete.
// That rotation will be reattempted.").
//
//   BeginRotation   resumes the rotation in progress, or opens a new one: an
//                   AWSPENDING placeholder without a value (a test-only run,
//                   RotateImmediately=false, gets a copy of AWSCURRENT's value
//                   so testSecret has something to test, and loses it after).
//   FinishRotation  after the steps: success needs AWSCURRENT on the token's
//                   version; it takes AWSPENDING off that version and records
//                   LastRotatedDate and the next window.
//                   A failure leaves the labels as they are (AWSPENDING on
//                   the placeholder, as on AWS); `give_up` moves
//                   NextRotationDate to the next window so the scheduler
//                   stops asking until then.
//
// Thread-safety: free functions over the Service (thread-safe); the engine
// never runs two rotations of one secret at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "secrets/service.h"

namespace coffer::secrets {

struct RotationJob {
  int64_t secret_id = 0;
  std::string arn;
  std::string account_id;
  std::string region;
  std::string token;       // the AWSPENDING version's id (ClientRequestToken)
  std::string lambda_arn;  // RotationLambdaARN
  bool test_only = false;  // RotateImmediately=false: testSecret alone
  bool resumed = false;    // an unfinished rotation taken up again
};

// nullopt: nothing to do (the secret is gone, pending deletion, rotation
// disabled or without a function, or — test_only — a rotation is already in
// progress). With `only_token` (RotateSecret's own request), only the
// rotation of that version is run: nullopt when it is over or superseded,
// and no new rotation is opened.
Result<std::optional<RotationJob>> BeginRotation(Service& svc, int64_t secret_id, bool test_only,
                                                 std::string_view only_token = {});

// `succeeded`: every step returned success. Returns FailedPrecondition when
// the steps succeeded but AWSCURRENT is not on the token's version (the
// function did not finish), which the engine treats as a failed attempt.
Status FinishRotation(Service& svc, const RotationJob& job, bool succeeded, bool give_up);

// The RotationToken of an invocation: binds the secret's ARN and the
// version's id until `expires_ms` with the service's token key. Matches
// RotationTokenType (36–256 characters of [a-zA-Z0-9-]).
std::string MakeRotationToken(const Service& svc, std::string_view secret_arn,
                              std::string_view version_id, int64_t expires_ms);
// OK when `rotation_token` was made for this secret and version and has not
// expired; else InvalidRequestException.
Status CheckRotationToken(const Service& svc, std::string_view rotation_token,
                          std::string_view secret_arn, std::string_view version_id, int64_t now_ms);

}  // namespace coffer::secrets
