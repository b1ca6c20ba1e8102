// Serve: the composition root. Opens the data directory, wires storage →
// keyring → services → auth → protocol → HTTP, prints
// "listening on http://HOST:PORT" once ready, runs the deletion purger, and
// stops gracefully on SIGTERM/SIGINT (in-flight requests finish, the store
// closes cleanly). Returns the process exit code.
#pragma once

#include "server/config.h"

namespace coffer::server {

int Serve(const Config& config);

}  // namespace coffer::server
