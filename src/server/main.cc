// coffer: the command-line entry point.
//   coffer serve --data-dir DIR --listen HOST:PORT [--region R] [--config FILE]
//                [--auth sigv4|permissive --account-id ID [--allow-remote-permissive]]
//                [--root-key-file F] [--store-url postgresql://…]
//                [--tls-cert F --tls-key F] [--threads N] [--log-level L]
//   coffer admin access-key list|create|deactivate|activate|delete … (admin.h)
//   coffer agent [--config FILE]   the caching agent (agent/agent_command.h)
//   coffer backup --data-dir DIR --out FILE [--include-root-key] (server/backup.h)
//   coffer restore --from FILE --data-dir DIR [--replace]
//   coffer rekey --data-dir DIR --new-root-key-file NEW (server/rekey.h)
//   coffer migrate --from-endpoint URL --to-endpoint URL … (migrate/command.h)
//   coffer config check FILE       validates a TOML file (docs/coffer.example.toml)
//   coffer version | coffer --version
#include <malloc.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <utility>

#include "agent/agent_command.h"
#include "migrate/command.h"
#include "server/admin.h"
#include "server/backup.h"
#include "server/rekey.h"
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

// A flag's help: what it does, its default and the variable that sets it.
std::string Help(const std::string& text, const std::string& default_value,
                 const char* env = nullptr) {
  std::string out = text;
  if (!default_value.empty()) out += " [default: " + default_value + "]";
  if (env != nullptr) out += " [env: " + std::string(env) + "]";
  return out;
}

