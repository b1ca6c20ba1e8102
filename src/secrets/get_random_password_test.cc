// GetRandomPassword through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using GetRandomPasswordTest = SecretsTest;

TEST_F(GetRandomPasswordTest, DefaultsAndOptions) {
  auto d = Ok("GetRandomPassword", "{}");
  EXPECT_EQ(std::string(d["RandomPassword"].GetString()).size(), 32u);
  d = Ok("GetRandomPassword", R"({"PasswordLength":120,"ExcludeCharacters":"xyzDje@?!."})");
  std::string pw = d["RandomPassword"].GetString();
  EXPECT_EQ(pw.size(), 120u);
  EXPECT_EQ(pw.find_first_of("xyzDje@?!."), std::string::npos);
  d = Ok(
      "GetRandomPassword",
      R"({"PasswordLength":20,"ExcludePunctuation":true,"ExcludeNumbers":true,"ExcludeUppercase":true})");
  pw = d["RandomPassword"].GetString();
  EXPECT_EQ(pw.find_first_not_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
}

TEST_F(GetRandomPasswordTest, Errors) {
  ExpectError("GetRandomPassword", R"({"PasswordLength":3})", msg::kInvalidParameter,
              msg::kPasswordTooShort);
  ExpectError(
      "GetRandomPassword",
      R"({"ExcludePunctuation":true,"ExcludeNumbers":true,"ExcludeUppercase":true,"ExcludeLowercase":true})",
      msg::kInvalidParameter, msg::kAllCharactersExcluded);
  ExpectError("GetRandomPassword", R"({"ExcludeCharacters":"0123456789"})", msg::kInvalidParameter,
              msg::kTypeCharactersExcluded);
}

}  // namespace
}  // namespace coffer::secrets::testing
