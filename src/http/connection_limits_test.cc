// Tests of admission and the first-byte deadline (issue 18, pre-authentication
// exhaustion): the per-address connection cap, fairness between addresses
// when one is at its cap, and closing connections that never send a byte.
// Two client addresses on loopback: 127.0.0.1 and 127.0.0.2 (Linux routes
// all of 127/8 to lo). Counts and times are small and bounded.
#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/address_limit.h"
#include "http/server.h"
#include "http/test_client.h"

namespace coffer::http {
namespace {

using internal::AddressKey;
using internal::AddressLimit;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using test::EchoHandler;
using test::StartOrNull;
using test::TestClient;

constexpr const char* kFlooder = "127.0.0.1";
constexpr const char* kOther = "127.0.0.2";

AddressKey Key(const char* text) { return AddressKey::From(boost::asio::ip::make_address(text)); }

// Sends one keep-alive request; true if answered 200.
bool Served(TestClient& client) {
  if (!client.Send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")) return false;
  auto response = client.ReadResponse();
  return response.has_value() && response->status == 200;
}

TEST(AddressLimitTest, CountsEachAddressUpToItsCap) {
  AddressLimit limit(2);
  EXPECT_TRUE(limit.TryAcquire(Key("10.0.0.1")));
  EXPECT_TRUE(limit.TryAcquire(Key("10.0.0.1")));
  EXPECT_FALSE(limit.TryAcquire(Key("10.0.0.1")));
  // The IPv4-mapped form is the same address; another address is not.
  EXPECT_FALSE(limit.TryAcquire(Key("::ffff:10.0.0.1")));
  EXPECT_TRUE(limit.TryAcquire(Key("10.0.0.2")));
  EXPECT_TRUE(limit.TryAcquire(Key("2001:db8::1")));
  EXPECT_TRUE(limit.TryAcquire(Key("2001:db8::1")));
  EXPECT_FALSE(limit.TryAcquire(Key("2001:db8::1")));
  EXPECT_EQ(limit.CountFor(Key("10.0.0.1")), 2u);
  EXPECT_EQ(limit.addresses(), 3u);
  limit.Release(Key("10.0.0.1"));
  EXPECT_TRUE(limit.TryAcquire(Key("10.0.0.1")));
  for (const char* a : {"10.0.0.1", "10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::1"}) {
    limit.Release(Key(a));
  }
  // Nothing is kept for an address with no connection left.
  EXPECT_EQ(limit.addresses(), 0u);
  EXPECT_EQ(limit.CountFor(Key("10.0.0.1")), 0u);
}

TEST(AddressLimitTest, ZeroMeansNoLimit) {
  AddressLimit limit(0);
  EXPECT_FALSE(limit.enabled());
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(limit.TryAcquire(Key("10.0.0.1")));
  EXPECT_EQ(limit.addresses(), 0u);  // not even counted
}

TEST(ConnectionLimitsTest, OverThePerAddressCapIsRefusedWithoutTakingAGlobalSlot) {
  ServerOptions options;
  options.threads = 1;
  options.max_connections = 4;
  options.max_connections_per_address = 2;
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<TestClient>> held;
  for (int i = 0; i < 2; ++i) {
    auto c = TestClient::Connect(server->port(), nullptr, kFlooder);
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(Served(*c));
    held.push_back(std::move(c));
  }
  // The third and fourth from the same address are turned away at once.
  for (int i = 0; i < 2; ++i) {
    auto refused = TestClient::Connect(server->port(), nullptr, kFlooder);
    ASSERT_NE(refused, nullptr);  // the kernel completes the handshake
    std::string received;
    EXPECT_TRUE(refused->WaitForClose(test::kIoTimeout, &received));
    EXPECT_EQ(received.substr(0, 13), "HTTP/1.1 503 ");
  }
  // The refused ones took none of the 4 slots: the other address gets both
  // of the remaining ones.
  for (int i = 0; i < 2; ++i) {
    auto c = TestClient::Connect(server->port(), nullptr, kOther);
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(Served(*c)) << i;
    held.push_back(std::move(c));
  }
  // The admitted ones are unaffected, and a freed slot is the address's again.
  EXPECT_TRUE(Served(*held[0]));
  held.erase(held.begin());
  bool admitted = false;
  auto deadline = steady_clock::now() + test::kIoTimeout;
  while (!admitted && steady_clock::now() < deadline) {
    auto next = TestClient::Connect(server->port(), nullptr, kFlooder);
    admitted = next != nullptr && Served(*next);
  }
  EXPECT_TRUE(admitted);
}

// The flood, scaled down: one address opens many more idle sockets
// than its cap (and than the whole server's max_connections); another
// address is still served, on every I/O thread.
TEST(ConnectionLimitsTest, OneAddressAtItsCapCannotStarveAnother) {
  ServerOptions options;
  options.threads = 2;
  options.max_connections = 40;
  options.max_connections_per_address = 16;
  options.first_byte_timeout = milliseconds(30000);  // the flood stays up
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<TestClient>> flood;
  for (int i = 0; i < 60; ++i) {
    auto c = TestClient::Connect(server->port(), nullptr, kFlooder);
    ASSERT_NE(c, nullptr);
    flood.push_back(std::move(c));
  }
  // All but 16 are refused; count them as the server closes them.
  int closed = 0;
  for (auto& c : flood) {
    std::string received;
    if (c->WaitForClose(milliseconds(100), &received)) {
      ++closed;
      EXPECT_EQ(received.substr(0, 13), "HTTP/1.1 503 ");
    }
  }
  EXPECT_EQ(closed, 60 - 16);
  // Another address gets the rest of the server: 24 connections, each served.
  std::vector<std::unique_ptr<TestClient>> others;
  for (int i = 0; i < 16; ++i) {
    auto c = TestClient::Connect(server->port(), nullptr, kOther);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(Served(*c)) << i;
    others.push_back(std::move(c));
  }
}

TEST(ConnectionLimitsTest, ASilentNewConnectionIsClosedAfterTheFirstByteTimeout) {
  ServerOptions options;
  options.threads = 1;
  options.first_byte_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(60000);
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto start = steady_clock::now();
  auto silent = TestClient::Connect(server->port());
  ASSERT_NE(silent, nullptr);
  auto talker = TestClient::Connect(server->port());
  ASSERT_NE(talker, nullptr);
  ASSERT_TRUE(Served(*talker));
  std::string received;
  EXPECT_TRUE(silent->WaitForClose(milliseconds(5000), &received));
  EXPECT_GE(steady_clock::now() - start, milliseconds(250));
  EXPECT_EQ(received, "");  // closed without a response, as an idle keep-alive
  // Once a request has been answered, the connection is idle between
  // requests and idle_timeout (60 s) applies, not the first-byte deadline.
  std::this_thread::sleep_for(milliseconds(900));
  EXPECT_TRUE(Served(*talker));
}

TEST(ConnectionLimitsTest, FirstByteTimeoutIsAtMostTheIdleTimeout) {
  ServerOptions options;
  options.threads = 1;
  options.first_byte_timeout = milliseconds(60000);
  options.idle_timeout = milliseconds(300);
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto silent = TestClient::Connect(server->port());
  ASSERT_NE(silent, nullptr);
  EXPECT_TRUE(silent->WaitForClose(milliseconds(5000)));
}

TEST(ConnectionLimitsTest, StartRejectsANonPositiveFirstByteTimeout) {
  ServerOptions options;
  options.first_byte_timeout = milliseconds(0);
  EXPECT_EQ(Server::Start(options, EchoHandler, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace coffer::http
