// Test-only: one throwaway PostgreSQL server for the functions tests,
// started on first use by tests/lib/pg_server.py and stopped when the test
// program ends (a gtest Environment). Tests call PgTestServer::Get() and skip
// when it returns null (no PostgreSQL installed).
//
// Thread-safety: Get() is for the test's main thread.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <memory>
#include <string>

#include "functions/postgres_db.h"

namespace coffer::functions::testing {

class PgTestServer {
 public:
  static constexpr char kSuperuser[] = "postgres";
  static constexpr char kSuperuserPassword[] = "coffer-test-superuser-pw";

  // The running server, or null (with the reason printed) when it cannot
  // start.
  static PgTestServer* Get() {
    static PgTestServer* server = Start();
    return server;
  }

  const std::string& port() const { return port_; }

  // A secret for `user` on this server (plain TCP on 127.0.0.1).
  PostgresSecret SecretFor(const std::string& user, const std::string& password) const {
    PostgresSecret s;
    s.engine = "postgres";
    s.host = "127.0.0.1";
    s.port = port_;
    s.username = user;
    s.password = SecureString(std::string_view(password));
    s.sslmode = "disable";
    return s;
  }
  PostgresSecret Superuser() const { return SecretFor(kSuperuser, kSuperuserPassword); }

  // Runs `sql` as the superuser; fails the test on error.
  void Exec(const std::string& sql) const {
    LibpqConnector db;
    auto conn = db.Connect(Superuser());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status s = (*conn)->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  bool CanLogin(const std::string& user, const std::string& password) const {
    LibpqConnector db;
    return db.Connect(SecretFor(user, password)).ok();
  }

  void Stop() {
    if (dir_.empty()) return;
    std::string cmd = Script() + " stop " + dir_ + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "pg_server.py stop failed\n");
    dir_.clear();
  }

 private:
  static std::string Script() {
    return std::string("/usr/bin/python3 ") + COFFER_SOURCE_DIR + "/tests/lib/pg_server.py";
  }

  static PgTestServer* Start() {
    char tmpl[] = "/tmp/coffer-pgtest-XXXXXX";
    if (!mkdtemp(tmpl)) return nullptr;
    auto server = std::make_unique<PgTestServer>();
    server->dir_ = tmpl;
    std::string cmd = Script() + " start " + server->dir_ + " --password " + kSuperuserPassword;
    FILE* out = popen(cmd.c_str(), "r");
    if (!out) return nullptr;
    char line[64] = {0};
    bool got = std::fgets(line, sizeof line, out) != nullptr;
    int rc = pclose(out);
    if (!got || rc != 0) {
      std::fprintf(stderr, "cannot start PostgreSQL with %s\n", cmd.c_str());
      server->dir_.clear();
      return nullptr;
    }
    server->port_ = line;
    while (!server->port_.empty() && (server->port_.back() == '\n')) server->port_.pop_back();
    PgTestServer* raw = server.release();
    ::testing::AddGlobalTestEnvironment(new StopAtEnd(raw));
    return raw;
  }

  // Stops the server when the test program's tests are done.
  class StopAtEnd : public ::testing::Environment {
   public:
    explicit StopAtEnd(PgTestServer* s) : s_(s) {}
    void TearDown() override { s_->Stop(); }

   private:
    PgTestServer* s_;
  };

  std::string dir_;
  std::string port_;
};

}  // namespace coffer::functions::testing