// `coffer config check FILE`: loads and validates FILE as `serve --config`
// would (without the environment or flags); 0 and "FILE: ok", or 2 and why.
int CheckConfig(const std::string& file) {
  coffer::server::Config c;
  coffer::Status s = coffer::server::LoadConfigFile(file, c);
  if (s.ok()) s = coffer::server::Validate(c);
  if (!s.ok()) {
    std::fprintf(stderr, "coffer: %s\n", s.message().c_str());
    return 2;
  }
  std::printf("%s: ok\n", file.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using coffer::server::Config;
  // `coffer admin …` parses its own arguments (server/admin.h).
  if (argc >= 2 && std::string(argv[1]) == "admin")
    return coffer::server::AdminMain(argc - 1, argv + 1);
  // `coffer backup …` and `coffer restore …` (server/backup.h).
  if (argc >= 2 && std::string(argv[1]) == "backup")
    return coffer::server::BackupMain(argc - 1, argv + 1);
  if (argc >= 2 && std::string(argv[1]) == "restore")
    return coffer::server::RestoreMain(argc - 1, argv + 1);
  // `coffer rekey …` (server/rekey.h).
  if (argc >= 2 && std::string(argv[1]) == "rekey")
    return coffer::server::RekeyMain(argc - 1, argv + 1);
  // `coffer agent …` too (agent/agent_command.h).
  if (argc >= 2 && std::string(argv[1]) == "agent")
    return coffer::agent::AgentMain(argc - 1, argv + 1);
  // `coffer migrate …` (migrate/command.h).
  if (argc >= 2 && std::string(argv[1]) == "migrate")
    return coffer::migrate::MigrateMain(argc - 1, argv + 1);
  CLI::App app{"Coffer: a self-hosted, AWS Secrets Manager compatible secrets service"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "coffer 0.1.0");

  Config config;
  const Config d;  // the defaults, for the help
  std::string config_file, listen, auth, root_key_file;
  auto* serve = app.add_subcommand("serve", "Serve the AWS Secrets Manager API");
  serve->add_option("--config", config_file,
                    "TOML configuration file (every key: docs/coffer.example.toml)");
  serve->add_option("--data-dir", config.data_dir,
                    Help("Data directory (created on first start)", d.data_dir, "COFFER_DATA_DIR"));
  serve->add_option(
      "--store-url", config.store_url,
      Help("postgresql://… to store on PostgreSQL", "SQLite in the data directory",
           "COFFER_STORE_URL"));
  serve->add_option("--listen", listen,
                    Help("HOST:PORT to listen on (port 0 picks a free port)",
                         d.listen_host + ":" + std::to_string(d.listen_port), "COFFER_LISTEN"));
  serve->add_option("--region", config.region, Help("Default region", d.region, "COFFER_REGION"));
  serve->add_option("--auth", auth,
                    Help("sigv4 or permissive (emulator mode)", "sigv4", "COFFER_AUTH"));
  bool allow_remote_permissive = false;
  serve->add_flag("--allow-remote-permissive", allow_remote_permissive,
                  Help("Let --auth permissive listen on a non-loopback address", "false",
                       "COFFER_ALLOW_REMOTE_PERMISSIVE"));
  serve->add_option("--account-id", config.account_id,
                    Help("Account of every caller in permissive mode; default account on "
                         "first start", "random at first start", "COFFER_ACCOUNT_ID"));
  serve->add_option("--root-key-file", root_key_file,
                    Help("Root key file (or the key itself in COFFER_ROOT_KEY)",
                         "DATA_DIR/root.key", "COFFER_ROOT_KEY_FILE"));
  serve->add_option("--tls-cert", config.tls_cert_file,
                    Help("TLS certificate (PEM); with --tls-key, serve https", "none (http)",
                         "COFFER_TLS_CERT"));
  serve->add_option("--audit-log", config.audit_log,
                    Help("Audit trail file (\"off\": none)", "DATA_DIR/audit.log",
                         "COFFER_AUDIT_LOG"));
  serve->add_option("--tls-key", config.tls_key_file,
                    Help("TLS private key (PEM)", "none", "COFFER_TLS_KEY"));
  serve->add_option("--threads", config.threads,
                    Help("I/O threads (0 = one per core)", "0", "COFFER_THREADS"));
  serve->add_option("--seed", config.seed_file,
                    Help("JSON file of KMS keys, secrets and IAM users applied at every start",
                         "none", "COFFER_SEED"));
  serve->add_option("--log-level", config.log_level,
                    Help("debug, info, warn or error", d.log_level, "COFFER_LOG_LEVEL"));
  serve->add_option("--rate-limit-rps", config.rate_limit_rps,
                    Help("Requests per second per account, then ThrottlingException "
                         "(0 = unlimited)", "0"));
  serve->add_option("--rate-limit-burst", config.rate_limit_burst,
                    Help("Burst per account (0 = the rate)", "0"));
  auto* version = app.add_subcommand("version", "Print the version");
  auto* config_cmd = app.add_subcommand("config", "Configuration files");
  config_cmd->require_subcommand(1);
  std::string check_file;
  auto* check = config_cmd->add_subcommand("check", "Load and validate a TOML configuration file");
  check->add_option("FILE", check_file, "The file (as serve --config FILE)")->required();
  app.add_subcommand("admin", "Operator commands: coffer admin access-key --help");
  app.add_subcommand("backup", "Back up a data directory while it serves: coffer backup --help");
  app.add_subcommand("restore", "Restore a backup: coffer restore --help");
  app.add_subcommand("rekey", "Rotate the root key (offline): coffer rekey --help");
  app.add_subcommand("migrate", "Copy secrets between Secrets Manager endpoints: "
                                "coffer migrate --help");
  app.add_subcommand("agent", "Caching agent (AWS Secrets Manager Agent protocol): "
                              "coffer agent --config FILE");

  CLI11_PARSE(app, argc, argv);
  if (version->parsed()) {
    std::puts("coffer 0.1.0");
    return 0;
  }
  if (check->parsed()) return CheckConfig(check_file);
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
  if (serve->count("--store-url")) merged.store_url = config.store_url;
  if (serve->count("--region")) merged.region = config.region;
  if (serve->count("--account-id")) merged.account_id = config.account_id;
  if (serve->count("--tls-cert")) merged.tls_cert_file = config.tls_cert_file;
  if (serve->count("--audit-log")) merged.audit_log = config.audit_log;
  if (serve->count("--tls-key")) merged.tls_key_file = config.tls_key_file;
  if (serve->count("--threads")) merged.threads = config.threads;
  if (serve->count("--log-level")) merged.log_level = config.log_level;
  if (serve->count("--seed")) merged.seed_file = config.seed_file;
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
