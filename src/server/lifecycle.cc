#include "server/lifecycle.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <optional>

#include "audit/audit_log.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/secure_string.h"
#include "crypto/keyring.h"
#include "http/server.h"
#include "iam/principals.h"
#include "iam/service.h"
#include "kms/service.h"
#include "protocol/service_model.h"
#include "secrets/service.h"
#include "server/access_keys.h"
#include "server/bootstrap.h"
#include "server/cluster.h"
#include "server/credential_cache.h"
#include "server/identity.h"
#include "server/pipeline.h"
#include "server/purger.h"
#include "server/rotation_runtime.h"
#include "server/seed.h"
#include "server/write_batcher.h"
#include "sts/service.h"
#include "sts/session_tokens.h"

namespace coffer::server {
namespace {

LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

// No core dumps: they would contain keys and plaintext.
void HardenProcess() {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct rlimit none {
    0, 0
  };
  ::setrlimit(RLIMIT_CORE, &none);
}

// Says which auth mode is on, at start-up: permissive mode at warn level and,
// whatever the log level, as a plain line on stderr.
void AnnounceAuthMode(const Config& config) {
  if (config.auth != AuthMode::kPermissive) {
    LogInfo("auth mode: sigv4 (every request must be signed by an active access key)",
            {{"auth", "sigv4"}});
    return;
  }
  const std::string where = config.listen_host + ":" + std::to_string(config.listen_port);
  LogWarn(
      "AUTH IS PERMISSIVE: signatures and clocks are NOT checked; every caller acts as "
      "the administrator of account " +
          config.account_id + ". Use only for local development and tests.",
      {{"auth", "permissive"},
       {"listen", where},
       {"remote", config.allow_remote_permissive ? "allowed" : "loopback only"}});
  std::fprintf(stderr,
               "coffer: WARNING: --auth permissive is on: requests are NOT authenticated and "
               "every caller acts as the administrator of account %s (listening on %s%s)\n",
               config.account_id.c_str(), where.c_str(),
               config.allow_remote_permissive ? ", remote callers allowed" : "");
  std::fflush(stderr);
}

}  // namespace

namespace {

// What /metrics adds to the request counters (docs/operations.md).
// Called before the server starts (collectors are not added while scrapes
// run); `server` is set once it has.
void AddMetricCollectors(Metrics& metrics, const std::atomic<const http::Server*>& server,
                         const WriteBatcher& batcher, const audit::AuditLog* audit,
                         const CredentialCache& credentials) {
  metrics.AddCollector([&server, &batcher, audit, &credentials](std::string& out) {
    if (const http::Server* s = server.load(std::memory_order_acquire)) {
      Metrics::AppendFamily(out, "coffer_open_connections", "gauge", "HTTP connections open now.",
                            static_cast<double>(s->open_connections()));
    }
    const WriteBatcher::Stats writes = batcher.stats();
    Metrics::AppendFamily(out, "coffer_write_batches_total", "counter",
                          "Write batches committed (one COMMIT and fsync each).",
                          static_cast<double>(writes.batches));
    Metrics::AppendFamily(out, "coffer_write_batch_requests_total", "counter",
                          "Requests run in write batches (divided by the batches: the group "
                          "commit's batch size).",
                          static_cast<double>(writes.requests));
    const CredentialCache::Stats keys = credentials.stats();
    Metrics::AppendFamily(out, "coffer_credential_cache_store_reads_total", "counter",
                          "Access-key lookups that read the store (cache misses).",
                          static_cast<double>(keys.store_reads));
    Metrics::AppendFamily(out, "coffer_credential_cache_entries", "gauge",
                          "Access keys held in memory.", static_cast<double>(keys.positive));
    if (audit == nullptr) return;
    const audit::AuditLog::Stats a = audit->stats();
    Metrics::AppendFamily(out, "coffer_audit_records_total", "counter",
                          "Audit records made durable.", static_cast<double>(a.records));
    Metrics::AppendFamily(out, "coffer_audit_fsyncs_total", "counter",
                          "fdatasync calls of the audit trail.", static_cast<double>(a.fsyncs));
    Metrics::AppendFamily(out, "coffer_audit_failures_total", "counter",
                          "Requests answered as failed because their record could not be written.",
                          static_cast<double>(a.failures));
  });
}

}  // namespace

int Serve(Config config) {
  HardenProcess();
  SetLogLevel(ParseLevel(config.log_level));

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);  // reload the rotation functions
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  // Only serve takes the lock: a second server on DIR stops here, before
  // anything is read or written; `coffer admin` stays usable meanwhile.
  auto dir_lock = LockDataDir(config.data_dir);
  if (!dir_lock.ok()) {
    LogError("cannot use the data directory",
             {{"dir", config.data_dir}, {"error", dir_lock.status().message()}});
    std::fprintf(stderr, "coffer: %s\n", dir_lock.status().message().c_str());
    return 1;
  }

