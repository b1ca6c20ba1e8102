// Serve: the composition root. Locks and opens the data directory, wires storage →
// keyring → services → auth → protocol → HTTP, prints
// "listening on http://HOST:PORT" once ready, runs the deletion purger, and
// stops gracefully on SIGTERM/SIGINT (in-flight requests finish, the store
// closes cleanly). Returns the process exit code.
#pragma once

#include "server/config.h"

namespace coffer::server {

// Takes `config` by value: its copy of COFFER_ROOT_KEY is wiped once the root
// key is loaded.
int Serve(Config config);

}  // namespace coffer::server
