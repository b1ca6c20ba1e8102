// ServiceParts: what every in-process service built outside the server
// stands on (the operation tests' ServiceTestBase, the fuzz targets'
// FuzzStore, the micro-benchmarks' Fixture): a SQLite store in a fresh
// private directory, a Barrier over a root key and a Keyring; and the request
// context they all use. Close() (or destruction) tears them down in order:
// keyring, store (closed), directory. A Service built over the parts must be
// destroyed first. Test-only, header-only (the users link coffer_sqlite).
// src/testing holds the test support the service modules share; it is no
// module of its own (the namespace is still crypto::testing).
//
// Thread-safety: opened and closed by one thread; the parts are as
// thread-safe as they are themselves.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "coffer/result.h"
#include "common/clock.h"
#include "common/request_context.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::crypto::testing {

struct ServiceParts {
  std::string dir;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<Barrier> barrier;
  std::unique_ptr<Keyring> keyring;

  ServiceParts() = default;
  ServiceParts(const ServiceParts&) = delete;
  ServiceParts& operator=(const ServiceParts&) = delete;
  ~ServiceParts() { Close(); }

  // Makes a private directory under `base` and opens the parts in it.
  Status Open(const std::string& base, const Clock& clock, SecureString root_key) {
    std::string tmpl = base + "/coffer-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return Status::Internal("mkdtemp failed");
    dir = tmpl;
    auto opened = storage::OpenSqliteStore(db_path(), storage::SqliteOptions{});
    if (!opened.ok()) return opened.status();
    store = std::move(*opened);
    barrier = std::make_unique<Barrier>(std::move(root_key));
    keyring = std::make_unique<Keyring>(*barrier, clock);
    return Status::Ok();
  }

  std::string db_path() const { return dir + "/coffer.db"; }

  void Close() {
    keyring.reset();
    if (store) store->Close();
    store.reset();
    barrier.reset();
    if (dir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    dir.clear();
  }
};

// The caller of every such stack: the root of account 123456789012 in us-east-1.
inline RequestContext TestContext() {
  RequestContext ctx;
  ctx.request_id = "req-1";
  ctx.account_id = "123456789012";
  ctx.region = "us-east-1";
  ctx.principal_arn = "arn:aws:iam::123456789012:root";
  return ctx;
}

}  // namespace coffer::crypto::testing
