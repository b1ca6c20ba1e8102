// GetRandomPassword's generator (aws-compat §1.4): a password of
// `length` characters drawn from upper- and lowercase letters, digits and
// AWS's 32 punctuation characters (plus space with include_space), minus the
// excluded classes and characters.
//
// With require_each_included_type (the default) every class that is switched
// on and still has characters left (upper, lower, digits, punctuation; space
// is admitted but never required) appears at least once. The password is then
// uniform over all passwords of that length from the pool that satisfy the
// requirement (rejection sampling over RandomString draws); in the rare case
// that rejection keeps failing, one character per class is forced at a random
// position instead.
//
// Errors (InvalidParameterException):
//   * nothing left to choose from            -> kAllCharactersExcluded
//   * a required class emptied by exclusions -> kTypeCharactersExcluded
//   * length < number of required classes    -> kPasswordTooShort
//
// Thread-safety: safe from any thread (randomness from OpenSSL).
#pragma once

#include <cstdint>
#include <string>

#include "coffer/result.h"
#include "common/secure_string.h"

namespace coffer::secrets {

inline constexpr std::string_view kPasswordPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

struct PasswordOptions {
  int64_t length = 32;
  std::string exclude_characters;
  bool exclude_numbers = false;
  bool exclude_punctuation = false;
  bool exclude_uppercase = false;
  bool exclude_lowercase = false;
  bool include_space = false;
  bool require_each_included_type = true;
};

// REQUIRES: 1 <= options.length <= 4096 (model-validated).
Result<SecureString> GenerateRandomPassword(const PasswordOptions& options);

}  // namespace coffer::secrets
