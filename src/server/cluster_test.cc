#include "server/cluster.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "pg/pg_test_server.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::server {
namespace {

ChangeFeed::Change Sample() {
  ChangeFeed::Change c;
  c.account_id = "111122223333";
  c.region = "eu-west-1";
  c.arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/\"db\"-AbCdEf";
  c.name = "app/\"db\"";
  c.event = "PutSecretValue";
  c.time_ms = 1765170000123;
  return c;
}

TEST(ClusterTest, NoticeRoundTripsWithoutAValue) {
  const std::string payload = Cluster::EncodeNotice("node-1", Sample());
  EXPECT_EQ(payload.find("\"value\""), std::string::npos);
  EXPECT_EQ(payload.find("SecretString"), std::string::npos);
  auto n = Cluster::DecodeNotice(payload);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->node_id, "node-1");
  EXPECT_EQ(n->change.account_id, "111122223333");
  EXPECT_EQ(n->change.region, "eu-west-1");
  EXPECT_EQ(n->change.arn, Sample().arn);
  EXPECT_EQ(n->change.name, "app/\"db\"");
  EXPECT_EQ(n->change.event, "PutSecretValue");
  EXPECT_EQ(n->change.time_ms, 1765170000123);
}

TEST(ClusterTest, ForeignPayloadsAreRefused) {
  EXPECT_FALSE(Cluster::DecodeNotice("").has_value());
  EXPECT_FALSE(Cluster::DecodeNotice("ping").has_value());
  EXPECT_FALSE(Cluster::DecodeNotice("[1,2]").has_value());
  EXPECT_FALSE(Cluster::DecodeNotice("{\"node\":\"x\"}").has_value());
  EXPECT_FALSE(Cluster::DecodeNotice("{\"node\":1,\"account\":\"a\",\"region\":\"r\",\"arn\":\"a\","
                                     "\"name\":\"n\",\"event\":\"e\"}")
                   .has_value());
}

TEST(ClusterTest, AStoreOfOneNodeIsAlwaysTheLeader) {
  char dir[] = "/tmp/coffer-cluster-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  auto store = storage::OpenSqliteStore(std::string(dir) + "/coffer.db", {});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ChangeFeed feed;
  auto cluster = Cluster::Start(**store, feed);
  ASSERT_TRUE(cluster.ok());
  EXPECT_FALSE((*cluster)->shared());
  EXPECT_TRUE((*cluster)->IsLeader());
  (*cluster)->Stop();
  EXPECT_FALSE((*cluster)->IsLeader());
  (*store)->Close();
  std::system(("rm -rf " + std::string(dir)).c_str());
}

// Waits for `feed` to answer after `token` (at most 5 s).
ChangeFeed::Answer Next(ChangeFeed& feed, const std::string& token) {
  std::promise<ChangeFeed::Answer> answered;
  auto future = answered.get_future();
  feed.Watch(token, std::chrono::milliseconds(5000), nullptr,
             [&answered](ChangeFeed::Answer a) { answered.set_value(std::move(a)); });
  EXPECT_EQ(future.wait_for(std::chrono::seconds(8)), std::future_status::ready);
  return future.get();
}

// Two nodes over one PostgreSQL database: one leader; a change published on
// one node reaches the other's feed (once, not echoed back); a lost channel
// makes the feed answer Reset.
TEST(ClusterTest, TwoNodesOnPostgres) {
  auto* server = pg::testing::PgTestServer::Get();
  if (server == nullptr) GTEST_SKIP() << "no PostgreSQL server";
  server->Exec("DROP DATABASE IF EXISTS coffer_cluster_t");
  server->Exec("CREATE DATABASE coffer_cluster_t");
  const std::string url = server->Url("coffer_cluster_t");
  auto store_a = storage::OpenPostgresStore(url, {});
  auto store_b = storage::OpenPostgresStore(url, {});
  ASSERT_TRUE(store_a.ok() && store_b.ok());
  ChangeFeed feed_a, feed_b;
  ClusterOptions options;
  options.leader_retry_interval = std::chrono::milliseconds(200);
  options.reconnect_interval = std::chrono::milliseconds(100);
  auto a = Cluster::Start(**store_a, feed_a, options);
  auto b = Cluster::Start(**store_b, feed_b, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE((*a)->shared());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!(*a)->IsLeader() && !(*b)->IsLeader() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_NE((*a)->IsLeader(), (*b)->IsLeader()) << "exactly one leader";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both listening

  const std::string token_a = feed_a.CurrentToken();
  const std::string token_b = feed_b.CurrentToken();
  const auto sent = std::chrono::steady_clock::now();
  feed_a.Note(Sample());
  ChangeFeed::Answer on_b = Next(feed_b, token_b);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(1));
  ASSERT_EQ(on_b.changes.size(), 1u);
  EXPECT_EQ(on_b.changes[0].name, Sample().name);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // an echo would be back by now
  ChangeFeed::Answer on_a = Next(feed_a, token_a);
  EXPECT_EQ(on_a.changes.size(), 1u) << "a node does not publish its own notice twice";

  // The channel lost: B's parked watcher is told to reset.
  std::promise<ChangeFeed::Answer> answered;
  auto future = answered.get_future();
  feed_b.Watch(on_b.next_token, std::chrono::milliseconds(10000), nullptr,
               [&answered](ChangeFeed::Answer x) { answered.set_value(std::move(x)); });
  server->Exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "'coffer_cluster_t' AND application_name = 'coffer-notices'");
  ASSERT_EQ(future.wait_for(std::chrono::seconds(8)), std::future_status::ready);
  EXPECT_TRUE(future.get().reset);
  (*a)->Stop();
  (*b)->Stop();
}

}  // namespace
}  // namespace coffer::server