  SystemClock clock;
  auto dd = OpenDataDir(config, clock);
  if (config.root_key_env) {  // the key is loaded (or failed to): drop the text
    WipeString(*config.root_key_env);
    config.root_key_env.reset();
  }
  if (!dd.ok()) {
    LogError("cannot open the data directory",
             {{"dir", config.data_dir}, {"error", dd.status().message()}});
    return 1;
  }
  LogInfo(
      "data directory open",
      {{"dir", config.data_dir}, {"root_key", dd->root_key_origin}, {"account", dd->account_id}});

  crypto::Keyring keyring(*dd->barrier, clock);
  RotationRuntime rotation(config);
  secrets::ServiceOptions secrets_options;
  secrets_options.token_key = std::string(dd->token_key.view());
  rotation.Hook(secrets_options);
  secrets::Service secrets(*dd->store, keyring, clock, std::move(secrets_options));
  kms::Service kms(*dd->store, keyring, clock);
  CredentialCache credentials(*dd->store, *dd->barrier,
                              CredentialCacheOptions{config.auth_poll_interval});
  credentials.Start();  // polls the auth generation (revocation by other processes)

  // Temporary credentials (STS): sealed by the root key, verified on open.
  sts::SessionTokens session_tokens(*dd->barrier);
  sts::OpenedSessions opened_sessions(session_tokens);
  auth::sigv4::VerifierOptions vopts;
  if (config.auth == AuthMode::kPermissive) {
    vopts.permissive = true;
    vopts.permissive_account_id = config.account_id;
  }
  vopts.session_lookup = [&opened_sessions, &clock](std::string_view akid, std::string_view token) {
    return opened_sessions.Open(akid, token, clock.NowMillis());
  };
  IdentityResolver identity(
      *dd->store, [&credentials] { return credentials.changes(); },
      config.auth == AuthMode::kPermissive);

  iam::ServiceOptions iam_options;
  const crypto::Barrier& barrier = *dd->barrier;
  iam_options.mint = [&barrier](std::string account_id, std::string principal_arn,
                                int64_t now_ms) -> Result<iam::MintedKey> {
    COFFER_ASSIGN_OR_RETURN(NewAccessKey key, MintAccessKey(barrier, std::move(account_id),
                                                            std::move(principal_arn), now_ms));
    return iam::MintedKey{std::move(key.record), std::move(key.secret)};
  };
  iam_options.rebind = [&barrier](
                           const storage::AccessKeyRecord& old,
                           storage::AccessKeyRecord updated) -> Result<storage::AccessKeyRecord> {
    COFFER_ASSIGN_OR_RETURN(SecureString secret, OpenAccessKeySecret(barrier, old));
    COFFER_RETURN_IF_ERROR(SealAccessKeySecret(barrier, secret.view(), updated));
    return updated;
  };
  iam_options.invalidate = [&credentials, &identity](std::string_view akid) {
    credentials.Invalidate(akid);
    identity.Changed();
  };
  iam::Service iam(*dd->store, clock, std::move(iam_options));
  if (!config.seed_file.empty()) {  // before the server listens (server/seed.h)
    auto seeded = ApplySeed(config.seed_file, dd->account_id, config.region, secrets, kms, iam, clock);
    if (!seeded.ok()) {
      LogError("cannot apply the seed file", {{"error", seeded.status().message()}});
      return 1;
    }
  }
  sts::ServiceOptions sts_options;
  sts_options.find_role = [](storage::Txn& txn,
                             std::string_view arn) -> Result<std::optional<sts::RoleInfo>> {
    COFFER_ASSIGN_OR_RETURN(auto role, iam::FindRoleByArn(txn, arn));
    if (!role) return std::optional<sts::RoleInfo>();
    sts::RoleInfo info{role->account_id,
                       role->name,
                       role->id,
                       role->arn,
                       role->trust_policy,
                       role->max_session_duration_s,
                       {}};
    for (const auto& t : role->tags) info.tags.emplace_back(t.key, t.value);
    return std::optional<sts::RoleInfo>(std::move(info));
  };
  sts_options.user_id = [](const RequestContext& ctx) -> std::string {
    if (ctx.caller) {
      if (const auto* id = ctx.caller->keys.Find("aws:userid")) {
        if (!id->empty()) return id->front();
      }
    }
    return ctx.account_id;
  };
  sts::Service sts(*dd->store, session_tokens, clock, std::move(sts_options));
  AnnounceAuthMode(config);
  auth::sigv4::Verifier verifier(
      [&credentials](std::string_view akid) { return credentials.Lookup(akid); }, clock, vopts);

  auto models = protocol::LoadModels();
  if (!models.ok()) {
    LogError("cannot load the service models", {{"error", models.status().ToString()}});
    return 1;
  }
  Pipeline pipeline(
      PipelineDeps{secrets, kms, verifier, *models, clock, config.region, &iam, &sts, &identity});
  RateLimiter rate_limiter(config.rate_limit_rps, config.rate_limit_burst);
  if (rate_limiter.enabled()) {
    pipeline.SetRateLimiter(&rate_limiter);
    LogInfo("per-account rate limit", {{"rps", std::to_string(config.rate_limit_rps)},
                                       {"burst", std::to_string(config.rate_limit_burst)}});
  }

