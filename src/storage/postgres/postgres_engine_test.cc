// What only the PostgreSQL engine has: its migrations and their lock, the
// pool's reconnects, write serialisation across two stores (two nodes) on one
// database, session loss, and the column types of sealed data.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/postgres_test_util.h"
#include "storage/postgres/schema.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::postgres {
namespace {

using storage::testing::kAccount;
using storage::testing::kRegion;
using storage::testing::MinimalSecret;
using testing::FreshDatabaseUrl;
using testing::OpenStore;
using testing::PgTestServer;

class PostgresEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PgTestServer::Get();
    ASSERT_NE(server_, nullptr) << "no PostgreSQL server";
    url_ = FreshDatabaseUrl();
    db_ = url_.substr(url_.rfind('/') + 1);
    db_ = db_.substr(0, db_.find('?'));
  }

  std::unique_ptr<pg::Connection> Session() {
    auto conn = pg::Connection::OpenUrl(url_, "coffer-test", 10);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(conn).value() : nullptr;
  }

  // The single BIGINT a query returns.
  int64_t Scalar(const std::string& sql) {
    auto conn = Session();
    if (!conn) return -1;
    auto rows = conn->Run(sql, "test");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? rows->Int(0, 0) : -1;
  }

  // Ends every session of this database the engine opened.
  void TerminateEngineSessions() {
    server_->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ +
                  "' AND application_name = 'coffer'");
  }

  PgTestServer* server_ = nullptr;
  std::string url_;
  std::string db_;
};

int64_t InsertCommitted(Store& store, const SecretRecord& r) {
  auto txn = store.Begin(TxnMode::kWrite);
  if (!txn.ok()) return 0;
  auto id = (*txn)->InsertSecret(r);
  if (!id.ok() || !(*txn)->Commit().ok()) return 0;
  return *id;
}

bool Visible(Store& store, const std::string& name) {
  auto txn = store.Begin(TxnMode::kRead);
  if (!txn.ok()) return false;
  auto got = (*txn)->GetSecretByName(kAccount, kRegion, name);
  return got.ok() && got->has_value();
}

TEST_F(PostgresEngineTest, TwoStartersMigrateOnce) {
  constexpr int kStarters = 4;
  std::vector<int> applied(kStarters, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&, i] {
      auto conn = pg::Connection::OpenUrl(url_, "coffer-test", 10);
      ASSERT_TRUE(conn.ok()) << conn.status().ToString();
      auto n = Migrate(**conn);
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      applied[i] = *n;
    });
  }
  for (auto& t : threads) t.join();
  int total = 0;
  for (int n : applied) total += n;
  EXPECT_EQ(total, 1);  // one migration (10), applied by exactly one starter
  EXPECT_EQ(Scalar("SELECT count(*) FROM coffer_schema"), 1);
  EXPECT_EQ(Scalar("SELECT max(version) FROM coffer_schema"), kPgSchemaVersion);
  // Stores opened at once on the migrated database work side by side.
  std::vector<std::unique_ptr<Store>> stores(2);
  std::thread a([&] { stores[0] = OpenStore(url_); });
  std::thread b([&] { stores[1] = OpenStore(url_); });
  a.join();
  b.join();
  ASSERT_NE(stores[0], nullptr);
  ASSERT_NE(stores[1], nullptr);
  ASSERT_NE(InsertCommitted(*stores[0], MinimalSecret("one")), 0);
  EXPECT_TRUE(Visible(*stores[1], "one"));
}

TEST_F(PostgresEngineTest, RefusesADatabaseOfANewerSchema) {
  ASSERT_NE(OpenStore(url_), nullptr);
  server_->Exec("INSERT INTO coffer_schema VALUES (99, 0)", db_);
  auto store = OpenPostgresStore(url_, PostgresOptions());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}

