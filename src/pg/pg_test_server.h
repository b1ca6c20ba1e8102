// Test-only: one throwaway PostgreSQL server per test program, started on
// first use by tests/lib/pg_server.py (initdb in a temporary directory, as
// the unprivileged `postgres` user when run as root, on a free loopback
// port) and stopped when the test program ends (a gtest Environment). Tests
// call PgTestServer::Get() and skip when it returns null (no PostgreSQL
// installed). Used by the functions tests (the rotator) and the storage
// engine's tests.
//
// Thread-safety: Get() is for the test's main thread; Url(), Exec() and
// CanLogin() may be called from any thread once it has returned.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "pg/connection.h"

namespace coffer::pg::testing {

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
  const std::string& dir() const { return dir_; }

  // A postgresql:// URL for `user` (default: the superuser) and database
  // `dbname` on this server (plain TCP on 127.0.0.1). Test passwords are URL-safe.
  std::string Url(const std::string& dbname = "postgres", const std::string& user = kSuperuser,
                  const std::string& password = kSuperuserPassword) const {
    return "postgresql://" + user + ":" + password + "@127.0.0.1:" + port_ + "/" + dbname +
           "?sslmode=disable";
  }

  // Runs `sql` as the superuser on `dbname`; fails the test on error.
  void Exec(const std::string& sql, const std::string& dbname = "postgres") const {
    auto conn = Connection::OpenUrl(Url(dbname), "coffer-test", 10);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status s = (*conn)->Exec(sql.c_str(), "test");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Whether `user` logs in with `password` (any characters: keywords, not a URL).
  bool CanLogin(const std::string& user, const std::string& password) const {
    return Connection::Open({{"host", "127.0.0.1"},
                             {"port", port_.c_str()},
                             {"user", user.c_str()},
                             {"password", password.c_str()},
                             {"dbname", "postgres"},
                             {"sslmode", "disable"},
                             {"connect_timeout", "10"}},
                            /*expand_dbname=*/false)
        .ok();
  }

  // Restarts the server (fast shutdown, which ends every session, then
  // start on the same port); true when it is up again.
  bool Restart() const {
    std::string ctl = BinDir() + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                      "/postgres.log -w -t 60 -m fast restart >/dev/null 2>&1";
    std::string run = ::geteuid() == 0 ? "runuser -u postgres -- " + ctl : ctl;
    return std::system(run.c_str()) == 0;
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

  // The bin directory pg_server.py used (recorded in its state file).
  std::string BinDir() const {
    std::string cmd =
        "/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))"
        "[\"bin_dir\"])' " +
        dir_ + "/pg_server.json";
    FILE* out = popen(cmd.c_str(), "r");
    if (!out) return "";
    char line[512] = {0};
    std::string dir = std::fgets(line, sizeof line, out) ? line : "";
    pclose(out);
    while (!dir.empty() && dir.back() == '\n') dir.pop_back();
    return dir;
  }

  static PgTestServer* Start() {
    char tmpl[] = "/tmp/coffer-pgtest-XXXXXX";
    if (!mkdtemp(tmpl)) return nullptr;
    auto server = std::make_unique<PgTestServer>();
    server->dir_ = tmpl;
    // fsync off: these tests never cut the power, and with it on the shutdown
    // checkpoint after ~70 test databases took up to two minutes.
    std::string cmd = Script() + " start " + server->dir_ + " --no-fsync --password " +
                      kSuperuserPassword;
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

}  // namespace coffer::pg::testing
