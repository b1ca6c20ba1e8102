// Query response side: XML bodies of successes (QueryEncoder, driven by the
// operation's output shape) and errors.
#include <string>
#include <string_view>

#include "protocol/error_table.h"
#include "protocol/query.h"
#include "protocol/query_values.h"

namespace coffer::protocol {

namespace qv = query_values;

// Writes a JSON value as the XML of its shape. Shapes and JSON types that
// disagree are written as well as they can be (a string where a number
// belongs is written as text); containers of the wrong JSON type are
// skipped, so the output is always well-formed.
class QueryEncoder {
 public:
  static std::string Encode(const ServiceModel& model, std::string_view operation,
                            const JsonValue& output, std::string_view request_id) {
    QueryEncoder e(model);
    const ServiceModel::Operation* op = model.FindOp(operation);
    e.Open(operation, "Response", model.xml_namespace());
    if (op && op->output != ServiceModel::kNone) {
      std::string_view wrapper = model.Str(op->result_wrapper);
      std::string fallback;
      if (wrapper.empty()) {
        fallback = std::string(operation) + "Result";
        wrapper = fallback;
      }
      e.Open(wrapper);
      if (output.IsObject()) e.Members(op->output, output);
      e.Close(wrapper);
    }
    e.out_ += "<ResponseMetadata><RequestId>";
    qv::AppendXmlEscaped(&e.out_, request_id);
    e.out_ += "</RequestId></ResponseMetadata>";
    e.Close(operation, "Response");
    return std::move(e.out_);
  }

 private:
  using Shape = ServiceModel::Shape;
  using Type = ServiceModel::Type;
  static constexpr int kMaxDepth = 64;

  explicit QueryEncoder(const ServiceModel& m) : m_(m) { out_.reserve(512); }

  void Open(std::string_view name, std::string_view suffix = {}, std::string_view ns = {}) {
    out_ += '<';
    out_ += name;
    out_ += suffix;
    if (!ns.empty()) {
      out_ += " xmlns=\"";
      qv::AppendXmlEscaped(&out_, ns);
      out_ += '"';
    }
    out_ += '>';
  }
  void Close(std::string_view name, std::string_view suffix = {}) {
    out_ += "</";
    out_ += name;
    out_ += suffix;
    out_ += '>';
  }

  // The members of structure `index` present in `v`, in model order.
  void Members(uint32_t index, const JsonValue& v, int depth = 0) {
    const Shape& s = m_.shapes_[index];
    for (uint32_t i = 0; i < s.count; ++i) {
      const ServiceModel::Member& member = m_.members_[s.first + i];
      std::string_view name = m_.Str(member.name);
      // A JsonValue key: a bare StringRef would decay to a C string (strlen).
      auto it = v.FindMember(JsonValue(rapidjson::StringRef(name.data(), name.size())));
      if (it == v.MemberEnd() || it->value.IsNull()) continue;
      const Shape& ms = m_.shapes_[member.shape];
      std::string_view tag = m_.Str(member.wire_name);
      if (ms.flattened && ms.type == Type::kList && !m_.Str(ms.element_name).empty())
        tag = m_.Str(ms.element_name);  // botocore's _member_key_name
      Value(member.shape, it->value, tag, depth + 1);
    }
  }

  // <tag>value</tag> (flattened lists and maps: one <tag> per element).
  void Value(uint32_t index, const JsonValue& v, std::string_view tag, int depth) {
    if (depth > kMaxDepth) return;
    const Shape& s = m_.shapes_[index];
    switch (s.type) {
      case Type::kStructure:
        if (!v.IsObject()) return;
        Open(tag);
        Members(index, v, depth);
        Close(tag);
        return;
      case Type::kList: {
        if (!v.IsArray()) return;
        std::string_view element = Or(m_.Str(s.element_name), "member");
        if (s.flattened) {
          for (const auto& e : v.GetArray())
            if (!e.IsNull()) Value(s.element, e, tag, depth + 1);
          return;
        }
        Open(tag);
        for (const auto& e : v.GetArray())
          if (!e.IsNull()) Value(s.element, e, element, depth + 1);
        Close(tag);
        return;
      }
      case Type::kMap: {
        if (!v.IsObject()) return;
        if (!s.flattened) Open(tag);
        for (const auto& e : v.GetObject()) {
          if (e.value.IsNull()) continue;
          Open(s.flattened ? tag : std::string_view("entry"));
          Value(s.key, e.name, Or(m_.Str(s.key_name), "key"), depth + 1);
          Value(s.element, e.value, Or(m_.Str(s.element_name), "value"), depth + 1);
          Close(s.flattened ? tag : std::string_view("entry"));
        }
        if (!s.flattened) Close(tag);
        return;
      }
      default: break;
    }
    if (v.IsObject() || v.IsArray()) return;
    Open(tag);
    Scalar(s.type, v);
    Close(tag);
  }

  void Scalar(Type type, const JsonValue& v) {
    if (v.IsString()) {
      qv::AppendXmlEscaped(&out_, std::string_view(v.GetString(), v.GetStringLength()));
    } else if (v.IsBool()) {
      out_ += v.GetBool() ? "true" : "false";
    } else if (type == Type::kTimestamp && v.IsNumber()) {
      out_ += qv::FormatTimestamp(v.GetDouble());
    } else if (v.IsInt64()) {
      out_ += std::to_string(v.GetInt64());
    } else if (v.IsUint64()) {
      out_ += std::to_string(v.GetUint64());
    } else if (v.IsNumber()) {
      out_ += qv::FormatDouble(v.GetDouble());
    }
  }

  static std::string_view Or(std::string_view a, std::string_view b) { return a.empty() ? b : a; }

  const ServiceModel& m_;
  std::string out_;
};

std::string EncodeQueryResponse(const ServiceModel& model, std::string_view operation,
                                const JsonValue& output, std::string_view request_id) {
  return QueryEncoder::Encode(model, operation, output, request_id);
}

EncodedError EncodeQueryError(const Status& status, Service service, std::string_view request_id) {
  const WireError wire = ResolveError(status, service);
  EncodedError out;
  out.http_status = wire.http_status;
  out.type.assign(wire.type);
  std::string_view ns = IsQueryService(service) ? ServiceModel::Get(service).xml_namespace() : "";
  std::string& b = out.body;
  b.reserve(256 + wire.message.size());
  b += "<ErrorResponse";
  if (!ns.empty()) {
    b += " xmlns=\"";
    qv::AppendXmlEscaped(&b, ns);
    b += '"';
  }
  b += "><Error><Type>";
  b += wire.http_status >= 500 ? "Receiver" : "Sender";
  b += "</Type><Code>";
  qv::AppendXmlEscaped(&b, wire.type);
  b += "</Code>";
  if (!wire.message.empty()) {
    b += "<Message>";
    qv::AppendXmlEscaped(&b, wire.message);
    b += "</Message>";
  }
  b += "</Error><RequestId>";
  qv::AppendXmlEscaped(&b, request_id);
  b += "</RequestId></ErrorResponse>";
  return out;
}

std::array<Header, 2> QueryResponseHeaders(std::string_view request_id) {
  return {{{"Content-Type", kXmlContentType}, {"x-amzn-RequestId", request_id}}};
}

}  // namespace coffer::protocol