  http::ServerOptions hopts;
  hopts.host = config.listen_host;
  hopts.port = config.listen_port;
  hopts.threads = config.threads;
  hopts.max_body_bytes = config.max_body_bytes;
  hopts.max_header_bytes = config.max_header_bytes;
  hopts.max_connections = config.max_connections;
  hopts.max_connections_per_address = config.max_connections_per_address;
  hopts.first_byte_timeout = config.first_byte_timeout;
  hopts.idle_timeout = config.idle_timeout;
  hopts.read_timeout = config.read_timeout;
  hopts.tls_cert_file = config.tls_cert_file;
  hopts.tls_key_file = config.tls_key_file;
  // Declared before the server, so it is destroyed after the server's Wait
  // (which waits for every request it was given to be answered).
  // Secret changes for the agents' long polls (issue 23): noted by the
  // pipeline, published by the batcher after each COMMIT.
  ChangeFeed changes;
  pipeline.SetChangeFeed(&changes);
  // Several nodes over one database (issue 24): the leader runs the
  // background work; secret changes reach the other nodes' feeds. Declared
  // between the feed and the batcher, its last publisher.
  auto cluster = Cluster::Start(*dd->store, changes);
  if (!cluster.ok()) {
    LogError("cannot start the leader election and change notices",
             {{"error", cluster.status().ToString()}});
    return 1;
  }
  auto is_leader = [c = cluster->get()] { return c->IsLeader(); };
  WriteBatcher batcher(*dd->store, WriteBatcher::kDefaultMaxBatch, &changes);
  // The audit trail (issue 20): every request's record is durable before
  // its answer; "off" leaves it out.
  audit::AuditLog audit_log;
  const std::string audit_path =
      config.audit_log.empty() ? config.data_dir + "/audit.log" : config.audit_log;
  const bool audit_on = config.audit_log != "off";
  if (audit_on) {
    if (Status opened = audit_log.Open(audit_path); !opened.ok()) {
      LogError("cannot open the audit trail", {{"path", audit_path}, {"error", opened.message()}});
      return 1;
    }
    LogInfo("audit trail", {{"path", audit_path}});
  } else {
    LogWarn("audit trail is off (--audit-log off): requests are not recorded");
  }
  Metrics metrics;
  std::atomic<const http::Server*> live_server{nullptr};
  AddMetricCollectors(metrics, live_server, batcher, audit_on ? &audit_log : nullptr, credentials);
  pipeline.SetMetrics(&metrics);
  // /ready answers 503 from the moment a stop begins (docs/operations.md).
  std::atomic<bool> draining{false};
  pipeline.SetDraining([&draining] { return draining.load(std::memory_order_relaxed); });
  WriteOffload write_offload(pipeline, batcher, audit_on ? &audit_log : nullptr, &clock, &metrics);
  hopts.blocking = &Pipeline::MayBlock;
  hopts.offload = &write_offload;
  auto server = http::Server::Start(
      hopts,
      [&write_offload](const http::Request& req, http::Response& res) {
        write_offload.Handle(req, res);
      },
      [&pipeline](int status, std::string_view reason) {
        return pipeline.TransportError(status, reason);
      });
  if (!server.ok()) {
    LogError("cannot listen",
             {{"listen", config.listen_host + ":" + std::to_string(config.listen_port)},
              {"error", server.status().message()}});
    return 1;
  }
  std::optional<Purger> purger(std::in_place, secrets, kms, config.purge_interval, is_leader);
  live_server.store(server->get(), std::memory_order_release);

  std::string host = config.listen_host.find(':') != std::string::npos
                         ? "[" + config.listen_host + "]"
                         : config.listen_host;
  std::string url = std::string((*server)->tls() ? "https" : "http") + "://" + host + ":" +
                    std::to_string((*server)->port());
  std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);
  LogInfo("listening",
          {{"url", url}, {"region", config.region}, {"credentials", dd->credentials_path}});
  // The console signs with WebCrypto, which browsers offer only in a secure
  // context: https, or http to a loopback host.
  if ((*server)->tls() || IsLoopbackHost(config.listen_host)) {
    LogInfo("web console", {{"url", url + "/console/"}});
  } else {
    LogWarn("web console needs https on a non-loopback address (browsers sign only in a "
            "secure context): serve with --tls-cert/--tls-key",
            {{"url", url + "/console/"}});
  }

  rotation.Start(secrets, sts, url, is_leader);

  int sig = 0;
  while (sigwait(&stop_signals, &sig) == 0 && sig == SIGHUP) rotation.Reload();
  LogInfo("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  draining.store(true, std::memory_order_relaxed);
  rotation.Stop();  // running steps finish against the live server
  // Answers the parked watches first: the server's Stop waits for every
  // request in progress (a watch that arrives after this is answered at once).
  changes.Shutdown();
  (*server)->Stop();
  (*server)->Wait();
  audit_log.Stop();
  purger.reset();
  (*cluster)->Stop();  // the leadership goes to another node at once
  credentials.Stop();
  dd->store->Close();
  LogInfo("stopped");
  return 0;
}

}  // namespace coffer::server
