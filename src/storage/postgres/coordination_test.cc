// The PostgreSQL engine's Coordination (leader_election.h, notice_channel.h):
// one leader among several nodes, handed over when the leader stops or loses
// its session; notices between nodes, and the word after a lost channel.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/thread_annotations.h"
#include "storage/coordination.h"
#include "storage/postgres/leader_election.h"
#include "storage/postgres/notice_channel.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/postgres_test_util.h"

namespace coffer::storage::postgres {
namespace {

using namespace std::chrono_literals;
using testing::FreshDatabaseUrl;
using testing::PgTestServer;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

class CoordinationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PgTestServer::Get();
    ASSERT_NE(server_, nullptr) << "no PostgreSQL server";
    url_ = FreshDatabaseUrl();
    db_ = url_.substr(url_.rfind('/') + 1);
    db_ = db_.substr(0, db_.find('?'));
  }
  void Terminate(const std::string& application) {
    server_->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_ +
                  "' AND application_name = '" + application + "'");
  }
  std::unique_ptr<PgLeaderElection> Elect(std::atomic<int>* changes = nullptr) {
    LeaderElectionOptions options;
    options.retry_interval = 200ms;
    if (changes) options.on_change = [changes](bool) { ++*changes; };
    return std::make_unique<PgLeaderElection>(url_, std::move(options));
  }
  int Leaders(const std::vector<std::unique_ptr<PgLeaderElection>>& nodes) {
    int n = 0;
    for (const auto& e : nodes) n += e && e->IsLeader() ? 1 : 0;
    return n;
  }

  PgTestServer* server_ = nullptr;
  std::string url_;
  std::string db_;
};

TEST_F(CoordinationTest, OneLeaderAmongThreeAndHandOverOnStop) {
  std::vector<std::unique_ptr<PgLeaderElection>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(Elect());
  ASSERT_TRUE(WaitFor([&] { return Leaders(nodes) == 1; }));
  std::this_thread::sleep_for(600ms);  // a few rounds: still one
  EXPECT_EQ(Leaders(nodes), 1);
  for (auto& e : nodes) {
    if (e->IsLeader()) {
      e->Stop();
      EXPECT_FALSE(e->IsLeader());
      e.reset();
      break;
    }
  }
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return Leaders(nodes) == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, 2s);
}

TEST_F(CoordinationTest, LeaderThatLosesItsSessionStepsDownAndOneTakesOver) {
  std::atomic<int> changes{0};
  std::vector<std::unique_ptr<PgLeaderElection>> nodes;
  nodes.push_back(Elect(&changes));
  ASSERT_TRUE(WaitFor([&] { return nodes[0]->IsLeader(); }));
  nodes.push_back(Elect());
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(nodes[1]->IsLeader());
  Terminate("coffer-leader");  // both sessions: the lock is free
  ASSERT_TRUE(WaitFor([&] { return changes.load() >= 2; })) << "the leader did not notice";
  ASSERT_TRUE(WaitFor([&] { return Leaders(nodes) == 1; }));
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(Leaders(nodes), 1);
}

TEST_F(CoordinationTest, CoordinationIsACapabilityOfThePostgresStore) {
  std::unique_ptr<Store> store = testing::OpenStore(url_);
  ASSERT_NE(store, nullptr);
  auto* coordination = dynamic_cast<Coordination*>(store.get());
  ASSERT_NE(coordination, nullptr);
  std::atomic<bool> leader{false};
  LeaderElectionOptions options;
  options.retry_interval = 200ms;
  options.on_change = [&leader](bool is) { leader = is; };
  auto election = coordination->StartLeaderElection(std::move(options));
  ASSERT_TRUE(election.ok());
  EXPECT_TRUE(WaitFor([&] { return leader.load() && (*election)->IsLeader(); }));
  (*election)->Stop();
  EXPECT_FALSE(leader.load());
  NoticeChannelOptions bad;
  bad.channel = "Bad-Name; DROP";
  EXPECT_FALSE(coordination->OpenNoticeChannel(std::move(bad)).ok());
}

// A listener that records what it hears.
struct Ear {
  Mutex mu;
  std::vector<std::string> heard GUARDED_BY(mu);
  std::atomic<int> reconnects{0};
  NoticeChannelOptions Options() {
    NoticeChannelOptions o;
    o.channel = "coffer_test_changes";
    o.reconnect_interval = 100ms;
    o.on_notice = [this](std::string_view p) {
      MutexLock lock(mu);
      heard.emplace_back(p);
    };
    o.on_reconnect = [this] { ++reconnects; };
    return o;
  }
  bool Heard(const std::string& p) {
    MutexLock lock(mu);
    for (const auto& h : heard)
      if (h == p) return true;
    return false;
  }
};

TEST_F(CoordinationTest, NoticesReachEveryListenerAndSurviveALostSession) {
  Ear a, b;
  auto ca = PgNoticeChannel::Start(url_, a.Options());
  auto cb = PgNoticeChannel::Start(url_, b.Options());
  ASSERT_TRUE(ca.ok() && cb.ok());
  // Both listen once their first session is up: wait for a notice to arrive.
  ASSERT_TRUE(WaitFor([&] {
    (*ca)->Send("ping");
    return b.Heard("ping") && a.Heard("ping");
  }));
  const auto sent = std::chrono::steady_clock::now();
  (*ca)->Send("{\"n\":1}");
  (*ca)->Send("{\"n\":2}");
  ASSERT_TRUE(WaitFor([&] { return b.Heard("{\"n\":1}") && b.Heard("{\"n\":2}"); }));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 1s);
  EXPECT_TRUE(a.Heard("{\"n\":2}")) << "a session hears its own notices";
  EXPECT_EQ(a.reconnects.load(), 0);
  (*ca)->Send(std::string(PgNoticeChannel::kMaxPayload + 1, 'x'));  // dropped, not fatal

  Terminate("coffer-notices");
  ASSERT_TRUE(WaitFor([&] { return a.reconnects.load() >= 1 && b.reconnects.load() >= 1; }));
  (*cb)->Send("after");
  EXPECT_TRUE(WaitFor([&] { return a.Heard("after"); }));
  (*ca)->Stop();
  (*cb)->Stop();
}

TEST_F(CoordinationTest, NoticeChannelNames) {
  EXPECT_TRUE(PgNoticeChannel::ValidChannel("coffer_changes"));
  EXPECT_TRUE(PgNoticeChannel::ValidChannel("_x9"));
  EXPECT_FALSE(PgNoticeChannel::ValidChannel(""));
  EXPECT_FALSE(PgNoticeChannel::ValidChannel("9x"));
  EXPECT_FALSE(PgNoticeChannel::ValidChannel("Coffer"));
  EXPECT_FALSE(PgNoticeChannel::ValidChannel("a\"; DROP"));
  EXPECT_FALSE(PgNoticeChannel::ValidChannel(std::string(64, 'a')));
}

}  // namespace
}  // namespace coffer::storage::postgres
