// GetRandomPassword (aws-compat §1.4; generator in random_password.h).

#include "secrets/internal.h"
#include "secrets/random_password.h"

namespace coffer::secrets::internal {

Status GetRandomPassword(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(AuthorizeUnscoped(ctx, SmAction("GetRandomPassword")));
  PasswordOptions o;
  o.length = JsonInt(in, "PasswordLength").value_or(32);
  o.exclude_characters = std::string(JsonString(in, "ExcludeCharacters").value_or(""));
  o.exclude_numbers = JsonBool(in, "ExcludeNumbers").value_or(false);
  o.exclude_punctuation = JsonBool(in, "ExcludePunctuation").value_or(false);
  o.exclude_uppercase = JsonBool(in, "ExcludeUppercase").value_or(false);
  o.exclude_lowercase = JsonBool(in, "ExcludeLowercase").value_or(false);
  o.include_space = JsonBool(in, "IncludeSpace").value_or(false);
  o.require_each_included_type = JsonBool(in, "RequireEachIncludedType").value_or(true);
  COFFER_ASSIGN_OR_RETURN(SecureString password, GenerateRandomPassword(o));
  WriteString(out, "RandomPassword", password.view());
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