TEST_F(PostgresEngineTest, SealedColumnsAreByteaAndTimesBigint) {
  ASSERT_NE(OpenStore(url_), nullptr);
  auto conn = Session();
  ASSERT_NE(conn, nullptr);
  auto rows = conn->Run(
      "SELECT table_name::text || '.' || column_name::text, data_type::text "
      "FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND (column_name LIKE 'sealed%' OR column_name LIKE '%\\_ms') ORDER BY 1",
      "test");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  int sealed = 0;
  for (int i = 0; i < rows->size(); ++i) {
    const std::string column = rows->Text(i, 0);
    if (column.find(".sealed") != std::string::npos) {
      EXPECT_EQ(rows->Text(i, 1), "bytea") << column;
      ++sealed;
    } else {
      EXPECT_EQ(rows->Text(i, 1), "bigint") << column;
    }
  }
  EXPECT_EQ(sealed, 3);  // access_keys, kms_key_materials, secret_versions
}

TEST_F(PostgresEngineTest, ReconnectsAfterItsSessionsAreTerminated) {
  auto store = OpenStore(url_);
  ASSERT_NE(store, nullptr);
  ASSERT_NE(InsertCommitted(*store, MinimalSecret("before")), 0);
  ASSERT_TRUE(Visible(*store, "before"));  // the pool now holds idle sessions
  TerminateEngineSessions();
  // Begin finds its idle session dead and takes a new one, for reads and writes.
  EXPECT_TRUE(Visible(*store, "before"));
  EXPECT_NE(InsertCommitted(*store, MinimalSecret("after")), 0);
  EXPECT_TRUE(Visible(*store, "after"));
}

TEST_F(PostgresEngineTest, ASessionLostMidTransactionFailsThatTransactionOnly) {
  auto store = OpenStore(url_);
  ASSERT_NE(store, nullptr);
  auto txn = store->Begin(TxnMode::kWrite);
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  ASSERT_TRUE((*txn)->InsertSecret(MinimalSecret("lost")).ok());
  TerminateEngineSessions();
  Result<int64_t> more = (*txn)->InsertSecret(MinimalSecret("lost-too"));
  EXPECT_EQ(more.status().code(), StatusCode::kUnavailable) << more.status().ToString();
  EXPECT_FALSE((*txn)->Commit().ok());
  txn = Result<std::unique_ptr<Txn>>(Status::Internal("reset"));
  EXPECT_FALSE(Visible(*store, "lost"));
  EXPECT_NE(InsertCommitted(*store, MinimalSecret("next")), 0);
}

// A batch whose session died and whose reconnect failed (the server down)
// answers its later Txns with kUnavailable rather than using no session.
TEST_F(PostgresEngineTest, ABatchWhoseReconnectFailedRefusesItsLaterTxns) {
  server_->Exec("DROP ROLE IF EXISTS coffer_batch_role");
  server_->Exec("CREATE ROLE coffer_batch_role LOGIN PASSWORD 'batch-pw'");
  server_->Exec("ALTER DATABASE " + db_ + " OWNER TO coffer_batch_role");
  server_->Exec("ALTER SCHEMA public OWNER TO coffer_batch_role", db_);
  auto store = OpenStore(server_->Url(db_, "coffer_batch_role", "batch-pw"));
  ASSERT_NE(store, nullptr);
  auto batch = store->BeginBatch();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  server_->Exec("ALTER ROLE coffer_batch_role NOLOGIN");
  TerminateEngineSessions();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto first = store->Begin(TxnMode::kWrite);
  EXPECT_FALSE(first.ok());
  auto second = store->Begin(TxnMode::kWrite);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable) << second.status().ToString();
  (void)(*batch)->Commit();  // nothing of it began: nothing to commit
  batch = Result<std::unique_ptr<Batch>>(Status::Internal("reset"));
  server_->Exec("ALTER ROLE coffer_batch_role LOGIN");
  EXPECT_NE(InsertCommitted(*store, MinimalSecret("after")), 0);
  store.reset();
  server_->Exec("ALTER DATABASE " + db_ + " OWNER TO postgres");
}

