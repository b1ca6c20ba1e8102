#include "console/console.h"

#include <algorithm>

#include "console/assets.h"

namespace coffer::console {
namespace {

// No inline script or style, nothing from another origin, no frames, no
// forms posted anywhere: the page's own files and fetch() to its own origin.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

void AddCommonHeaders(http::Response& response) {
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  // The files change with the binary: revalidate each time (they are small
  // and local); the page itself is never stored.
  response.headers.emplace_back("Cache-Control", "no-store");
}

void Plain(http::Response& response, int status, std::string_view text) {
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body.assign(text);
}

const EmbeddedFile* Find(std::string_view name) {
  const EmbeddedFile* end = kFiles + kFileCount;
  const EmbeddedFile* it = std::lower_bound(
      kFiles, end, name, [](const EmbeddedFile& f, std::string_view n) { return f.path < n; });
  return it != end && it->path == name ? it : nullptr;
}

}  // namespace

bool IsConsolePath(std::string_view path) {
  return path == kPrefix.substr(0, kPrefix.size() - 1) || path.starts_with(kPrefix);
}

std::string_view ContentTypeOf(std::string_view name) {
  const size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "json") return "application/json";
  return "application/octet-stream";
}

void Serve(const http::Request& request, std::string_view path, http::Response& response) {
  AddCommonHeaders(response);
  if (request.method != "GET" && request.method != "HEAD") {
    response.headers.emplace_back("Allow", "GET, HEAD");
    Plain(response, 405, "405 Method Not Allowed\n");
    return;
  }
  if (!path.starts_with(kPrefix)) {
    response.status = 301;
    response.headers.emplace_back("Location", std::string(kPrefix));
    return;
  }
  std::string_view name = path.substr(kPrefix.size());
  if (name.empty()) name = "index.html";
  // Only the embedded names: no directory walking, no percent-decoding
  // (no file name needs it), dot segments are simply not in the table.
  const EmbeddedFile* file = Find(name);
  if (file == nullptr) {
    Plain(response, 404, "404 Not Found\n");
    return;
  }
  response.status = 200;
  response.headers.emplace_back("Content-Type", std::string(ContentTypeOf(name)));
  // HEAD too: the transport sends the length and leaves the body out.
  response.body.assign(file->body);
}

}  // namespace coffer::console
