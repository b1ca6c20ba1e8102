#include "migrate/migrator.h"

#include <algorithm>
#include <utility>

#include "common/json.h"
#include "common/random.h"
#include "common/secure_string.h"
#include "migrate/json_body.h"

namespace coffer::migrate {
namespace {

// "Tags": [{"Key": …, "Value": …}, …], as CreateSecret and TagResource take them.
void WriteTags(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& tags) {
  WriteKey(w, "Tags");
  w.StartArray();
  for (const auto& [k, v] : tags) {
    w.StartObject();
    WriteString(w, "Key", k);
    WriteString(w, "Value", v);
    w.EndObject();
  }
  w.EndArray();
}

// A label put on a version that would otherwise carry none (its source
// labels are held by versions only the target has); removed afterwards.
constexpr char kTemporaryLabel[] = "coffer-migrate-in-progress";

std::string Why(const Status& s) {
  return s.reason().empty() ? s.message() : s.reason() + ": " + s.message();
}

// A GetSecretValue answer's value member: SecretString or SecretBinary
// (base64, passed on as it came: the bytes are the same).
struct Value {
  JsonDocument doc;
  std::string_view text;
  bool binary = false;
  bool present = false;
};

Status ParseValue(std::string& answer, Value& value) {
  value.doc.Parse(answer.data(), answer.size());
  WipeString(answer);
  if (value.doc.HasParseError() || !value.doc.IsObject()) {
    return Status::Unavailable("", "unexpected answer to GetSecretValue");
  }
  if (auto s = JsonString(value.doc, "SecretString")) {
    value.text = *s;
    value.present = true;
  } else if (auto b = JsonString(value.doc, "SecretBinary")) {
    value.text = *b;
    value.binary = true;
    value.present = true;
  }
  return Status::Ok();
}

Result<std::string> GetValueAnswer(const Side& side, const std::string& name,
                                   const std::string& version_id) {
  return side.Call("GetSecretValue", JsonBody([&](JsonWriter& w) {
                     WriteString(w, "SecretId", name);
                     WriteString(w, "VersionId", version_id);
                   }));
}

}  // namespace

Migrator::Migrator(const Side& source, const Side& target, MigrateOptions options,
                   std::FILE* progress, std::FILE* plan_out)
    : source_(source),
      target_(target),
      options_(std::move(options)),
      progress_(progress),
      plan_out_(plan_out) {}

Result<MigrateSummary> Migrator::Run() {
  Result<std::vector<std::string>> names = ListSecretNames(source_, options_.name_prefix);
  if (!names.ok()) {
    return Status(
        names.status().code(), names.status().reason(),
        "cannot list the secrets of the " + source_.Describe() + ": " + names.status().message());
  }
  if (Result<std::string> probe = target_.Call("ListSecrets", R"({"MaxResults":1})"); !probe.ok()) {
    return Status(probe.status().code(), probe.status().reason(),
                  "cannot reach the " + target_.Describe() + ": " + probe.status().message());
  }
  MigrateSummary summary;
  summary.total = static_cast<int>(names->size());
  int i = 0;
  for (const std::string& name : *names) {
    ++i;
    std::vector<std::string> notes;
    Result<bool> wrote = MigrateOne(name, notes);
    std::string outcome;
    if (!wrote.ok()) {
      outcome = "FAILED: " + Why(wrote.status());
      summary.failed.emplace_back(name, Why(wrote.status()));
    } else if (*wrote) {
      outcome = options_.dry_run ? "would copy" : "copied";
      ++summary.copied;
    } else {
      outcome = "already there";
      ++summary.already_there;
    }
    std::fprintf(progress_, "[%d/%d] %s ... %s\n", i, summary.total, name.c_str(), outcome.c_str());
    for (const std::string& note : notes) std::fprintf(progress_, "    note: %s\n", note.c_str());
    std::fflush(progress_);
  }
  return summary;
}

Result<KmsChoice> Migrator::ChooseKey(const SecretState& source,
                                      const std::optional<SecretState>& target) {
  const std::string key = ShortKeyId(source.kms_key_id);
  if (key.empty() || key == "alias/aws/secretsmanager") return KmsChoice{};
  if (!source_aliases_) {
    // Without kms:ListAliases on the source, a key is known by its id only
    // (--kms-key-map by id, else the default key, with a note saying why).
    Result<std::vector<AliasEntry>> got = ListAliases(source_);
    if (!got.ok()) source_aliases_error_ = Why(got.status());
    source_aliases_ = got.ok() ? std::move(got).value() : std::vector<AliasEntry>();
  }
  if (!target_aliases_) {
    Result<std::vector<AliasEntry>> got = ListAliases(target_);
    if (!got.ok()) {
      return Status(got.status().code(), got.status().reason(),
                    "KMS ListAliases on the target: " + got.status().message());
    }
    target_aliases_ = std::move(got).value();
  }
  KmsChoice choice =
      MapKmsKey(source.kms_key_id, *source_aliases_, *target_aliases_, options_.key_map);
  if (!choice.note.empty() && !source_aliases_error_.empty()) {
    choice.note += " (the source's aliases could not be listed: " + source_aliases_error_ + ")";
  }
  if (target) {
    // The same key under another spelling (alias, id, ARN) is no difference.
    auto resolve = [&](const std::string& k) {
      std::string id = ShortKeyId(k);
      for (const AliasEntry& a : *target_aliases_) {
        if (a.name == id) return a.target_key_id;
      }
      return id;
    };
    if (!choice.key_id.empty() && resolve(choice.key_id) == resolve(target->kms_key_id)) {
      choice.key_id = target->kms_key_id;
    }
  }
  return choice;
}

Result<bool> Migrator::MigrateOne(const std::string& name, std::vector<std::string>& notes) {
  COFFER_ASSIGN_OR_RETURN(std::optional<SecretState> source, ReadSecret(source_, name, false));
  if (!source) return Status::NotFound("", "deleted on the source during the run");
  COFFER_ASSIGN_OR_RETURN(std::optional<SecretState> target, ReadSecret(target_, name, true));
  COFFER_ASSIGN_OR_RETURN(KmsChoice key, ChooseKey(*source, target));
  if (!key.failure.empty() && !target) return Status::InvalidArgument("", key.failure);
  if (!key.note.empty() && !target) notes.push_back(key.note);
  SecretPlan plan = PlanSecret(*source, target, key.key_id);
  if (!plan.failure.empty()) return Status::FailedPrecondition("", plan.failure);
  notes.insert(notes.end(), plan.notes.begin(), plan.notes.end());

  if (options_.dry_run) {
    std::fprintf(plan_out_, "%s: %s\n", name.c_str(), DescribePlan(plan).c_str());
    for (const LabelMove& m : plan.label_moves) {
      std::fprintf(plan_out_, "  move %s to %s\n", m.label.c_str(), m.to_version.c_str());
    }
    return plan.HasWrites();
  }
  for (const std::string& id : plan.compare_versions)
    COFFER_RETURN_IF_ERROR(CompareVersion(name, id));
  if (!plan.HasWrites()) return false;

  if (plan.create) {
    COFFER_RETURN_IF_ERROR(target_
                               .Call("CreateSecret", JsonBody([&](JsonWriter& w) {
                                       WriteString(w, "Name", name);
                                       // No value, so no version: the token is only
                                       // required (as the SDKs always send one).
                                       WriteString(w, "ClientRequestToken", RandomUuid());
                                       if (!source->description.empty())
                                         WriteString(w, "Description", source->description);
                                       if (!plan.kms_key_id.empty())
                                         WriteString(w, "KmsKeyId", plan.kms_key_id);
                                       if (!plan.add_tags.empty()) WriteTags(w, plan.add_tags);
                                     }))
                               .status());
  } else {
    if (plan.set_description) {
      COFFER_RETURN_IF_ERROR(target_
                                 .Call("UpdateSecret", JsonBody([&](JsonWriter& w) {
                                         WriteString(w, "SecretId", name);
                                         WriteString(w, "Description", *plan.set_description);
                                       }))
                                 .status());
    }
    if (!plan.add_tags.empty()) {
      COFFER_RETURN_IF_ERROR(target_
                                 .Call("TagResource", JsonBody([&](JsonWriter& w) {
                                         WriteString(w, "SecretId", name);
                                         WriteTags(w, plan.add_tags);
                                       }))
                                 .status());
    }
  }
  // Labels held on the target by versions only it has stay there (plan.h).
  std::map<std::string, std::string> protected_labels;
  if (target) {
    for (const auto& [label, id] : LabelHolders(target->versions)) {
      const bool source_has = std::any_of(source->versions.begin(), source->versions.end(),
                                          [&](const VersionInfo& v) { return v.id == id; });
      if (!source_has) protected_labels[label] = id;
    }
  }
  for (const VersionInfo& v : plan.put_versions) {
    std::vector<std::string> stages;
    for (const std::string& s : v.stages) {
      if (!protected_labels.count(s)) stages.push_back(s);
    }
    COFFER_RETURN_IF_ERROR(CopyVersion(name, v, stages));
  }
  COFFER_RETURN_IF_ERROR(FixLabels(*source, notes));
  if (plan.put_policy) {
    COFFER_RETURN_IF_ERROR(target_
                               .Call("PutResourcePolicy", JsonBody([&](JsonWriter& w) {
                                       WriteString(w, "SecretId", name);
                                       WriteString(w, "ResourcePolicy", *plan.put_policy);
                                     }))
                               .status());
  }
  if (plan.set_rotation) {
    Result<std::string> rotated =
        target_.Call("RotateSecret", JsonBody([&](JsonWriter& w) {
                       WriteString(w, "SecretId", name);
                       if (!source->rotation_lambda_arn.empty())
                         WriteString(w, "RotationLambdaARN", source->rotation_lambda_arn);
                       if (!source->rotation_rules_json.empty()) {
                         WriteKey(w, "RotationRules");
                         w.RawValue(source->rotation_rules_json.data(),
                                    source->rotation_rules_json.size(), rapidjson::kObjectType);
                       }
                       WriteBool(w, "RotateImmediately", false);
                       WriteString(w, "ClientRequestToken", RandomUuid());
                     }));
    if (!rotated.ok()) {
      notes.push_back("rotation not configured on the target (" + Why(rotated.status()) +
                      "); the secret is copied without it");
      // A refusal alone is no write: a re-run says "already there".
      SecretPlan rest = plan;
      rest.set_rotation = false;
      return rest.HasWrites();
    }
  }
  return true;
}

Status Migrator::CopyVersion(const std::string& name, const VersionInfo& version,
                             const std::vector<std::string>& stages) {
  COFFER_ASSIGN_OR_RETURN(std::string answer, GetValueAnswer(source_, name, version.id));
  Value value;
  COFFER_RETURN_IF_ERROR(ParseValue(answer, value));
  if (!value.present) {
    return Status::FailedPrecondition("", "version " + version.id + " has no value on the source");
  }
  const bool temporary = stages.empty();
  std::string body = JsonBody([&](JsonWriter& w) {
    WriteString(w, "SecretId", name);
    WriteString(w, "ClientRequestToken", version.id);
    WriteString(w, value.binary ? "SecretBinary" : "SecretString", value.text);
    WriteStringArray(w, "VersionStages",
                     temporary ? std::vector<std::string>{kTemporaryLabel} : stages);
  });
  Result<std::string> put = target_.Call("PutSecretValue", body);
  WipeString(body);
  if (!put.ok()) {
    if (put.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists(put.status().reason(), "version " + version.id +
                                                              " exists on the target with another "
                                                              "value");
    }
    return put.status();
  }
  if (temporary) {
    COFFER_RETURN_IF_ERROR(target_
                               .Call("UpdateSecretVersionStage", JsonBody([&](JsonWriter& w) {
                                       WriteString(w, "SecretId", name);
                                       WriteString(w, "VersionStage", kTemporaryLabel);
                                       WriteString(w, "RemoveFromVersionId", version.id);
                                     }))
                               .status());
  }
  return Status::Ok();
}

Status Migrator::CompareVersion(const std::string& name, const std::string& version_id) {
  COFFER_ASSIGN_OR_RETURN(std::string a, GetValueAnswer(source_, name, version_id));
  COFFER_ASSIGN_OR_RETURN(std::string b, GetValueAnswer(target_, name, version_id));
  Value va, vb;
  COFFER_RETURN_IF_ERROR(ParseValue(a, va));
  COFFER_RETURN_IF_ERROR(ParseValue(b, vb));
  if (va.binary != vb.binary || va.text != vb.text) {
    return Status::AlreadyExists(
        "", "version " + version_id + " exists on the target with another value");
  }
  return Status::Ok();
}

Status Migrator::FixLabels(const SecretState& source, std::vector<std::string>& notes) {
  // Moving AWSCURRENT moves AWSPREVIOUS on the target too: one move at a
  // time, re-reading the target after each. Bounded: each label moves once.
  const size_t limit = LabelHolders(source.versions).size() * 2 + 2;
  for (size_t round = 0; round < limit; ++round) {
    COFFER_ASSIGN_OR_RETURN(std::vector<VersionInfo> now, ReadVersions(target_, source.name, true));
    std::vector<std::string> left;
    std::vector<LabelMove> moves = PlanLabelMoves(source.versions, now, &left);
    if (moves.empty()) {
      notes.insert(notes.end(), left.begin(), left.end());
      return Status::Ok();
    }
    const LabelMove& m = moves.front();
    COFFER_RETURN_IF_ERROR(target_
                               .Call("UpdateSecretVersionStage", JsonBody([&](JsonWriter& w) {
                                       WriteString(w, "SecretId", source.name);
                                       WriteString(w, "VersionStage", m.label);
                                       WriteString(w, "MoveToVersionId", m.to_version);
                                       if (!m.from_version.empty())
                                         WriteString(w, "RemoveFromVersionId", m.from_version);
                                     }))
                               .status());
  }
  return Status::Internal("the target's staging labels did not settle");
}

}  // namespace coffer::migrate
