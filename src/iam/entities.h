// The IAM entities as C++ values, and their storage form: each is one
// storage::IamEntityRecord whose columns hold name, id, path, ARN and
// creation time and whose `document` (JSON text) holds the rest. Also the
// ids (AWS's shapes: a 4-letter prefix and 17 characters of [A-Z2-7]), the
// ARNs, and the validation of policy documents with IAM's texts.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "storage/records.h"

namespace coffer::iam {

inline constexpr std::string_view kUser = "user";
inline constexpr std::string_view kGroup = "group";
inline constexpr std::string_view kRole = "role";
inline constexpr std::string_view kPolicy = "policy";

// An inline policy: its name and its document as given (verbatim).
struct InlinePolicy {
  std::string name;
  std::string document;
};

// What every entity has: the record's columns. Plain value.
struct EntityBase {
  std::string account_id;
  std::string name;
  std::string id;
  std::string path = "/";
  std::string arn;
  int64_t created_ms = 0;
};

// An IAM user (AIDA… id): tags, boundary, inline and attached policies, and
// the names of its groups (kept in step with each Group's members).
struct User : EntityBase {
  std::vector<storage::Tag> tags;
  std::string boundary_arn;  // empty: none
  std::vector<InlinePolicy> inline_policies;
  std::vector<std::string> attached;  // managed policy ARNs
  std::vector<std::string> groups;    // group names
};

// An IAM group (AGPA… id): its policies and its members' user names.
struct Group : EntityBase {
  std::vector<InlinePolicy> inline_policies;
  std::vector<std::string> attached;
  std::vector<std::string> members;  // user names
};

// An IAM role (AROA… id): trust policy (verbatim), session limit, tags,
// boundary, inline and attached policies.
struct Role : EntityBase {
  std::string trust_policy;  // AssumeRolePolicyDocument, verbatim
  std::optional<std::string> description;
  int64_t max_session_duration_s = 3600;
  std::vector<storage::Tag> tags;
  std::string boundary_arn;
  std::vector<InlinePolicy> inline_policies;
  std::vector<std::string> attached;
};

// One version of a customer managed policy; the document verbatim.
struct PolicyVersion {
  std::string version_id;  // "v1", "v2", …
  std::string document;
  int64_t created_ms = 0;
};

// A customer managed policy (AWS managed ones are built in: aws_managed.h).
struct ManagedPolicy : EntityBase {
  std::optional<std::string> description;
  std::string default_version_id = "v1";
  std::vector<PolicyVersion> versions;  // oldest first
  int64_t next_version = 2;             // ids are never reused
  int64_t attachment_count = 0;
  int64_t boundary_usage_count = 0;
  int64_t updated_ms = 0;
  std::vector<storage::Tag> tags;

  const PolicyVersion* FindVersion(std::string_view version_id) const;
  const PolicyVersion* DefaultVersion() const { return FindVersion(default_version_id); }
};

// record <-> value. Decoding fails (kDataLoss) on a document that is not
// one of ours.
storage::IamEntityRecord ToRecord(const User& u);
storage::IamEntityRecord ToRecord(const Group& g);
storage::IamEntityRecord ToRecord(const Role& r);
storage::IamEntityRecord ToRecord(const ManagedPolicy& p);
Result<User> UserFromRecord(const storage::IamEntityRecord& rec);
Result<Group> GroupFromRecord(const storage::IamEntityRecord& rec);
Result<Role> RoleFromRecord(const storage::IamEntityRecord& rec);
Result<ManagedPolicy> PolicyFromRecord(const storage::IamEntityRecord& rec);

// A new unique id: `prefix` ("AIDA", "AGPA", "AROA", "ANPA") and 17
// characters of [A-Z2-7], 21 in all like AWS's.
std::string NewEntityId(std::string_view prefix);

// arn:aws:iam::ACCOUNT:KIND PATH NAME, e.g. arn:aws:iam::123456789012:user/div/bob.
std::string EntityArn(std::string_view account_id, std::string_view kind, std::string_view path,
                      std::string_view name);

// What an IAM ARN names: arn:aws:iam::ACCOUNT:KIND/PATH/NAME (kind user,
// group, role or policy; account "aws" for AWS managed policies), or a role
// session arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (kind "role",
// name ROLE). nullopt for anything else.
struct ParsedArn {  // plain value
  std::string account_id;
  std::string kind;
  std::string path;  // "/" for sessions
  std::string name;
};
std::optional<ParsedArn> ParseIamArn(std::string_view arn);

// Checks an identity policy (inline, managed, boundary) or a trust policy
// and answers MalformedPolicyDocument with IAM's text when it is not one.
Status ValidateIdentityPolicy(std::string_view text);
Status ValidateTrustPolicy(std::string_view text);

// Case-insensitive (ASCII) equality and lowercase, as IAM compares names.
bool NameEquals(std::string_view a, std::string_view b);
std::string FoldName(std::string_view name);

}  // namespace coffer::iam
