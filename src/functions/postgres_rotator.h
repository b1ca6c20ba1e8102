// The built-in rotator "postgresql-single-user": AWS's published
// SecretsManagerRDSPostgreSQLRotationSingleUser function (aws-samples/
// aws-secrets-manager-rotation-lambdas) compiled into Coffer. It logs into
// the database as the secret's user and changes that user's own password.
//
// The secret's SecretString is a JSON object:
//   {"engine": "postgres" | "aurora-postgresql", "host": …, "username": …,
//    "password": …, "port": 5432 (optional, number or text),
//    "dbname": "postgres" (optional), "ssl": true | false (optional), …}
// Other members are kept as they are in every new version.
//
// Steps (each first checks, as the template does, that rotation is enabled
// and that the event's token is staged AWSPENDING; a token already AWSCURRENT
// is success):
//   createSecret  a new AWSPENDING version: the current JSON with a password
//                 from GetRandomPassword (EXCLUDE_CHARACTERS, default
//                 :/@"'\ and PASSWORD_LENGTH, default 32, from the
//                 environment), unless the version exists already.
//   setSecret     unless the pending password already logs in: log in with
//                 the AWSCURRENT (else AWSPREVIOUS) secret and ALTER USER.
//   testSecret    log in with the pending secret and SELECT NOW().
//   finishSecret  move AWSCURRENT to the token's version.
//
// Not implemented from the template: the "masterarn" user creation and the
// RDS API look-ups (Coffer has no RDS).
//
// Thread-safety: a PostgresRotator is used by one thread; RunPostgresSingleUser
// may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>

#include "client/sm_client.h"
#include "coffer/result.h"
#include "common/secure_string.h"
#include "functions/function.h"
#include "functions/postgres_db.h"
#include "functions/postgres_secret.h"

namespace coffer::functions {

class PostgresRotator {
 public:
  PostgresRotator(const client::SecretsManagerClient& sm, PostgresConnector& db,
                  PostgresRotatorOptions options);

  // Checks the secret's staging and runs event.step.
  Status Run(const RotationEvent& event);

  Status CreateSecret(const RotationEvent& event);
  Status SetSecret(const RotationEvent& event);
  Status TestSecret(const RotationEvent& event);
  Status FinishSecret(const RotationEvent& event);

 private:
  struct SecretDict {
    PostgresSecret secret;
    SecureString text;  // the SecretString as stored
  };
  // GetSecretValue(SecretId=arn, VersionStage=stage[, VersionId=token]),
  // parsed and validated.
  Result<SecretDict> GetSecretDict(const std::string& arn, std::string_view stage,
                                   std::string_view token = {});

  const client::SecretsManagerClient& sm_;
  PostgresConnector& db_;
  PostgresRotatorOptions options_;
};

// The builtin: the client from the invocation's environment, libpq, one
// step. The binding's environment supplies EXCLUDE_CHARACTERS and
// PASSWORD_LENGTH when the invocation's does not.
Status RunPostgresSingleUser(const FunctionBinding& binding, const Invocation& invocation);

}  // namespace coffer::functions
