// Tests of the server's defences: size limits (413, 431), malformed input
// (400, 501), the connection limit, and the read and idle timeouts.
// Timing: short timeouts make the tests quick, but every assertion waits
// with a generous bound, and sleeps only pace the slow client.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "http/test_client.h"

namespace coffer::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using test::EchoHandler;
using test::StartOrNull;
using test::TestClient;

ServerOptions OneThread() {
  ServerOptions options;
  options.threads = 1;
  return options;
}

// Sends `request` on a new connection; expects a `status` response with
// Connection: close, then the server closing the connection.
void ExpectErrorAndClose(uint16_t port, const std::string& request, int status) {
  auto client = TestClient::Connect(port);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send(request));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value()) << request.substr(0, 60);
  EXPECT_EQ(response->status, status) << request.substr(0, 60);
  EXPECT_EQ(response->Header("Connection"), "close") << request.substr(0, 60);
  EXPECT_TRUE(client->WaitForClose()) << request.substr(0, 60);
}

TEST(LimitsTest, BodyOverLimitGets413BeforeTheBodyIsSent) {
  ServerOptions options = OneThread();
  options.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  auto server = StartOrNull(options, [&](const Request& r, Response& w) {
    ++calls;
    EchoHandler(r, w);
  });
  ASSERT_NE(server, nullptr);
  // Only the header of a 10 MiB upload: the answer must not wait for the body.
  ExpectErrorAndClose(server->port(),
                      "PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 10485760\r\n\r\n", 413);
  // A client that asks first gets 413 instead of 100 Continue.
  ExpectErrorAndClose(server->port(),
                      "PUT /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                      "Content-Length: 10485760\r\n\r\n",
                      413);
  // Chunked: refused once the chunks announced exceed the limit.
  ExpectErrorAndClose(server->port(),
                      "PUT /big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "258\r\n" +
                          std::string(600, 'a') + "\r\n258\r\n",
                      413);
  EXPECT_EQ(calls.load(), 0);
  // At the limit is fine.
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("PUT /ok HTTP/1.1\r\nHost: h\r\nContent-Length: 1024\r\n\r\n" +
                           std::string(1024, 'b')));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body.size(), std::string("PUT /ok\n").size() + 1024);
}

TEST(LimitsTest, OversizedHeaderGets431) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  ExpectErrorAndClose(server->port(),
                      "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
                      431);
  ExpectErrorAndClose(server->port(), "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 431);
}

TEST(LimitsTest, ThousandsOfHeadersGet431) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  std::string request = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 3000; ++i) request += "a:b\r\n";  // 15 KB: under the byte limit
  request += "\r\n";
  ExpectErrorAndClose(server->port(), request, 431);
}

