#include "protocol/service_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "protocol/errors.h"
#include "protocol/models.h"

namespace coffer::protocol {

// Builds a ServiceModel from the (trusted) model JSON in two passes: index
// every shape name, then fill each shape, resolving references to indices.
class ModelLoader {
 public:
  explicit ModelLoader(ModelOptions options) : options_(options) {}

  Result<ServiceModel> Run(std::string_view text) {
    JsonDocument doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) return Fail("model is not a JSON object");
    const JsonValue* shapes = JsonMember(doc, "shapes");
    const JsonValue* ops = JsonMember(doc, "operations");
    const JsonValue* meta = JsonMember(doc, "metadata");
    if (!shapes || !shapes->IsObject() || !ops || !ops->IsObject() || !meta)
      return Fail("model lacks shapes/operations/metadata");
    m_.target_prefix_ = Intern(JsonString(*meta, "targetPrefix").value_or(""));
    m_.xml_namespace_ = Intern(JsonString(*meta, "xmlNamespace").value_or(""));
    m_.api_version_ = Intern(JsonString(*meta, "apiVersion").value_or(""));

    for (const auto& s : shapes->GetObject())
      index_.emplace(std::string_view(s.name.GetString(), s.name.GetStringLength()),
                     static_cast<uint32_t>(index_.size()));
    m_.shapes_.resize(index_.size());
    for (const auto& s : shapes->GetObject()) {
      std::string_view name(s.name.GetString(), s.name.GetStringLength());
      COFFER_RETURN_IF_ERROR(FillShape(index_[name], name, s.value));
    }
    for (const auto& o : ops->GetObject()) {
      ServiceModel::Operation op;
      op.name = Intern(std::string_view(o.name.GetString(), o.name.GetStringLength()));
      if (const JsonValue* input = JsonMember(o.value, "input")) {
        auto shape = Resolve(*input);
        if (!shape.ok()) return shape.take_status();
        op.input = *shape;
      }
      if (const JsonValue* output = JsonMember(o.value, "output")) {
        COFFER_ASSIGN_OR_RETURN(op.output, Resolve(*output));
        op.result_wrapper = Intern(JsonString(*output, "resultWrapper").value_or(""));
      }
      m_.operations_.push_back(op);
    }
    std::sort(m_.operations_.begin(), m_.operations_.end(),
              [this](const auto& a, const auto& b) { return m_.Str(a.name) < m_.Str(b.name); });
    return std::move(m_);
  }

 private:
  static Status Fail(std::string why) {
    return Status::InvalidArgument("", "service model: " + why);
  }

  ServiceModel::Ref Intern(std::string_view s) {
    ServiceModel::Ref r{static_cast<uint32_t>(m_.pool_.size()), static_cast<uint32_t>(s.size())};
    m_.pool_.append(s);
    return r;
  }

  // {"shape": "Name"} → index.
  Result<uint32_t> Resolve(const JsonValue& ref) {
    auto name = JsonString(ref, "shape");
    auto it = name ? index_.find(*name) : index_.end();
    if (it == index_.end()) return Fail("dangling shape reference");
    return it->second;
  }

  // A reference's locationName, else `fallback`.
  ServiceModel::Ref WireName(const JsonValue& ref, std::string_view fallback) {
    return Intern(JsonString(ref, "locationName").value_or(fallback));
  }

  static bool Bound(const JsonValue& s, const char* key, int64_t* out) {
    const JsonValue* v = JsonMember(s, key);
    if (!v || !v->IsNumber()) return false;
    *out = v->IsInt64() ? v->GetInt64() : static_cast<int64_t>(v->GetDouble());
    return true;
  }

  Status FillShape(uint32_t index, std::string_view name, const JsonValue& s) {
    using Type = ServiceModel::Type;
    static const std::unordered_map<std::string_view, Type> kTypes = {
        {"string", Type::kString}, {"integer", Type::kInteger},     {"long", Type::kLong},
        {"double", Type::kDouble}, {"float", Type::kDouble},        {"boolean", Type::kBoolean},
        {"blob", Type::kBlob},     {"timestamp", Type::kTimestamp}, {"list", Type::kList},
        {"map", Type::kMap},       {"structure", Type::kStructure}, {"document", Type::kDocument}};
    ServiceModel::Shape shape;
    auto type = kTypes.find(JsonString(s, "type").value_or(""));
    if (type == kTypes.end()) return Fail("shape " + std::string(name) + ": unknown type");
    shape.type = type->second;
    shape.sensitive = JsonBool(s, "sensitive").value_or(false);
    shape.has_min = Bound(s, "min", &shape.min);
    shape.has_max = Bound(s, "max", &shape.max);
    if (auto pattern = JsonString(s, "pattern")) {
      auto compiled =
          Pattern::Compile(options_.full_match_patterns ? "^(?:" + std::string(*pattern) + ")$"
                                                        : std::string(*pattern));
      if (compiled.ok()) {
        m_.patterns_.push_back({Intern(*pattern), std::move(compiled).value()});
        shape.pattern = static_cast<uint32_t>(m_.patterns_.size() - 1);
      } else if (options_.skip_unsupported_patterns) {
        m_.skipped_patterns_.push_back(Intern(*pattern));
      } else {
        return Fail(compiled.status().message());
      }
    }
    if (const JsonValue* values = JsonMember(s, "enum"); values && values->IsArray()) {
      shape.first = static_cast<uint32_t>(m_.enum_values_.size());
      for (const auto& v : values->GetArray())
        if (v.IsString())
          m_.enum_values_.push_back(Intern(std::string_view(v.GetString(), v.GetStringLength())));
      shape.count = static_cast<uint32_t>(m_.enum_values_.size()) - shape.first;
    }
    if (shape.type == Type::kList || shape.type == Type::kMap) {
      const JsonValue* element = JsonMember(s, shape.type == Type::kList ? "member" : "value");
      if (!element) return Fail("shape " + std::string(name) + ": no element");
      COFFER_ASSIGN_OR_RETURN(shape.element, Resolve(*element));
      shape.flattened = JsonBool(s, "flattened").value_or(false);
      shape.element_name = WireName(*element, "");  // "" → "member" / "value"
      if (shape.type == Type::kMap) {
        const JsonValue* key = JsonMember(s, "key");
        if (!key) return Fail("shape " + std::string(name) + ": no key");
        COFFER_ASSIGN_OR_RETURN(shape.key, Resolve(*key));
        shape.key_name = WireName(*key, "");  // "" → "key"
      }
    }
    if (shape.type == Type::kStructure) COFFER_RETURN_IF_ERROR(FillMembers(s, &shape));
    m_.shapes_[index] = shape;
    return Status::Ok();
  }

