#include "protocol/target.h"

#include "protocol/errors.h"
#include "protocol/service_model.h"

namespace coffer::protocol {

std::string_view TargetPrefix(Service service) {
  switch (service) {
    case Service::kSecretsManager: return "secretsmanager";
    case Service::kKms: return "TrentService";
    case Service::kIam: return "iam";
    case Service::kSts: return "sts";
  }
  return "secretsmanager";
}

std::string_view ServiceName(Service service) {
  switch (service) {
    case Service::kSecretsManager: return "Secrets Manager";
    case Service::kKms: return "KMS";
    case Service::kIam: return "IAM";
    case Service::kSts: return "STS";
  }
  return "Secrets Manager";
}

std::string_view SigningName(Service service) {
  switch (service) {
    case Service::kKms: return "kms";
    case Service::kIam: return "iam";
    case Service::kSts: return "sts";
    case Service::kSecretsManager: break;
  }
  return "secretsmanager";
}

Result<Target> DecodeTarget(std::string_view x_amz_target) {
  size_t dot = x_amz_target.find('.');
  if (dot == std::string_view::npos) return UnknownOperationError();
  std::string_view prefix = x_amz_target.substr(0, dot);
  std::string_view op = x_amz_target.substr(dot + 1);
  for (Service service : {Service::kSecretsManager, Service::kKms}) {
    if (prefix != TargetPrefix(service)) continue;
    std::string_view name = ServiceModel::Get(service).FindOperation(op);
    if (name.empty()) return UnknownOperationError();
    return Target{service, name};
  }
  return UnknownOperationError();
}

}  // namespace coffer::protocol
