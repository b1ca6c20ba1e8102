#include "server/admin.h"

#include "server/bootstrap.h"

#include "iam/principals.h"

#include <openssl/crypto.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/file_util.h"
#include "common/secure_string.h"
#include "crypto/barrier.h"
#include "server/access_keys.h"
#include "server/config.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::server {
namespace {

struct AdminArgs {
  std::string data_dir;
  std::string root_key_file;
  std::string access_key_id;
  std::string account_id;
  std::string principal_arn;
  std::string name;
  std::string credentials_out;
};

// The opened data directory: its store and the root key's barrier.
struct Opened {
  std::unique_ptr<crypto::Barrier> barrier;
  std::unique_ptr<storage::Store> store;
};

int Fail(const std::string& what) {
  std::fprintf(stderr, "coffer admin: %s\n", what.c_str());
  return 1;
}

// Loads the root key as serve does (flag, then environment, then
// DIR/root.key; never creates one) and opens the existing database, which
// serve may have open too. With `check_root_key`, some access key must open
// (else the root key is the wrong one), and rows sealed before schema 7 are
// resealed as serve would at start.
Result<Opened> Open(const AdminArgs& args, bool check_root_key) {
  Config config;
  COFFER_RETURN_IF_ERROR(ApplyEnvironment(config));
  if (!args.data_dir.empty()) config.data_dir = args.data_dir;
  if (!args.root_key_file.empty()) config.root_key_file = args.root_key_file;
  COFFER_ASSIGN_OR_RETURN(SecureString root, LoadExistingRootKey(config));
  Opened o;
  o.barrier = std::make_unique<crypto::Barrier>(std::move(root));
  if (!config.store_url.empty()) {  // COFFER_STORE_URL: the PostgreSQL engine
    COFFER_ASSIGN_OR_RETURN(
        o.store, storage::OpenPostgresStore(config.store_url, storage::PostgresOptions()));
  } else {
    storage::SqliteOptions sopts;
    sopts.create_if_missing = false;
    COFFER_ASSIGN_OR_RETURN(o.store,
                            storage::OpenSqliteStore(config.data_dir + "/coffer.db", sopts));
  }
  if (!check_root_key) return o;
  COFFER_RETURN_IF_ERROR(CheckRootKeyOpensAccessKeys(*o.store, *o.barrier));
  COFFER_RETURN_IF_ERROR(ResealLegacyAccessKeys(*o.store, *o.barrier).status());
  return o;
}

Status List(const Opened& o) {
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAllAccessKeys());
  std::printf("%-24s %-14s %-9s %-8s %-14s %s\n", "ACCESS_KEY_ID", "ACCOUNT", "STATUS", "SEAL",
              "CREATED_MS", "PRINCIPAL");
  for (const auto& k : keys) {
    // "refused": the row does not open with its columns (altered), so serve
    // treats the key as unknown whatever its status says.
    const bool opens = OpenAccessKeySecret(*o.barrier, k).ok();
    std::printf("%-24s %-14s %-9s %-8s %-14lld %s\n", k.access_key_id.c_str(), k.account_id.c_str(),
                k.active ? "Active" : "Inactive", opens ? "ok" : "refused",
                static_cast<long long>(k.created_ms), k.principal_arn.c_str());
  }
  return Status::Ok();
}

Status SetActive(const Opened& o, const std::string& id, bool active) {
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto rec, txn->GetAccessKey(id));
  if (!rec) return Status::NotFound("", "no access key " + id);
  auto secret = OpenAccessKeySecret(*o.barrier, *rec);
  if (!secret.ok())
    return Status::FailedPrecondition("",
                                      "access key " + id +
                                          " does not open with its columns (the row was altered); "
                                          "delete it instead");
  if (rec->active != active) {
    rec->active = active;
    COFFER_RETURN_IF_ERROR(SealAccessKeySecret(*o.barrier, secret->view(), *rec));
    COFFER_RETURN_IF_ERROR(txn->PutAccessKey(*rec));
  }
  COFFER_RETURN_IF_ERROR(txn->Commit());
  std::printf("%s %s\n", id.c_str(), active ? "Active" : "Inactive");
  return Status::Ok();
}

Status Delete(const Opened& o, const std::string& id) {
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto rec, txn->GetAccessKey(id));
  if (!rec) return Status::NotFound("", "no access key " + id);
  COFFER_RETURN_IF_ERROR(txn->DeleteAccessKey(id));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  std::printf("%s deleted\n", id.c_str());
  return Status::Ok();
}

