#include "functions/postgres_db.h"

#include <gtest/gtest.h>

#include "pg/pg_test_server.h"

namespace coffer::functions {
namespace {

using pg::testing::PgTestServer;

// A secret for `user` on the test server (plain TCP on 127.0.0.1).
PostgresSecret SecretFor(const PgTestServer& pg, const std::string& user,
                         const std::string& password) {
  PostgresSecret s;
  s.engine = "postgres";
  s.host = "127.0.0.1";
  s.port = pg.port();
  s.username = user;
  s.password = SecureString(std::string_view(password));
  s.sslmode = "disable";
  return s;
}

// A connection object that never connected: libpq still escapes with it,
// assuming standard_conforming_strings off (the safe side: E'' literals).
struct OfflineConn {
  OfflineConn() {
    const char* keys[] = {"host", "connect_timeout", nullptr};
    const char* values[] = {"/nonexistent-coffer-socket-dir", "1", nullptr};
    conn = PQconnectdbParams(keys, values, 0);
  }
  ~OfflineConn() { PQfinish(conn); }
  PGconn* conn;
};

TEST(BuildAlterUserSqlTest, QuotesTheIdentifierAndTheLiteral) {
  OfflineConn c;
  ASSERT_NE(c.conn, nullptr);
  ASSERT_NE(PQstatus(c.conn), CONNECTION_OK);
  auto sql = BuildAlterUserSql(c.conn, "app", "s3cret");
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(sql->view(), "ALTER USER \"app\" WITH PASSWORD 's3cret'");

  sql = BuildAlterUserSql(c.conn, "we\"ird User", "it's");
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->view(), "ALTER USER \"we\"\"ird User\" WITH PASSWORD 'it''s'");

  // A backslash makes libpq use an E'' literal with the backslash doubled.
  sql = BuildAlterUserSql(c.conn, "app", "a\\b'; DROP ROLE app; --");
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->view(), "ALTER USER \"app\" WITH PASSWORD  E'a\\\\b''; DROP ROLE app; --'");
}

TEST(BuildAlterUserSqlTest, NoConnection) {
  EXPECT_FALSE(BuildAlterUserSql(nullptr, "app", "pw").ok());
}

TEST(LibpqConnectorTest, UnreachableServerIsUnavailableWithoutThePassword) {
  PostgresSecret s;
  s.host = "127.0.0.1";
  s.port = "1";
  s.username = "app";
  s.password = SecureString(std::string_view("do-not-show-me"));
  s.sslmode = "disable";
  LibpqConnector db;
  auto conn = db.Connect(s);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(conn.status().message().find("as app at 127.0.0.1:1"), std::string::npos);
  EXPECT_EQ(conn.status().message().find("do-not-show-me"), std::string::npos);
}

// Against a real server: the single-user scheme, the role changing its own
// password, with names and passwords that need quoting.
TEST(LibpqConnectorTest, RoleChangesItsOwnPassword) {
  PgTestServer* pg = PgTestServer::Get();
  if (!pg) GTEST_SKIP() << "no PostgreSQL";
  const std::string user = "Db\"User one";
  const std::string old_pw = "old-pw";
  const std::string new_pw = "n'e\\w \"pw\" ;--";
  pg->Exec("DROP ROLE IF EXISTS \"Db\"\"User one\"");
  pg->Exec("CREATE ROLE \"Db\"\"User one\" LOGIN PASSWORD 'old-pw'");

  LibpqConnector db;
  auto conn = db.Connect(SecretFor(*pg, user, old_pw));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE((*conn)->SetPassword(user, new_pw).ok());
  ASSERT_TRUE((*conn)->Execute("SELECT NOW()").ok());
  conn = db.Connect(SecretFor(*pg, user, new_pw));
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_TRUE((*conn)->Execute("SELECT NOW()").ok());
  EXPECT_FALSE(pg->CanLogin(user, old_pw));

  Status bad = (*conn)->Execute("SELECT * FROM no_such_table");
  EXPECT_EQ(bad.code(), StatusCode::kUnavailable);
  EXPECT_NE(bad.message().find("no_such_table"), std::string::npos);
}

TEST(LibpqConnectorTest, DbnameIsNotAConninfoString) {
  PgTestServer* pg = PgTestServer::Get();
  if (!pg) GTEST_SKIP() << "no PostgreSQL";
  PostgresSecret s = SecretFor(*pg, PgTestServer::kSuperuser, PgTestServer::kSuperuserPassword);
  s.dbname = "host=10.255.255.1 dbname=postgres";
  LibpqConnector db;
  auto conn = db.Connect(s);
  ASSERT_FALSE(conn.ok());
  // The whole text was taken as a database name on the same server.
  EXPECT_NE(conn.status().message().find("does not exist"), std::string::npos)
      << conn.status().message();
}

}  // namespace
}  // namespace coffer::functions
