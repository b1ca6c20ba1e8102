// The AWS shared configuration files, as the SDKs and the CLI read them:
// the config file (~/.aws/config, AWS_CONFIG_FILE: `[default]`,
// `[profile NAME]`) and the credentials file (~/.aws/credentials,
// AWS_SHARED_CREDENTIALS_FILE: `[NAME]`). Keys are lower-cased and values
// trimmed, as botocore's ConfigParser does; `#` and `;` start comment lines;
// indented lines (nested settings such as `s3 =` blocks) and sections of
// other kinds (`[sso-session x]`, `[services x]`) are skipped.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "coffer/result.h"

namespace coffer::client {

// One profile's settings: lower-cased key -> value. Holds secret keys
// (aws_secret_access_key): never log a ProfileSettings.
using ProfileSettings = std::map<std::string, std::string>;
using ProfileMap = std::map<std::string, ProfileSettings>;

// Parses one file's text. `config_file`: section names are `default` and
// `profile NAME` (the config file's grammar); otherwise `NAME`. `source`
// names the file in errors ("line 3 of /path: ...").
Result<ProfileMap> ParseAwsIni(std::string_view text, bool config_file, std::string_view source);

// The two files' profiles. A value type; holds secret keys, never log it.
struct SharedFiles {
  ProfileMap config;       // from the config file
  ProfileMap credentials;  // from the credentials file
};

// Reads both files; a missing file is empty (as for the SDKs), an
// unreadable or malformed one is an error naming it.
Result<SharedFiles> LoadSharedFiles(const std::string& config_path,
                                    const std::string& credentials_path);

// `name`'s settings: the config file's, overridden key by key by the
// credentials file's. nullopt when the profile is in neither file.
std::optional<ProfileSettings> FindProfile(const SharedFiles& files, const std::string& name);

}  // namespace coffer::client
