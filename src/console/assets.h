// The console's static files (src/console/web), embedded in the binary at
// build time by cmake/embed_console.cmake: the generated table kFiles, in
// path order. Read-only data, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace coffer::console {

struct EmbeddedFile {
  std::string_view path;  // relative to src/console/web, e.g. "app.js"
  std::string_view body;
};

extern const EmbeddedFile kFiles[];
extern const size_t kFileCount;

}  // namespace coffer::console