TEST(LimitsTest, MalformedRequestsGet400AndClose) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  struct Case {
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\r\n\x01name: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n", 400},
      // A chunk-size line that never ends.
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(40000, 'x'), 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
      {"GET / HTTP/2.0\r\n\r\n", 400},
      {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400},
      {"GET / HTTP/1.1\nHost: h\n\n", 400},
  };
  for (const Case& c : cases) ExpectErrorAndClose(server->port(), c.request, c.status);
  // The server is unharmed.
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET /fine HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST(LimitsTest, ConnectionsOverTheLimitAreRefused) {
  ServerOptions options = OneThread();
  options.max_connections = 2;
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto served = [&](TestClient& client) {
    if (!client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")) return false;
    auto response = client.ReadResponse();
    return response.has_value() && response->status == 200;
  };
  auto first = TestClient::Connect(server->port());
  auto second = TestClient::Connect(server->port());
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(served(*first));
  ASSERT_TRUE(served(*second));
  auto third = TestClient::Connect(server->port());
  ASSERT_NE(third, nullptr);  // the kernel completes the handshake
  std::string received;
  EXPECT_TRUE(third->WaitForClose(test::kIoTimeout, &received));
  EXPECT_EQ(received.substr(0, 13), "HTTP/1.1 503 ");
  EXPECT_TRUE(served(*first));  // the admitted ones are unaffected

  // Once a slot frees up (asynchronously), a new connection is served.
  first.reset();
  bool admitted = false;
  auto deadline = steady_clock::now() + test::kIoTimeout;
  while (!admitted && steady_clock::now() < deadline) {
    auto next = TestClient::Connect(server->port());
    admitted = next != nullptr && served(*next);
  }
  EXPECT_TRUE(admitted);
}

// Connections that queue up while the worker is busy are taken together
// once it is free (Worker::OnAccept's burst), and the limit still holds
// inside the burst: of six waiting clients, the two that fit are served and
// the other four get 503.
TEST(LimitsTest, ABurstOfWaitingConnectionsIsAdmittedUpToTheLimit) {
  ServerOptions options = OneThread();
  options.max_connections = 3;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto server = StartOrNull(options, [&](const Request& r, Response& w) {
    if (r.target == "/block") released.wait();
    EchoHandler(r, w);
  });
  ASSERT_NE(server, nullptr);
  auto blocker = TestClient::Connect(server->port());
  ASSERT_NE(blocker, nullptr);
  ASSERT_TRUE(blocker->Send("GET /block HTTP/1.1\r\nHost: h\r\n\r\n"));
  // The worker's one thread is in the handler now (or soon): these wait in
  // the listen backlog, each with its request sent.
  std::vector<std::unique_ptr<TestClient>> waiting;
  for (int i = 0; i < 6; ++i) {
    auto c = TestClient::Connect(server->port());
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->Send("GET /w HTTP/1.1\r\nHost: h\r\n\r\n"));
    waiting.push_back(std::move(c));
  }
  release.set_value();
  auto blocked = blocker->ReadResponse();
  ASSERT_TRUE(blocked.has_value());
  EXPECT_EQ(blocked->status, 200);
  int served = 0, refused = 0;
  for (auto& c : waiting) {
    auto response = c->ReadResponse();
    ASSERT_TRUE(response.has_value());
    if (response->status == 200) ++served;
    if (response->status == 503) ++refused;
  }
  EXPECT_EQ(served, 2);
  EXPECT_EQ(refused, 4);
}

TEST(LimitsTest, SlowHeaderGets408AfterReadTimeoutWithoutHoldingTheThread) {
  ServerOptions options = OneThread();
  options.read_timeout = milliseconds(300);
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto slow = TestClient::Connect(server->port());
  ASSERT_NE(slow, nullptr);
  auto start = steady_clock::now();
  ASSERT_TRUE(slow->Send("GET / HTTP/1.1\r\nX-Slow: "));
  std::atomic<bool> done{false};
  std::thread trickle([&] {  // one byte every 20 ms, forever
    while (!done && slow->Send("a")) std::this_thread::sleep_for(milliseconds(20));
  });
  // The single I/O thread still serves others meanwhile.
  auto fast = TestClient::Connect(server->port());
  ASSERT_NE(fast, nullptr);
  ASSERT_TRUE(fast->Send("GET /fast HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = fast->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "GET /fast\n");

  std::string received;
  bool closed = slow->WaitForClose(test::kIoTimeout, &received);
  auto elapsed = steady_clock::now() - start;
  done = true;
  trickle.join();
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_EQ(received.substr(0, 13), "HTTP/1.1 408 ");
}

TEST(LimitsTest, SlowBodyGets408) {
  ServerOptions options = OneThread();
  options.read_timeout = milliseconds(200);
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc"));
  std::string received;
  EXPECT_TRUE(client->WaitForClose(test::kIoTimeout, &received));
  EXPECT_EQ(received.substr(0, 13), "HTTP/1.1 408 ");
}

TEST(LimitsTest, IdleConnectionsAreClosedAfterIdleTimeout) {
  ServerOptions options = OneThread();
  options.idle_timeout = milliseconds(300);
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(client->ReadResponse().has_value());
  auto start = steady_clock::now();
  std::string received;
  EXPECT_TRUE(client->WaitForClose(test::kIoTimeout, &received));
  EXPECT_GE(steady_clock::now() - start, milliseconds(250));
  EXPECT_EQ(received, "");  // closed silently, no 408

  // A connection that never sends anything is closed too.
  auto silent = TestClient::Connect(server->port());
  ASSERT_NE(silent, nullptr);
  EXPECT_TRUE(silent->WaitForClose());
}

}  // namespace
}  // namespace coffer::http
