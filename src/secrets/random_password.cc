// Random password generation (random_password.h).

#include "secrets/random_password.h"

#include <vector>

#include "common/random.h"
#include "secrets/messages.h"

namespace coffer::secrets {

namespace {

constexpr int kMaxRejections = 1000;

Status InvalidParameter(std::string_view text) {
  return Status::InvalidArgument(std::string(messages::kInvalidParameter), std::string(text));
}

std::string Without(std::string_view chars, std::string_view excluded) {
  std::string out;
  for (char c : chars)
    if (excluded.find(c) == std::string_view::npos) out.push_back(c);
  return out;
}

bool ContainsAny(std::string_view s, std::string_view chars) {
  return s.find_first_of(chars) != std::string_view::npos;
}

// Uniform integer in [0, n) from the system RNG (rejection sampling).
size_t UniformIndex(size_t n) {
  for (;;) {
    std::string b = RandomBytes(4);
    uint64_t v = (uint64_t{uint8_t(b[0])} << 24) | (uint64_t{uint8_t(b[1])} << 16) |
                 (uint64_t{uint8_t(b[2])} << 8) | uint64_t{uint8_t(b[3])};
    uint64_t limit = (uint64_t{1} << 32) - ((uint64_t{1} << 32) % n);
    if (v < limit) return static_cast<size_t>(v % n);
  }
}

}  // namespace

Result<SecureString> GenerateRandomPassword(const PasswordOptions& o) {
  struct Class {
    std::string chars;
    bool required;
  };
  std::vector<Class> classes;
  auto add = [&](bool excluded, std::string_view chars) -> Status {
    if (excluded) return Status::Ok();
    std::string left = Without(chars, o.exclude_characters);
    if (left.empty()) {
      if (o.require_each_included_type) return InvalidParameter(messages::kTypeCharactersExcluded);
      return Status::Ok();
    }
    classes.push_back({std::move(left), o.require_each_included_type});
    return Status::Ok();
  };
  COFFER_RETURN_IF_ERROR(add(o.exclude_uppercase, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
  COFFER_RETURN_IF_ERROR(add(o.exclude_lowercase, "abcdefghijklmnopqrstuvwxyz"));
  COFFER_RETURN_IF_ERROR(add(o.exclude_numbers, "0123456789"));
  COFFER_RETURN_IF_ERROR(add(o.exclude_punctuation, kPasswordPunctuation));
  std::string pool;
  for (const Class& c : classes) pool += c.chars;
  if (o.include_space && o.exclude_characters.find(' ') == std::string::npos) pool += ' ';
  if (pool.empty()) return InvalidParameter(messages::kAllCharactersExcluded);

  size_t required = 0;
  for (const Class& c : classes) required += c.required ? 1 : 0;
  const size_t length = static_cast<size_t>(o.length);
  if (length < required) return InvalidParameter(messages::kPasswordTooShort);

  auto satisfies = [&](std::string_view pw) {
    for (const Class& c : classes)
      if (c.required && !ContainsAny(pw, c.chars)) return false;
    return true;
  };
  for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
    SecureString pw(RandomString(length, pool));
    if (satisfies(pw.view())) return pw;
  }
  // Fallback: force one character of each required class at distinct random
  // positions of a uniform draw.
  SecureString pw(RandomString(length, pool));
  std::vector<size_t> positions(length);
  for (size_t i = 0; i < length; ++i) positions[i] = i;
  size_t next = 0;
  for (const Class& c : classes) {
    if (!c.required) continue;
    size_t j = next + UniformIndex(length - next);
    std::swap(positions[next], positions[j]);
    pw.mutable_data()[positions[next]] = RandomString(1, c.chars)[0];
    ++next;
  }
  return pw;
}

}  // namespace coffer::secrets
