// JsonBody: a request body written through common/json.h's JsonWriter into
// one object ("{" + what `fill` writes + "}").
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <utility>

#include "common/json.h"

namespace coffer::migrate {

template <typename Fill>
std::string JsonBody(Fill&& fill) {
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  std::forward<Fill>(fill)(w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace coffer::migrate