TEST_F(PostgresEngineTest, WritesOfTwoStoresAreSerialisedAndConflictsSurface) {
  auto a = OpenStore(url_);
  auto b = OpenStore(url_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto first = a->Begin(TxnMode::kWrite);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->InsertSecret(MinimalSecret("shared")).ok());
  std::atomic<bool> began{false};
  Status second_insert;
  std::thread other([&] {
    auto second = b->Begin(TxnMode::kWrite);  // waits for a's advisory lock
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    began = true;
    second_insert = (*second)->InsertSecret(MinimalSecret("shared")).status();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(began.load());  // the other node's writer waits
  ASSERT_TRUE((*first)->Commit().ok());
  other.join();
  EXPECT_TRUE(began.load());
  EXPECT_EQ(second_insert.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(second_insert.reason(), "Conflict");
}

TEST_F(PostgresEngineTest, ReadModifyWriteAcrossTwoStoresLosesNoUpdate) {
  auto a = OpenStore(url_);
  auto b = OpenStore(url_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  {
    auto txn = a->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->PutAccount({kAccount, 0}).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  constexpr int kEach = 30;
  auto bump = [&](Store* store) {
    for (int i = 0; i < kEach; ++i) {
      auto txn = store->Begin(TxnMode::kWrite);
      ASSERT_TRUE(txn.ok());
      auto account = (*txn)->GetAccount(kAccount);
      ASSERT_TRUE(account.ok() && account->has_value());
      ASSERT_TRUE((*txn)->PutAccount({kAccount, (*account)->created_ms + 1}).ok());
      ASSERT_TRUE((*txn)->Commit().ok());
    }
  };
  std::thread t1(bump, a.get());
  std::thread t2(bump, b.get());
  t1.join();
  t2.join();
  EXPECT_EQ(Scalar("SELECT created_ms FROM accounts"), 2 * kEach);
}

TEST_F(PostgresEngineTest, PoolIsBoundedAndWaitsForAFreeSession) {
  PostgresOptions options;
  options.pool_size = 2;
  options.acquire_timeout = std::chrono::milliseconds(200);
  auto store = OpenStore(url_, options);
  ASSERT_NE(store, nullptr);
  auto r1 = store->Begin(TxnMode::kRead);
  auto r2 = store->Begin(TxnMode::kRead);
  ASSERT_TRUE(r1.ok() && r2.ok());
  auto r3 = store->Begin(TxnMode::kRead);
  EXPECT_EQ(r3.status().code(), StatusCode::kUnavailable);
  (*r1).reset();
  auto r4 = store->Begin(TxnMode::kRead);
  EXPECT_TRUE(r4.ok()) << r4.status().ToString();
}

TEST_F(PostgresEngineTest, AWrongPasswordIsUnavailableAndNotRepeated) {
  const std::string url = server_->Url(db_, PgTestServer::kSuperuser, "not-the-password-xyz");
  auto store = OpenPostgresStore(url, PostgresOptions());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.status().message().find("not-the-password-xyz"), std::string::npos);
}

// Last: restarts the shared server.
TEST_F(PostgresEngineTest, ZReconnectsAfterTheServerRestarts) {
  auto store = OpenStore(url_);
  ASSERT_NE(store, nullptr);
  ASSERT_NE(InsertCommitted(*store, MinimalSecret("kept")), 0);
  ASSERT_TRUE(Visible(*store, "kept"));
  ASSERT_TRUE(server_->Restart());
  EXPECT_TRUE(Visible(*store, "kept"));  // the acknowledged write survived
  EXPECT_NE(InsertCommitted(*store, MinimalSecret("after-restart")), 0);
  EXPECT_TRUE(Visible(*store, "after-restart"));
}

}  // namespace
}  // namespace coffer::storage::postgres
