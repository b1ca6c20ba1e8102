// coffer: the command-line entry point.
//   coffer serve --data-dir DIR --listen HOST:PORT [--region R] [--config FILE]
//                [--auth sigv4|permissive --account-id ID [--allow-remote-permissive]]
//                [--root-key-file F]
//                [--tls-cert F --tls-key F] [--threads N] [--log-level L]
//   coffer admin access-key list|create|deactivate|activate|delete … (admin.h)
//   coffer version
#include <malloc.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <utility>

#include "server/admin.h"
#include "server/config.h"
#include "server/lifecycle.h"

namespace {

// glibc gives the free top of a thread's heap back to the kernel (madvise)
// once more than the trim threshold is free, and the next request that
// allocates as much faults its pages in again: a ListSecrets page allocates
// ~100 KB of records and JSON, and that round trip was 10.6% of its CPU
// (docs/performance.md §6). Keep up to 32 MB free per arena instead, and
// serve blocks under 1 MB (request bodies are at most 1 MB) from the heap
// rather than fresh mappings. Setting either also stops glibc moving the
// mmap threshold by itself.
// With tcmalloc (CMakeLists.txt, COFFER_TCMALLOC) these are glibc's knobs
// and do nothing: tcmalloc keeps freed blocks in per-thread caches.
void TuneMalloc() {
#ifndef COFFER_TCMALLOC
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using coffer::server::Config;
  // `coffer admin …` parses its own arguments (server/admin.h).
  if (argc >= 2 && std::string(argv[1]) == "admin")
    return coffer::server::AdminMain(argc - 1, argv + 1);
  CLI::App app{"Coffer: a self-hosted, AWS Secrets Manager compatible secrets service"};
  app.require_subcommand(1);

  Config config;
  std::string config_file, listen, auth, root_key_file;
  auto* serve = app.add_subcommand("serve", "Serve the AWS Secrets Manager API");
  serve->add_option("--config", config_file, "TOML configuration file");
  serve->add_option("--data-dir", config.data_dir, "Data directory (created on first start)");
  serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)");
  serve->add_option("--region", config.region, "Default region");
  serve->add_option("--auth", auth, "sigv4 (default) or permissive (emulator mode)");
  bool allow_remote_permissive = false;
  serve->add_flag("--allow-remote-permissive", allow_remote_permissive,
                  "Let --auth permissive listen on a non-loopback address");
  serve->add_option("--account-id", config.account_id,
                    "Account of every caller in permissive mode; default account on first start");
  serve->add_option("--root-key-file", root_key_file,
                    "Root key file (else COFFER_ROOT_KEY or DIR/root.key)");
  serve->add_option("--tls-cert", config.tls_cert_file, "TLS certificate (PEM)");
  serve->add_option("--audit-log", config.audit_log,
                    "Audit trail file (default DATA_DIR/audit.log; \"off\": none)");
  serve->add_option("--tls-key", config.tls_key_file, "TLS private key (PEM)");
  serve->add_option("--threads", config.threads, "Worker threads (0 = one per core)");
  serve->add_option("--log-level", config.log_level, "debug, info, warn or error");
  serve->add_option("--rate-limit-rps", config.rate_limit_rps,
                    "Requests per second per account, then ThrottlingException (0 = unlimited)");
  serve->add_option("--rate-limit-burst", config.rate_limit_burst,
                    "Burst per account (0 = the rate)");
  auto* version = app.add_subcommand("version", "Print the version");
  app.add_subcommand("admin", "Operator commands: coffer admin access-key --help");

  CLI11_PARSE(app, argc, argv);
  if (version->parsed()) {
    std::puts("coffer 0.1.0");
    return 0;
  }
  TuneMalloc();

  // Precedence: defaults < config file < environment < flags. Flags were
  // parsed into `config` already, so re-apply them over file and environment.
  Config merged;
  if (!config_file.empty()) {
    if (auto s = coffer::server::LoadConfigFile(config_file, merged); !s.ok()) {
      std::fprintf(stderr, "coffer: %s\n", s.message().c_str());
      return 2;
    }
  }
  merged.config_file = config_file;
  if (auto s = coffer::server::ApplyEnvironment(merged); !s.ok()) {
    std::fprintf(stderr, "coffer: %s\n", s.message().c_str());
    return 2;
  }
  if (serve->count("--data-dir")) merged.data_dir = config.data_dir;
  if (serve->count("--region")) merged.region = config.region;
  if (serve->count("--account-id")) merged.account_id = config.account_id;
  if (serve->count("--tls-cert")) merged.tls_cert_file = config.tls_cert_file;
  if (serve->count("--audit-log")) merged.audit_log = config.audit_log;
  if (serve->count("--tls-key")) merged.tls_key_file = config.tls_key_file;
  if (serve->count("--threads")) merged.threads = config.threads;
  if (serve->count("--log-level")) merged.log_level = config.log_level;
  if (serve->count("--rate-limit-rps")) merged.rate_limit_rps = config.rate_limit_rps;
  if (serve->count("--rate-limit-burst")) merged.rate_limit_burst = config.rate_limit_burst;
  if (serve->count("--root-key-file")) merged.root_key_file = root_key_file;
  if (serve->count("--allow-remote-permissive")) merged.allow_remote_permissive = true;
  if (serve->count("--auth")) {
    if (auth == "sigv4")
      merged.auth = coffer::server::AuthMode::kSigV4;
    else if (auth == "permissive")
      merged.auth = coffer::server::AuthMode::kPermissive;
    else {
      std::fprintf(stderr, "coffer: --auth must be sigv4 or permissive\n");
      return 2;
    }
  }
  if (!listen.empty()) {
    if (auto s = coffer::server::ParseListen(listen, merged); !s.ok()) {
      std::fprintf(stderr, "coffer: %s\n", s.message().c_str());
      return 2;
    }
  }
  if (auto s = coffer::server::Validate(merged); !s.ok()) {
    std::fprintf(stderr, "coffer: %s\n", s.message().c_str());
    return 2;
  }
  return coffer::server::Serve(std::move(merged));
}
