// Query request side: form decoding and the flat parameters → JSON input
// document (QueryDecoder). The XML side is query_xml.cc.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/ascii.h"
#include "common/encoding.h"
#include "common/secure_string.h"
#include "protocol/errors.h"
#include "protocol/query.h"
#include "protocol/query_values.h"

namespace coffer::protocol {
namespace {

Status Malformed(std::string message) {
  return Status::InvalidArgument(std::string(kMalformedQueryString), std::move(message));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value.
Status Decode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = hi >= 0 ? HexValue(in[i + 2]) : -1;
      if (lo < 0) return Malformed("The query string contains an invalid percent-encoding.");
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  if (!IsValidUtf8(*out)) return Malformed("The query string is not valid UTF-8.");
  return Status::Ok();
}

Status AddPairs(std::string_view text, std::vector<std::pair<std::string, std::string>>* out) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view segment = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (segment.empty()) continue;
    size_t eq = segment.find('=');
    std::pair<std::string, std::string> pair;
    COFFER_RETURN_IF_ERROR(Decode(segment.substr(0, eq), &pair.first));
    if (eq != std::string_view::npos)
      COFFER_RETURN_IF_ERROR(Decode(segment.substr(eq + 1), &pair.second));
    if (pair.first.empty()) continue;  // "=v": nothing to name
    out->push_back(std::move(pair));
  }
  return Status::Ok();
}

// A list or map position: 1-based decimal without leading zeros.
std::optional<uint32_t> ParseIndex(std::string_view text) {
  if (text.empty() || text.size() > 9 || text[0] == '0') return std::nullopt;
  uint32_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

bool IsFormContentType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  return AsciiEqualsIgnoreCase(media, kForm);
}

}  // namespace

QueryRequest::~QueryRequest() {
  for (auto& [name, value] : params) WipeString(value);
}

Result<QueryRequest> ParseQueryRequest(std::string_view method, std::string_view target_uri,
                                       std::string_view content_type, std::string_view body) {
  std::vector<std::pair<std::string, std::string>> pairs;
  // Values left here (on an error; moved-from ones are empty) may be secrets.
  struct Wiper {
    std::vector<std::pair<std::string, std::string>>& v;
    ~Wiper() {
      for (auto& [name, value] : v) WipeString(value);
    }
  } wiper{pairs};
  if (size_t q = target_uri.find('?'); q != std::string_view::npos) {
    std::string_view query = target_uri.substr(q + 1);
    query = query.substr(0, query.find('#'));
    COFFER_RETURN_IF_ERROR(AddPairs(query, &pairs));
  }
  if (method == "POST" && IsFormContentType(content_type))
    COFFER_RETURN_IF_ERROR(AddPairs(body, &pairs));

  QueryRequest req;
  bool has_action = false;
  std::unordered_set<std::string_view> seen;
  seen.reserve(pairs.size());
  for (const auto& pair : pairs) {
    if (!seen.insert(pair.first).second)
      return Malformed("The parameter " + pair.first + " was given more than once.");
  }
  req.params.reserve(pairs.size());
  for (auto& pair : pairs) {
    if (pair.first == "Action") {
      req.action = std::move(pair.second);
      has_action = true;
    } else if (pair.first == "Version") {
      req.version = std::move(pair.second);
    } else {
      req.params.push_back(std::move(pair));
    }
  }
  if (!has_action || req.action.empty())
    return Status::InvalidArgument(std::string(kMissingAction), "Missing Action");
  return req;
}

Result<std::string_view> ResolveQueryAction(const ServiceModel& model, const QueryRequest& req) {
  std::string_view name = model.FindOperation(req.action);
  if (name.empty() || (!req.version.empty() && req.version != model.api_version()))
    return Status::InvalidArgument(
        std::string(kInvalidAction),
        "Could not find operation " + req.action + " for version " + req.version);
  return name;
}

// Walks the operation's input shape, looking up each member's parameter
// name in the sorted parameters; only names that exist are followed, so the
// work is bounded by the request, not by the model.
class QueryDecoder {
 public:
  static Result<JsonDocument> Convert(const ServiceModel& model, std::string_view operation,
                                      const QueryRequest& req);

  QueryDecoder(const ServiceModel& m, const QueryRequest& req, JsonDocument* doc)
      : m_(m), doc_(*doc), alloc_(doc->GetAllocator()) {
    sorted_.reserve(req.params.size());
    for (const auto& p : req.params) sorted_.push_back(&p);
    std::sort(sorted_.begin(), sorted_.end(),
              [](const Param* a, const Param* b) { return a->first < b->first; });
  }

