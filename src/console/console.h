// The web console's HTTP side (issue 22): answers GET and HEAD under
// /console/ with the embedded static files (assets.h), each with a strict
// Content-Security-Policy and the headers that keep the page out of frames
// and caches. The console is a page that signs its own SigV4 calls to the
// same JSON and Query APIs the SDKs use: nothing here reads a credential or
// a secret, and no API is reachable through this path.
//
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <string_view>

#include "http/message.h"

namespace coffer::console {

// The path the console is served under, and its entry page.
inline constexpr std::string_view kPrefix = "/console/";

// True when `path` (the request-target without its query) is the console's:
// "/console" or anything under "/console/".
bool IsConsolePath(std::string_view path);

// Answers a request for a console path: the file (200), a redirect from
// "/console" to "/console/" (301), 404 for a file that is not there, or 405
// for a method other than GET and HEAD.
void Serve(const http::Request& request, std::string_view path, http::Response& response);

// The Content-Type for a file name by its extension.
std::string_view ContentTypeOf(std::string_view name);

}  // namespace coffer::console