Status Create(const Opened& o, const AdminArgs& args) {
  SystemClock clock;
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kWrite));
  std::string account_id = args.account_id;
  if (account_id.empty()) {
    COFFER_ASSIGN_OR_RETURN(auto accounts, txn->ListAccounts());
    if (accounts.empty()) return Status::FailedPrecondition("", "the database has no account");
    account_id = accounts.front().account_id;  // the default account
  } else {
    COFFER_ASSIGN_OR_RETURN(auto account, txn->GetAccount(account_id));
    if (!account) return Status::NotFound("", "no account " + account_id);
  }
  std::string principal_arn = args.principal_arn.empty()
                                  ? "arn:aws:iam::" + account_id + ":user/admin"
                                  : args.principal_arn;
  COFFER_ASSIGN_OR_RETURN(NewAccessKey key,
                          MintAccessKey(*o.barrier, std::move(account_id), std::move(principal_arn),
                                        clock.NowMillis()));
  COFFER_RETURN_IF_ERROR(txn->PutAccessKey(key.record));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  const SecureString out = SharedCredentialsText(key.record.access_key_id, key.secret);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return Status::Ok();
}

// --- accounts ---

std::string FormatUtc(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status ListAccounts(const Opened& o) {
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(auto accounts, txn->ListAccounts());
  std::printf("%-14s %-32s %-9s %s\n", "ACCOUNT_ID", "NAME", "STATUS", "CREATED");
  for (const auto& a : accounts) {
    std::printf("%-14s %-32s %-9s %s\n", a.account_id.c_str(),
                a.name.empty() ? "-" : a.name.c_str(), a.active ? "Active" : "Disabled",
                FormatUtc(a.created_ms).c_str());
  }
  return Status::Ok();
}

// The account and its administrator (arn:aws:iam::ID:user/admin) in one
// transaction. The credentials are written before the commit (as bootstrap
// does): a failed commit leaves a file whose key does not exist, never an
// account whose administrator's secret was lost.
Status CreateAccount(const Opened& o, const AdminArgs& args) {
  COFFER_RETURN_IF_ERROR(ValidateAccountName(args.name));
  SystemClock clock;
  const int64_t now = clock.NowMillis();
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto accounts, txn->ListAccounts());
  for (const auto& a : accounts) {
    if (a.name == args.name) {
      return Status::AlreadyExists(
          "EntityAlreadyExists",
          "an account named \"" + args.name + "\" already exists (" + a.account_id + ")");
    }
  }
  std::string account_id;
  for (int attempt = 0; attempt < 16 && account_id.empty(); ++attempt) {
    std::string id = MintAccountId();
    COFFER_ASSIGN_OR_RETURN(auto taken, txn->GetAccount(id));
    if (!taken) account_id = std::move(id);
  }
  if (account_id.empty()) return Status::Internal("could not find a free account id");
  COFFER_RETURN_IF_ERROR(txn->PutAccount({account_id, now, args.name, true}));
  COFFER_ASSIGN_OR_RETURN(
      NewAccessKey key,
      MintAccessKey(*o.barrier, account_id, "arn:aws:iam::" + account_id + ":user/admin", now));
  COFFER_RETURN_IF_ERROR(txn->PutAccessKey(key.record));
  COFFER_RETURN_IF_ERROR(iam::EnsureAdministrator(*txn, account_id, now));
  const SecureString creds = SharedCredentialsText(key.record.access_key_id, key.secret);
  if (!args.credentials_out.empty()) {
    // kNoReplace: never overwrite another account's credentials.
    Status w = WriteFileAtomic(args.credentials_out, creds.view(), 0600, Placement::kNoReplace);
    if (w.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("", args.credentials_out + " already exists; not overwritten");
    }
    COFFER_RETURN_IF_ERROR(w);
  }
  COFFER_RETURN_IF_ERROR(txn->Commit());
  if (args.credentials_out.empty()) {
    // A '#' comment keeps stdout a valid shared-credentials file.
    std::printf("# account %s (%s), administrator arn:aws:iam::%s:user/admin\n", account_id.c_str(),
                args.name.c_str(), account_id.c_str());
    std::fflush(stdout);
    std::fwrite(creds.data(), 1, creds.size(), stdout);
  } else {
    std::printf("%s\n", account_id.c_str());
  }
  std::fflush(stdout);
  return Status::Ok();
}

