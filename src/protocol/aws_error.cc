#include "protocol/aws_error.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "protocol/error_table.h"

namespace coffer::protocol {

std::string_view MessageKey(std::string_view type, Service service) {
  const ErrorRow* row = FindErrorRow(service, type);
  MessageMember member = row != nullptr ? row->member : MessageMember::kService;
  if (member == MessageMember::kService) member = TableOf(service).default_member;
  return member == MessageMember::kLower ? "message" : "Message";
}

EncodedError EncodeError(const Status& status, Service service) {
  const WireError wire = ResolveError(status, service);
  EncodedError out;
  out.http_status = wire.http_status;
  out.type.assign(wire.type);
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteString(w, "__type", wire.type);
  if (!wire.message.empty())
    WriteString(w, wire.member == MessageMember::kLower ? "message" : "Message", wire.message);
  w.EndObject();
  out.body.assign(buffer.GetString(), buffer.GetSize());
  return out;
}

EncodedError EncodeTransportError(int http_status, std::string_view message) {
  const ErrorRow& row = TransportErrorRow(http_status);
  EncodedError out;
  out.http_status = http_status;
  out.type.assign(row.type);
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteString(w, "__type", row.type);
  WriteString(w, "message", message);  // always present, even when empty
  w.EndObject();
  out.body.assign(buffer.GetString(), buffer.GetSize());
  return out;
}

EncodedResponse EncodeSuccess(const std::function<void(JsonWriter&)>& fill) {
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  if (fill) fill(w);
  w.EndObject();
  return EncodedResponse{200, std::string(buffer.GetString(), buffer.GetSize())};
}

EncodedResponse EncodeEmptySuccess() { return EncodedResponse{200, ""}; }

std::array<Header, 2> ResponseHeaders(std::string_view request_id) {
  return {{{"Content-Type", kJsonContentType}, {"x-amzn-RequestId", request_id}}};
}

}  // namespace coffer::protocol
