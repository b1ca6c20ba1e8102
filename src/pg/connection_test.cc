#include "pg/connection.h"

#include <gtest/gtest.h>

#include "pg/pg_test_server.h"

namespace coffer::pg {
namespace {

using testing::PgTestServer;

std::unique_ptr<Connection> Open() {
  PgTestServer* server = PgTestServer::Get();
  if (server == nullptr) return nullptr;
  auto conn = Connection::OpenUrl(server->Url(), "coffer-pg-test", 10);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(conn).value() : nullptr;
}

TEST(PgConnectionTest, ParametersTravelInBinaryAndComeBackAsSent) {
  auto conn = Open();
  ASSERT_NE(conn, nullptr) << "no PostgreSQL";
  const std::string bytes("\0\x01\xff'\"\\x", 7);
  Params p;
  p.Int(-42).Bool(true).Text("it's \"quoted\"; --").Bytes(bytes).OptInt(std::nullopt);
  p.OptText(std::nullopt).IntArray({3, -1}).TextArray({"a", "", "c,d"});
  auto rows = conn->Run(
      "SELECT $1, $2, $3, $4, $5, $6, array_length($7, 1), $7[2], array_length($8, 1), $8[3], "
      "$8[2] = ''",
      p, "test");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Int(0, 0), -42);
  EXPECT_TRUE(rows->Bool(0, 1));
  EXPECT_EQ(rows->Text(0, 2), "it's \"quoted\"; --");
  EXPECT_EQ(rows->Text(0, 3), bytes);
  EXPECT_EQ(rows->OptInt(0, 4), std::nullopt);
  EXPECT_EQ(rows->OptText(0, 5), std::nullopt);
  EXPECT_EQ(rows->Int(0, 6), 2);  // INTEGER (4 bytes) read as a number
  EXPECT_EQ(rows->Int(0, 7), -1);
  EXPECT_EQ(rows->Int(0, 8), 3);
  EXPECT_EQ(rows->Text(0, 9), "c,d");
  EXPECT_TRUE(rows->Bool(0, 10));
  rows = conn->Run("SELECT ARRAY['x', '', NULL, 'it''s'], '{}'::text[], NULL::text[]", "test");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->TextArray(0, 0), (std::vector<std::string>{"x", "", "", "it's"}));
  EXPECT_TRUE(rows->TextArray(0, 1).empty());
  EXPECT_TRUE(rows->TextArray(0, 2).empty());
  Params empty;
  empty.IntArray({});
  rows = conn->Run("SELECT coalesce(array_length($1, 1), 0)", empty, "test");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Int(0, 0), 0);
}

TEST(PgConnectionTest, ErrorsAreMappedAndNameNoValue) {
  auto conn = Open();
  ASSERT_NE(conn, nullptr) << "no PostgreSQL";
  ASSERT_TRUE(conn->Exec("CREATE TEMP TABLE t (k TEXT PRIMARY KEY)", "test").ok());
  Params p;
  p.Text("very-private-key");
  ASSERT_TRUE(conn->Run("INSERT INTO t VALUES ($1)", p, "insert").ok());
  auto dup = conn->Run("INSERT INTO t VALUES ($1)", p, "insert");
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().reason(), "Conflict");
  EXPECT_EQ(dup.status().ToString().find("very-private"), std::string::npos);
  Params bad;
  bad.Text("not-a-number-private");
  auto cast = conn->Run("SELECT $1::bigint", bad, "cast");
  EXPECT_EQ(cast.status().code(), StatusCode::kInternal);
  EXPECT_NE(cast.status().message().find("22P02"), std::string::npos);
  EXPECT_EQ(cast.status().message().find("not-a-number"), std::string::npos);
  auto missing = conn->Run("SELECT * FROM no_such_table", "select");
  EXPECT_NE(missing.status().message().find("no_such_table"), std::string::npos);
  EXPECT_FALSE(conn->broken());
}

TEST(PgConnectionTest, ALostSessionIsUnavailableAndBroken) {
  auto conn = Open();
  auto killer = Open();
  ASSERT_NE(conn, nullptr) << "no PostgreSQL";
  Params pid;
  pid.Int(PQbackendPID(conn->get()));
  ASSERT_TRUE(killer->Run("SELECT pg_terminate_backend($1::int)", pid, "kill").ok());
  Status s = conn->Exec("SELECT 1", "probe");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_TRUE(conn->broken());
}

TEST(PgConnectionTest, AMalformedUrlIsRefusedWithoutQuotingIt) {
  auto conn = Connection::OpenUrl("postgresql://u:se%zzcret@127.0.0.1:1/db", "coffer-pg-test", 2);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(conn.status().message().find("se%zz"), std::string::npos);
}

TEST(PgConnectionTest, AnUnreachableServerIsUnavailable) {
  auto conn = Connection::OpenUrl("postgresql://u:secret-pw@127.0.0.1:1/db", "coffer-pg-test", 2);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(conn.status().message().find("secret-pw"), std::string::npos);
}

}  // namespace
}  // namespace coffer::pg
