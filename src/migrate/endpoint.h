// One side of `coffer migrate`: a Secrets Manager endpoint reached through
// client/sm_client.h with the standard credential chain
// (client/credential_chain.h) under an optional profile, and the few reads
// the migration needs from it (ListSecrets, DescribeSecret,
// ListSecretVersionIds, GetResourcePolicy, KMS ListAliases) as plan.h's
// value types. KMS calls go to the same endpoint (Coffer, LocalStack), or to
// kms.REGION… when the endpoint is AWS's secretsmanager.REGION… host.
//
// Thread-safety: Side's methods are const and may run on several threads at
// once (each call owns its connection; the credential provider is
// thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/credential_chain.h"
#include "client/sm_client.h"
#include "coffer/result.h"
#include "migrate/kms_map.h"
#include "migrate/plan.h"

namespace coffer::migrate {

// What the command line says of a side. A value type.
struct SideOptions {
  std::string endpoint;  // empty: the chain's (AWS_ENDPOINT_URL…, the profile's, AWS's)
  std::string profile;   // empty: the environment's chain (AWS_PROFILE, keys, default)
  std::string region;    // empty: the chain's
};

class Side {
 public:
  // Resolves credentials, region and endpoint. InvalidArgument naming what
  // is missing (`label` is "source" or "target").
  static Result<std::unique_ptr<Side>> Open(const SideOptions& options,
                                            const client::EnvLookup& env, std::string label);

  // A Secrets Manager call; the response body on 2xx. GetSecretValue's
  // answer holds a value: the caller wipes it.
  Result<std::string> Call(std::string_view operation, std::string_view json_body) const;
  // A KMS call (AWS JSON 1.1, TrentService.OPERATION, signed for "kms").
  Result<std::string> KmsCall(std::string_view operation, std::string_view json_body) const;

  // "source http://127.0.0.1:8080 (us-east-1, profile a)". No secret.
  std::string Describe() const;
  const std::string& endpoint() const { return sm_->endpoint(); }
  const std::string& region() const { return sm_->region(); }

 private:
  Side() = default;
  std::string label_;
  std::shared_ptr<client::CredentialProvider> credentials_;
  std::unique_ptr<client::SecretsManagerClient> sm_;
  std::unique_ptr<client::SecretsManagerClient> kms_;  // the same client, set for KMS
};

// The names of every secret not scheduled for deletion, starting with
// `prefix` (ListSecrets, paged).
Result<std::vector<std::string>> ListSecretNames(const Side& side, const std::string& prefix);

// `name`'s state; nullopt when the side has no such secret. Versions:
// labelled ones only unless `include_deprecated`.
Result<std::optional<SecretState>> ReadSecret(const Side& side, const std::string& name,
                                              bool include_deprecated);

// The side's versions of `name` (ListSecretVersionIds, paged).
Result<std::vector<VersionInfo>> ReadVersions(const Side& side, const std::string& name,
                                              bool include_deprecated);

// Every alias of the side's account and region (KMS ListAliases, paged).
Result<std::vector<AliasEntry>> ListAliases(const Side& side);

}  // namespace coffer::migrate