// A status change moves the auth generation (schema 8): running servers
// refuse (or accept again) the account's keys within their poll interval.
Status SetAccountActive(const Opened& o, const std::string& id, bool active) {
  COFFER_ASSIGN_OR_RETURN(auto txn, o.store->Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto account, txn->GetAccount(id));
  if (!account) return Status::NotFound("", "no account " + id);
  if (account->active != active) {
    account->active = active;
    COFFER_RETURN_IF_ERROR(txn->PutAccount(*account));
  }
  COFFER_RETURN_IF_ERROR(txn->Commit());
  std::printf("%s %s\n", id.c_str(), active ? "Active" : "Disabled");
  return Status::Ok();
}

}  // namespace

int AdminMain(int argc, char** argv) {
  CLI::App app{"Operator commands on a Coffer data directory (safe while coffer serve runs)",
               "coffer admin"};
  app.require_subcommand(1);
  AdminArgs args;
  auto* keys = app.add_subcommand("access-key", "List, create, deactivate, activate, delete");
  keys->require_subcommand(1);
  auto common = [&args](CLI::App* cmd) {
    cmd->add_option("--data-dir", args.data_dir,
                    "Data directory (default ./data or $COFFER_DATA_DIR)");
    cmd->add_option("--root-key-file", args.root_key_file,
                    "Root key file (else COFFER_ROOT_KEY_FILE, COFFER_ROOT_KEY or DIR/root.key)");
    return cmd;
  };
  auto* list = common(keys->add_subcommand("list", "List every access key (no secrets)"));
  auto* create = common(keys->add_subcommand("create", "Create a key; prints it once"));
  create->add_option("--account-id", args.account_id, "Account (default: the default account)");
  create->add_option("--principal-arn", args.principal_arn,
                     "Principal (default arn:aws:iam::ACCOUNT:user/admin)");
  std::vector<CLI::App*> by_id;
  for (const auto& [name, what] :
       {std::pair{"deactivate", "Refuse the key (status Inactive)"},
        std::pair{"activate", "Accept the key again"},
        std::pair{"delete", "Remove the key (also one whose row was altered)"}}) {
    auto* cmd = common(keys->add_subcommand(name, what));
    cmd->add_option("--access-key-id", args.access_key_id, "The key")->required();
    by_id.push_back(cmd);
  }
  auto* accounts = app.add_subcommand("account", "Create, list, disable, enable accounts");
  accounts->require_subcommand(1);
  auto* account_list = common(accounts->add_subcommand("list", "List every account"));
  auto* account_create = common(accounts->add_subcommand(
      "create", "Create an account and its administrator; prints the account id"));
  account_create
      ->add_option("--name", args.name,
                   "Unique name: 3-63 of [a-z0-9-], no leading, trailing or double '-'")
      ->required();
  account_create->add_option(
      "--credentials-out", args.credentials_out,
      "Write the administrator's credentials here (0600, must not exist); else to stdout");
  auto* account_disable =
      common(accounts->add_subcommand("disable", "Refuse every access key of the account"));
  auto* account_enable =
      common(accounts->add_subcommand("enable", "Accept the account's keys again"));
  for (auto* cmd : {account_disable, account_enable}) {
    cmd->add_option("--account-id", args.account_id, "The account")->required();
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (accounts->parsed()) {
    // Only create needs the root key to open (it seals a new key), and checks it.
    auto opened = Open(args, /*check_root_key=*/account_create->parsed());
    if (!opened.ok()) return Fail(opened.status().message());
    Status s;
    if (account_list->parsed())
      s = ListAccounts(*opened);
    else if (account_create->parsed())
      s = CreateAccount(*opened, args);
    else
      s = SetAccountActive(*opened, args.account_id, account_enable->parsed());
    opened->store->Close();
    return s.ok() ? 0 : Fail(s.message());
  }

  const bool deleting = by_id[2]->parsed();
  // delete needs no key to open: it is how an altered row is removed.
  auto opened = Open(args, /*check_root_key=*/!deleting);
  if (!opened.ok()) return Fail(opened.status().message());
  Status s;
  if (list->parsed())
    s = List(*opened);
  else if (create->parsed())
    s = Create(*opened, args);
  else if (by_id[0]->parsed())
    s = SetActive(*opened, args.access_key_id, false);
  else if (by_id[1]->parsed())
    s = SetActive(*opened, args.access_key_id, true);
  else
    s = Delete(*opened, args.access_key_id);
  opened->store->Close();
  return s.ok() ? 0 : Fail(s.message());
}

}  // namespace coffer::server