  Status FillMembers(const JsonValue& s, ServiceModel::Shape* shape) {
    std::vector<std::string> required = JsonStringArray(s, "required");
    shape->first = static_cast<uint32_t>(m_.members_.size());
    if (const JsonValue* members = JsonMember(s, "members"); members && members->IsObject()) {
      for (const auto& mv : members->GetObject()) {
        std::string_view name(mv.name.GetString(), mv.name.GetStringLength());
        ServiceModel::Member member;
        member.name = Intern(name);
        // Coral names members in messages with a lowercased first letter
        // ("secretId", "tags.1.member.key"; aws-compat §1.3).
        std::string path(name);
        if (!path.empty() && path[0] >= 'A' && path[0] <= 'Z') path[0] = path[0] - 'A' + 'a';
        member.path_name = Intern(path);
        auto location = JsonString(mv.value, "locationName");
        member.wire_name = location ? Intern(*location) : member.name;
        COFFER_ASSIGN_OR_RETURN(member.shape, Resolve(mv.value));
        member.required = std::find(required.begin(), required.end(), name) != required.end();
        m_.members_.push_back(member);
      }
    }
    shape->count = static_cast<uint32_t>(m_.members_.size()) - shape->first;
    return Status::Ok();
  }

  const ModelOptions options_;
  ServiceModel m_;
  std::unordered_map<std::string_view, uint32_t> index_;  // views into the parsed document
};

Result<ServiceModel> ServiceModel::Load(std::string_view model_json, ModelOptions options) {
  return ModelLoader(options).Run(model_json);
}

std::vector<std::string_view> ServiceModel::skipped_patterns() const {
  std::vector<std::string_view> out;
  for (Ref r : skipped_patterns_) out.push_back(Str(r));
  return out;
}

namespace {

// The Query services' models (IAM, STS): Coral's whole-value patterns, and
// IAM's one lookahead skipped.
constexpr ModelOptions kQueryOptions{.skip_unsupported_patterns = true,
                                     .full_match_patterns = true};

// Each embedded model is parsed once (thread-safe static initialisation).
const Result<ServiceModel>& Embedded(Service service) {
  switch (service) {
    case Service::kKms: {
      static const Result<ServiceModel> kKms = ServiceModel::Load(embedded::kKmsModel);
      return kKms;
    }
    case Service::kIam: {
      static const Result<ServiceModel> kIam =
          ServiceModel::Load(embedded::kIamModel, kQueryOptions);
      return kIam;
    }
    case Service::kSts: {
      static const Result<ServiceModel> kSts =
          ServiceModel::Load(embedded::kStsModel, kQueryOptions);
      return kSts;
    }
    case Service::kSecretsManager: break;
  }
  static const Result<ServiceModel> kSecretsManager =
      ServiceModel::Load(embedded::kSecretsManagerModel);
  return kSecretsManager;
}

}  // namespace

const ServiceModel& ServiceModel::Get(Service service) {
  const Result<ServiceModel>& model = Embedded(service);
  if (!model.ok()) {
    // The embedded model is part of the build: failing here is a defect.
    std::fprintf(stderr, "coffer: embedded %s model unusable: %s\n",
                 std::string(ServiceName(service)).c_str(), model.status().ToString().c_str());
    std::abort();
  }
  return *model;
}

Result<Models> LoadModels() {
  for (Service service : {Service::kSecretsManager, Service::kKms, Service::kIam, Service::kSts})
    if (!Embedded(service).ok()) return Embedded(service).status();
  return Models{&*Embedded(Service::kSecretsManager), &*Embedded(Service::kKms),
                &*Embedded(Service::kIam), &*Embedded(Service::kSts)};
}

const ServiceModel::Operation* ServiceModel::FindOp(std::string_view op) const {
  auto it =
      std::lower_bound(operations_.begin(), operations_.end(), op,
                       [this](const Operation& o, std::string_view n) { return Str(o.name) < n; });
  if (it == operations_.end() || Str(it->name) != op) return nullptr;
  return &*it;
}

std::string_view ServiceModel::FindOperation(std::string_view op) const {
  const Operation* found = FindOp(op);
  return found ? Str(found->name) : std::string_view();
}

}  // namespace coffer::protocol
