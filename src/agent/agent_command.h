// `coffer agent [--config FILE]`: the runner-side caching agent (issue 23),
// a drop-in for AWS's Secrets Manager Agent (docs/agent.md). Reads the
// configuration (config.h), the SSRF token (ssrf_token.h) and the upstream
// credentials, region and endpoint (client/credential_chain.h); checks the
// credentials with STS GetCallerIdentity when validate_credentials is on;
// subscribes to the server's change notices (watch.h) and prefetches
// (prefetch.h);
// serves the protocol (handler.h) over http::Server on http_address:http_port
// and prints "listening on http://HOST:PORT" once ready; stops on SIGTERM or
// SIGINT after the requests in flight are answered.
//
// Thread-safety: call once, from main.
#pragma once

namespace coffer::agent {

// argv[0] is "agent". Returns the process's exit code: 0 after a signal,
// 1 when the token, credentials or address are unusable, 2 for bad usage or
// a bad configuration file.
int AgentMain(int argc, char** argv);

}  // namespace coffer::agent