  Status Run(uint32_t shape) {
    doc_.SetObject();
    std::string key, path;
    FillStructure(shape, key, path, &doc_, 0);
    if (errors_.empty()) return Status::Ok();
    std::string msg =
        std::to_string(errors_.size()) +
        (errors_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (size_t i = 0; i < errors_.size(); ++i) {
      if (i) msg += "; ";
      msg += errors_[i];
    }
    return Status::InvalidArgument(std::string(kValidationError), std::move(msg));
  }

 private:
  using Param = std::pair<std::string, std::string>;
  using Shape = ServiceModel::Shape;
  using Type = ServiceModel::Type;
  // Deeper than any IAM/STS input; only recursive shapes could go further.
  static constexpr int kMaxDepth = 32;

  // The first parameter whose name is >= `key`.
  std::vector<const Param*>::const_iterator LowerBound(std::string_view key) const {
    return std::lower_bound(sorted_.begin(), sorted_.end(), key,
                            [](const Param* p, std::string_view k) { return p->first < k; });
  }
  const std::string* Find(std::string_view key) const {
    auto it = LowerBound(key);
    return it != sorted_.end() && (*it)->first == key ? &(*it)->second : nullptr;
  }
  // Whether any parameter name starts with `prefix`.
  bool HasPrefix(std::string_view prefix) const {
    auto it = LowerBound(prefix);
    return it != sorted_.end() && std::string_view((*it)->first).starts_with(prefix);
  }

  // The 1-based indices N of parameters named `prefix`.N[.…], ascending.
  std::vector<uint32_t> Indices(const std::string& prefix) const {
    std::string dotted = prefix + '.';
    std::vector<uint32_t> out;
    for (auto it = LowerBound(dotted); it != sorted_.end(); ++it) {
      std::string_view name((*it)->first);
      if (!name.starts_with(dotted)) break;
      std::string_view rest = name.substr(dotted.size());
      rest = rest.substr(0, rest.find('.'));
      if (auto n = ParseIndex(rest); n && (out.empty() || out.back() != *n)) out.push_back(*n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Appends ".name" (or "name" at the top) to `s`; returns the old size.
  static size_t Append(std::string& s, std::string_view part) {
    size_t old = s.size();
    if (!s.empty()) s += '.';
    s += part;
    return old;
  }

  // Decodes the value of shape `index` at parameter name `key` into `out`.
  // False when the request has nothing there.
  bool Fill(uint32_t index, std::string& key, std::string& path, JsonValue* out, int depth) {
    const Shape& s = m_.shapes_[index];
    if (depth > kMaxDepth) return false;
    switch (s.type) {
      case Type::kStructure:
        if (!HasPrefix(key + '.')) return false;
        out->SetObject();
        FillStructure(index, key, path, out, depth + 1);
        return true;
      case Type::kList: return FillList(s, key, path, out, depth + 1);
      case Type::kMap: return FillMap(s, key, path, out, depth + 1);
      default: break;
    }
    const std::string* text = Find(key);
    if (!text) return false;
    if (const char* problem = Scalar(s.type, *text, out)) {
      errors_.push_back("Value " + (s.sensitive ? std::string() : "'" + *text + "' ") + "at '" +
                        path + "' failed to satisfy constraint: " + problem);
      return false;
    }
    return true;
  }

  // Sets `out` to `text` read as a `type` value; the constraint it fails
  // otherwise. Wording ours, in Coral's "Member must ..." style (AWS's own
  // text for an unparsable Query value is unknown).
  const char* Scalar(Type type, const std::string& text, JsonValue* out) {
    namespace qv = query_values;
    switch (type) {
      case Type::kInteger:
      case Type::kLong: {
        auto v = qv::ParseInteger(text);
        if (!v) return "Member must be a number";
        if (type == Type::kInteger && *v > INT32_MAX)
          return "Member must have value less than or equal to 2147483647";
        if (type == Type::kInteger && *v < INT32_MIN)
          return "Member must have value greater than or equal to -2147483648";
        out->SetInt64(*v);
        return nullptr;
      }
      case Type::kDouble: {
        auto v = qv::ParseDouble(text);
        if (!v) return "Member must be a number";
        out->SetDouble(*v);
        return nullptr;
      }
      case Type::kBoolean: {
        auto v = qv::ParseBoolean(text);
        if (!v) return "Member must be true or false";
        out->SetBool(*v);
        return nullptr;
      }
      case Type::kTimestamp: {
        auto v = qv::ParseTimestamp(text);
        if (!v) return "Member must be a timestamp in ISO 8601 format";
        if (*v == std::floor(*v) && std::fabs(*v) < 9e15) {
          out->SetInt64(static_cast<int64_t>(*v));
        } else {
          out->SetDouble(*v);
        }
        return nullptr;
      }
      default:  // string, blob (base64 text, checked by the validator), document
        out->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc_);
        return nullptr;
    }
  }

  void FillStructure(uint32_t index, std::string& key, std::string& path, JsonValue* out,
                     int depth) {
    const Shape& s = m_.shapes_[index];
    for (uint32_t i = 0; i < s.count; ++i) {
      const ServiceModel::Member& member = m_.members_[s.first + i];
      std::string_view wire = m_.Str(member.wire_name);
      const Shape& ms = m_.shapes_[member.shape];
      if (ms.type == Type::kList && ms.flattened && !m_.Str(ms.element_name).empty())
        wire = m_.Str(ms.element_name);  // botocore: "ListArgLocation.1=a"
      size_t key_size = Append(key, wire);
      size_t path_size = Append(path, m_.Str(member.path_name));
      JsonValue value;
      if (Fill(member.shape, key, path, &value, depth)) {
        std::string_view name = m_.Str(member.name);
        out->AddMember(JsonValue(name.data(), static_cast<rapidjson::SizeType>(name.size())), value,
                       alloc_);
      }
      key.resize(key_size);
      path.resize(path_size);
    }
  }

  bool FillList(const Shape& s, std::string& key, std::string& path, JsonValue* out, int depth) {
    size_t key_size = key.size();
    if (!s.flattened) Append(key, Or(m_.Str(s.element_name), "member"));
    std::vector<uint32_t> indices = Indices(key);
    if (indices.empty()) {
      key.resize(key_size);
      // "Name=" is botocore's empty list.
      const std::string* bare = Find(key);
      if (!bare || !bare->empty()) return false;
      out->SetArray();
      return true;
    }
    out->SetArray();
    for (uint32_t n : indices) {
      size_t k = Append(key, std::to_string(n));
      size_t p = Append(path, std::to_string(n) + ".member");
      JsonValue element;
      if (Fill(s.element, key, path, &element, depth)) out->PushBack(element, alloc_);
      key.resize(k);
      path.resize(p);
    }
    key.resize(key_size);
    return true;
  }

  bool FillMap(const Shape& s, std::string& key, std::string& path, JsonValue* out, int depth) {
    size_t key_size = key.size();
    if (!s.flattened) Append(key, "entry");
    std::vector<uint32_t> indices = Indices(key);
    if (indices.empty()) {
      key.resize(key_size);
      return false;
    }
    out->SetObject();
    for (uint32_t n : indices) {
      size_t k = Append(key, std::to_string(n));
      size_t entry_size = Append(key, Or(m_.Str(s.key_name), "key"));
      const std::string* map_key = Find(key);
      key.resize(entry_size);
      if (map_key && out->FindMember(JsonValue(rapidjson::StringRef(
                         map_key->data(), map_key->size()))) == out->MemberEnd()) {
        Append(key, Or(m_.Str(s.element_name), "value"));
        size_t p = Append(path, *map_key);
        JsonValue value;
        if (Fill(s.element, key, path, &value, depth))
          out->AddMember(
              JsonValue(map_key->data(), static_cast<rapidjson::SizeType>(map_key->size()), alloc_),
              value, alloc_);
        path.resize(p);
      }
      key.resize(k);
    }
    key.resize(key_size);
    return true;
  }

  static std::string_view Or(std::string_view a, std::string_view b) { return a.empty() ? b : a; }

  const ServiceModel& m_;
  JsonDocument& doc_;
  JsonDocument::AllocatorType& alloc_;
  std::vector<const Param*> sorted_;
  std::vector<std::string> errors_;
};

Result<JsonDocument> QueryDecoder::Convert(const ServiceModel& model, std::string_view operation,
                                           const QueryRequest& req) {
  const ServiceModel::Operation* op = model.FindOp(operation);
  if (!op) return UnknownOperationError();
  JsonDocument doc;
  doc.SetObject();
  if (op->input == ServiceModel::kNone) return doc;
  COFFER_RETURN_IF_ERROR(QueryDecoder(model, req, &doc).Run(op->input));
  return doc;
}

Result<JsonDocument> QueryToJson(const ServiceModel& model, std::string_view operation,
                                 const QueryRequest& req) {
  return QueryDecoder::Convert(model, operation, req);
}

}  // namespace coffer::protocol
