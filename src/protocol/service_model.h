// ServiceModel: a botocore service model (service-2.json) reduced to what
// request validation needs: operations → input shape, and a compact shape
// table (type, min/max, compiled pattern, enum values, members, required,
// sensitive). Documentation strings are dropped at load time; names live in
// one string pool addressed by offsets, so the table is a few vectors.
//
// ValidateInput checks a parsed request body against the operation's input
// shape the way AWS's Coral frontend does:
//   1. Wrong JSON types → SerializationException with Coral's Jackson-token
//      texts (errors.h); the first one found wins, as deserialization
//      precedes validation on AWS.
//   2. Constraint violations → one ValidationException listing all of them
//      ("N validation error(s) detected: ...; ...", see validator.cc for the
//      wording and its evidence). Values of "sensitive" shapes, blobs,
//      structures and maps are never echoed.
// Unknown members and JSON nulls are ignored, as on AWS.
//
// For the AWS Query protocol (protocol/query.h) the model also keeps what
// the wire names need: each operation's output shape and resultWrapper, the
// members' locationName, flattened lists and maps and their element names,
// and the model's xmlNamespace and apiVersion.
//
// Thread-safety: immutable after Load; all methods are const and may be
// called concurrently. Get() builds each embedded model once (thread-safe
// static initialisation) and aborts if the embedded JSON is unusable, which
// is a build defect, not an input error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "protocol/pattern.h"
#include "protocol/target.h"

namespace coffer::protocol {

// How Load reads a model's "pattern" traits.
struct ModelOptions {
  // A pattern the engine cannot compile is skipped (its shape goes
  // unchecked, and it is listed in skipped_patterns()) instead of failing
  // the load: IAM's accountAliasType uses a lookahead, "-(?!-)", which the
  // NFA engine cannot express.
  bool skip_unsupported_patterns = false;
  // Patterns must match the whole value, as Coral's Java validator reads
  // them on the Query services: IAM answers 'bad name' at 'userName' with
  // "Member must satisfy regular expression pattern: [\w+=,.@-]+", which a
  // substring search would accept. Messages still quote the model's text.
  // Off: Smithy's substring semantics (the JSON services' behaviour).
  bool full_match_patterns = false;
};

class ServiceModel {
 public:
  // Parses a service-2.json text. Errors: kInvalidArgument when the text is
  // not a usable model (bad JSON, dangling shape reference, unknown shape
  // type, a pattern Pattern cannot compile unless `options` skip it).
  static Result<ServiceModel> Load(std::string_view model_json, ModelOptions options = {});

  // The embedded model of `service` (models.h), loaded on first use.
  // Aborts if it cannot be loaded; call LoadModels() at startup to turn that
  // into an error instead.
  static const ServiceModel& Get(Service service);

  std::string_view target_prefix() const { return Str(target_prefix_); }
  // metadata.xmlNamespace ("https://iam.amazonaws.com/doc/2010-05-08/"), ""
  // for JSON models; metadata.apiVersion ("2010-05-08").
  std::string_view xml_namespace() const { return Str(xml_namespace_); }
  std::string_view api_version() const { return Str(api_version_); }
  // The stored name equal to `op` (case-sensitive), or "" when the model has
  // no such operation. The view lives as long as this model.
  std::string_view FindOperation(std::string_view op) const;
  size_t operation_count() const { return operations_.size(); }
  size_t shape_count() const { return shapes_.size(); }
  // The patterns Load skipped (see Load), as written in the model.
  std::vector<std::string_view> skipped_patterns() const;

  // Validates `input` (the parsed body, normally from ParseRequestBody)
  // against the input shape of `op`. OK when valid. An unknown `op` is
  // UnknownOperationException; an operation without input accepts anything.
  Status ValidateInput(std::string_view op, const JsonValue& input) const;

 private:
  friend class InputValidator;
  friend class ModelLoader;
  friend class QueryDecoder;
  friend class QueryEncoder;

  struct Ref {  // a slice of pool_
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  enum class Type : uint8_t {
    kString,
    kInteger,
    kLong,
    kDouble,
    kBoolean,
    kBlob,
    kTimestamp,
    kList,
    kMap,
    kStructure,
    kDocument,
  };
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Shape {
    Type type = Type::kString;
    bool sensitive = false;
    bool has_min = false;
    bool has_max = false;
    int64_t min = 0;  // length (string/blob/list/map) or value
    int64_t max = 0;
    uint32_t pattern = kNone;  // index into patterns_
    uint32_t first = 0;        // structure: members_; string: enum_values_
    uint32_t count = 0;
    uint32_t element = kNone;  // list member / map value shape
    uint32_t key = kNone;      // map key shape
    bool flattened = false;    // Query/XML: list or map without a wrapper
    Ref element_name;          // Query/XML: list member's / map value's locationName, or empty
    Ref key_name;              // Query/XML: map key's locationName, or empty
  };
  struct Member {
    Ref name;       // "SecretId": the JSON member name
    Ref path_name;  // "secretId": Coral's name in validation messages
    Ref wire_name;  // Query/XML: locationName, else name
    uint32_t shape = 0;
    bool required = false;
  };
  struct Operation {
    Ref name;
    uint32_t input = kNone;
    uint32_t output = kNone;
    Ref result_wrapper;  // Query: output.resultWrapper ("GetUserResult"), may be empty
  };
  struct CompiledPattern {
    Ref text;  // as written in the model, quoted in messages
    Pattern pattern;
  };

  const Operation* FindOp(std::string_view op) const;
  std::string_view Str(Ref r) const { return std::string_view(pool_).substr(r.offset, r.size); }

  std::string pool_;
  Ref target_prefix_;
  Ref xml_namespace_;
  Ref api_version_;
  std::vector<Operation> operations_;  // sorted by name
  std::vector<Shape> shapes_;
  std::vector<Member> members_;
  std::vector<Ref> enum_values_;
  std::vector<CompiledPattern> patterns_;
  std::vector<Ref> skipped_patterns_;
};

// The embedded models, for the composition root: loaded once, valid for the
// whole program.
struct Models {
  const ServiceModel* secrets_manager = nullptr;
  const ServiceModel* kms = nullptr;
  const ServiceModel* iam = nullptr;
  const ServiceModel* sts = nullptr;
  const ServiceModel& Of(Service service) const {
    switch (service) {
      case Service::kSecretsManager: return *secrets_manager;
      case Service::kKms: return *kms;
      case Service::kIam: return *iam;
      case Service::kSts: return *sts;
    }
    return *secrets_manager;
  }
};

// Loads (on first call) and returns the embedded models. Call at startup.
// Errors: kInvalidArgument when an embedded model is unusable (a build defect).
Result<Models> LoadModels();

}  // namespace coffer::protocol
