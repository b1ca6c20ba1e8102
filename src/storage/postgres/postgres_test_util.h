// Test-only: fresh databases on the test program's throwaway PostgreSQL
// (pg/pg_test_server.h), one per store under test.
//
// Thread-safety: for the test's main thread.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "pg/pg_test_server.h"
#include "storage/postgres/postgres_store.h"

namespace coffer::storage::postgres::testing {

using pg::testing::PgTestServer;

// Creates an empty database and returns its URL ("" when no server).
inline std::string FreshDatabaseUrl() {
  static std::atomic<int> counter{0};
  PgTestServer* server = PgTestServer::Get();
  if (server == nullptr) return "";
  const std::string name = "coffer_t" + std::to_string(++counter);
  server->Exec("DROP DATABASE IF EXISTS " + name);
  server->Exec("CREATE DATABASE " + name);
  return server->Url(name);
}

inline std::unique_ptr<Store> OpenStore(const std::string& url,
                                        const PostgresOptions& options = PostgresOptions()) {
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(url, options);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

}  // namespace coffer::storage::postgres::testing
