// X-Amz-Target dispatch for the AWS JSON 1.1 protocol (aws-compat §2):
// "secretsmanager.<Operation>" selects Secrets Manager, "TrentService.<Operation>"
// selects KMS. The operation must exist in that service's embedded model.
//
// Thread-safety: pure functions over immutable, lazily built models
// (ServiceModel::Get is safe to call concurrently).
#pragma once

#include <string_view>

#include "coffer/result.h"

namespace coffer::protocol {

// kSecretsManager and kKms speak AWS JSON 1.1 (X-Amz-Target dispatch);
// kIam and kSts speak the AWS Query protocol (protocol/query.h): an Action
// parameter, form-encoded, answered in XML.
enum class Service { kSecretsManager, kKms, kIam, kSts };

// Whether `service` speaks the AWS Query protocol (IAM, STS).
constexpr bool IsQueryService(Service service) {
  return service == Service::kIam || service == Service::kSts;
}

// "secretsmanager" or "TrentService": the model's targetPrefix. The Query
// services have none (no X-Amz-Target); theirs is the SigV4 signing name,
// "iam" / "sts" (the models' endpointPrefix), which DecodeTarget never matches.
std::string_view TargetPrefix(Service service);
// "Secrets Manager" / "KMS" / "IAM" / "STS", for logs.
std::string_view ServiceName(Service service);
// "secretsmanager" / "kms" / "iam" / "sts": the SigV4 signing name, as in
// the models' sigv4 trait (also the services' label in metrics).
std::string_view SigningName(Service service);

struct Target {
  Service service;
  // The operation name, e.g. "GetSecretValue". Points into the service
  // model, which lives for the whole program.
  std::string_view operation;
};

// Parses the X-Amz-Target header value. Matching is exact and
// case-sensitive, as on AWS. An absent header should be passed as "".
// Errors: UnknownOperationException (no message) for a missing, empty,
// malformed or unknown target (see errors.h for the evidence).
Result<Target> DecodeTarget(std::string_view x_amz_target);

}  // namespace coffer::protocol
