// Parsing for the built-in PostgreSQL rotator (postgres_rotator.h): AWS's
// rotation event, the rotation secret's JSON (validated as the AWS template
// validates it), the pending version's JSON and the rotator's options.
// Nothing here puts a secret value in an error message.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"
#include "common/secure_string.h"
#include "functions/postgres_db.h"

namespace coffer::functions {

// AWS's rotation event.
struct RotationEvent {
  std::string step;  // createSecret | setSecret | testSecret | finishSecret
  std::string secret_id;
  std::string client_request_token;
  std::string rotation_token;  // may be empty
};
// InvalidArgument unless a JSON object with Step, SecretId and
// ClientRequestToken strings.
Result<RotationEvent> ParseRotationEvent(std::string_view event_json);

// Parses and validates a rotation secret's SecretString: a JSON object with
// string host, username, password and engine ("postgres" or
// "aurora-postgresql"); optional port (number or digits, default 5432),
// dbname (default "postgres") and ssl (see PostgresSecret::sslmode).
// InvalidArgument with reason "InvalidSecret" and the template's messages
// (e.g. "host key is missing from secret JSON"); never a value.
Result<PostgresSecret> ParsePostgresSecret(std::string_view secret_string);

// `current` (a JSON object) with its top-level "password" member set to
// `new_password`; every other member, numbers included, exactly as written.
// InvalidArgument ("InvalidSecret") when `current` is not an object with a
// string password.
Result<SecureString> BuildPendingSecretString(std::string_view current,
                                              std::string_view new_password);

struct PostgresRotatorOptions {
  // The template's default: characters that break connection URLs and
  // shell quoting.
  std::string exclude_characters = ":/@\"'\\";
  int password_length = 32;
};
// From EXCLUDE_CHARACTERS and PASSWORD_LENGTH (1..4096) in `env` (the last
// value of a name wins); the defaults above when absent.
Result<PostgresRotatorOptions> PostgresRotatorOptionsFromEnvironment(
    const std::vector<std::pair<std::string, std::string>>& env);

}  // namespace coffer::functions
