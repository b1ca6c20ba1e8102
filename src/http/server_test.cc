// End-to-end tests of Server over real loopback sockets: keep-alive,
// pipelining, bodies, 100-continue, connection close, handler failures,
// threads and graceful stop. Limits and timeouts: limits_test.cc.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/test_client.h"

namespace coffer::http {
namespace {

using test::EchoHandler;
using test::StartOrNull;
using test::TestClient;

ServerOptions OneThread() {
  ServerOptions options;
  options.threads = 1;
  return options;
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneSocket) {
  std::mutex mu;
  std::vector<Request> seen;
  auto server = StartOrNull(OneThread(), [&](const Request& request, Response& response) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen.push_back(request);
    }
    EchoHandler(request, response);
  });
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0);
  EXPECT_FALSE(server->tls());
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 5; ++i) {
    std::string body = "body-" + std::to_string(i);
    ASSERT_TRUE(client->Send("POST /item/" + std::to_string(i) +
                             " HTTP/1.1\r\nHost: localhost\r\nX-Dup: a\r\nx-dup: b\r\n"
                             "Content-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body));
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "POST /item/" + std::to_string(i) + "\n" + body);
    EXPECT_EQ(response->Header("Content-Length"), std::to_string(response->body.size()));
    EXPECT_EQ(response->Header("Content-Type"), "text/plain");
    EXPECT_FALSE(response->Header("Connection").has_value());
    EXPECT_FALSE(response->Header("Server").has_value());
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), 5u);
  const Request& last = seen.back();
  EXPECT_EQ(last.remote_address, "127.0.0.1");
  EXPECT_FALSE(last.tls);
  EXPECT_EQ(last.version, 11);
  ASSERT_EQ(last.headers.size(), 4u);
  EXPECT_EQ(last.headers[1], (std::pair<std::string, std::string>("X-Dup", "a")));
  EXPECT_EQ(last.headers[2], (std::pair<std::string, std::string>("x-dup", "b")));
  EXPECT_EQ(last.Header("X-DUP"), "a");
  EXPECT_EQ(last.Header("absent"), "");
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(
      client->Send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                   "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                   "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n"
                   "DELETE /4 HTTP/1.1\r\nHost: h\r\n\r\n"));
  const char* expected[] = {"GET /1\n", "POST /2\nabc", "GET /3\n", "DELETE /4\n"};
  for (const char* body : expected) {
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value()) << body;
    EXPECT_EQ(response->body, body);
  }
}

TEST(ServerTest, ChunkedRequestBodyIsDecoded) {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> headers;
  auto server = StartOrNull(OneThread(), [&](const Request& request, Response& response) {
    if (request.target == "/c") {
      std::lock_guard<std::mutex> lock(mu);
      headers = request.headers;
    }
    EchoHandler(request, response);
  });
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  // Split mid-chunk to exercise incremental parsing; a trailer; then a
  // pipelined request.
  ASSERT_TRUE(
      client->Send("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhel"));
  ASSERT_TRUE(
      client->Send("lo\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"
                   "GET /after HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "POST /c\nhello, world");
  response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "GET /after\n");
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(headers.size(), 2u);  // the trailer is not a header
  EXPECT_EQ(headers[1].first, "Transfer-Encoding");
}

TEST(ServerTest, ExpectContinueGets100BeforeTheBodyIsSent) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(
      client->Send("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                   "Content-Length: 5\r\n\r\n"));
  auto interim = client->ReadResponse();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client->Send("hello"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "PUT /x\nhello");
}

TEST(ServerTest, ExpectContinueWithBodyAlreadySentGetsNo100) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(
      client->Send("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n"
                   "Content-Length: 5\r\n\r\nhello"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "PUT /x\nhello");
}

TEST(ServerTest, ConnectionCloseFromClientIsHonoured) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  // The second request must not be served.
  ASSERT_TRUE(
      client->Send("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                   "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "GET /a\n");
  EXPECT_EQ(response->Header("Connection"), "close");
  std::string rest;
  EXPECT_TRUE(client->WaitForClose(test::kIoTimeout, &rest));
  EXPECT_EQ(rest, "");
}

TEST(ServerTest, ConnectionCloseFromHandlerIsHonoured) {
  auto server = StartOrNull(OneThread(), [](const Request&, Response& response) {
    response.headers.emplace_back("Connection", "close");
    response.body = "bye";
  });
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "bye");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client->WaitForClose());
}

TEST(ServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  {
    auto client = TestClient::Connect(server->port());
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->Send("GET /old HTTP/1.0\r\n\r\n"));
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->body, "GET /old\n");
    EXPECT_EQ(response->Header("Connection"), "close");
    EXPECT_TRUE(client->WaitForClose());
  }
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client->Send("GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->Header("Connection"), "keep-alive");
  }
}

TEST(ServerTest, HeadResponseHasLengthButNoBody) {
  auto server = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(
      client->Send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /g HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto head = client->ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->Header("Content-Length"), "8");  // "HEAD /h\n"
  auto get = client->ReadResponse();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /g\n");
}

TEST(ServerTest, HandlerExceptionGets500AndServerKeepsServing) {
  auto server = StartOrNull(
      OneThread(),
      [](const Request& request, Response& response) {
        response.body = "partial";
        if (request.target == "/std") throw std::runtime_error("boom");
        if (request.target == "/int") throw 42;
        response.body = "fine";
      },
      [](int status, std::string_view reason) {
        Response response;
        response.status = status;
        response.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
        response.body = "{\"__type\":\"" + std::string(reason) + "\"}";
        return response;
      });
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  for (const char* target : {"/std", "/int"}) {
    ASSERT_TRUE(client->Send(std::string("GET ") + target + " HTTP/1.1\r\nHost: h\r\n\r\n"));
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_EQ(response->status, 500);
    EXPECT_EQ(response->body, "{\"__type\":\"Internal Server Error\"}");
    EXPECT_EQ(response->Header("Content-Type"), "application/x-amz-json-1.1");
  }
  ASSERT_TRUE(client->Send("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "fine");
}

TEST(ServerTest, ThrowingErrorResponderFallsBackToPlainText) {
  auto server = StartOrNull(
      OneThread(), [](const Request&, Response&) { throw std::runtime_error("x"); },
      [](int, std::string_view) -> Response { throw std::logic_error("y"); });
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, "500 Internal Server Error\n");
}

TEST(ServerTest, ServesOnSeveralThreads) {
  std::mutex mu;
  std::set<std::thread::id> threads;
  ServerOptions options;
  options.threads = 2;
  auto server = StartOrNull(options, [&](const Request& request, Response& response) {
    std::lock_guard<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
    response.body = request.target;
  });
  ASSERT_NE(server, nullptr);
  // SO_REUSEPORT hashes connections over the two listeners: with 64
  // connections the chance that one listener gets them all is 2^-63.
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 16; ++i) {
        auto client = TestClient::Connect(server->port());
        if (client == nullptr) continue;
        std::string target = "/" + std::to_string(t) + "/" + std::to_string(i);
        if (!client->Send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")) continue;
        auto response = client->ReadResponse();
        if (response && response->body == target) ++ok;
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(ok.load(), 64);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(threads.size(), 2u);
}

TEST(ServerTest, StopLetsBusyHandlerFinishAndClosesIdleConnections) {
  std::atomic<Server*> server_ptr{nullptr};
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  auto server = StartOrNull(OneThread(), [&](const Request& request, Response& response) {
    if (request.target == "/slow") {
      {
        std::lock_guard<std::mutex> lock(mu);
        entered = true;
      }
      cv.notify_all();
      // Busy until Stop has begun (bounded, so a bug fails instead of hangs).
      auto deadline = std::chrono::steady_clock::now() + test::kIoTimeout;
      while (!server_ptr.load()->stopping() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
      }
    }
    response.body = "done " + request.target;
  });
  ASSERT_NE(server, nullptr);
  server_ptr = server.get();
  auto idle = TestClient::Connect(server->port());
  ASSERT_NE(idle, nullptr);
  ASSERT_TRUE(idle->Send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(idle->ReadResponse().has_value());

  auto busy = TestClient::Connect(server->port());
  ASSERT_NE(busy, nullptr);
  ASSERT_TRUE(busy->Send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n"));
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, test::kIoTimeout, [&] { return entered; }));
  }
  std::thread stopper([&] { server->Stop(); });
  auto response = busy->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "done /slow");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(busy->WaitForClose());
  EXPECT_TRUE(idle->WaitForClose());
  busy.reset();  // the server lingers until the client closes (or 2 s)
  idle.reset();
  stopper.join();  // Stop returned: threads joined
  EXPECT_TRUE(server->stopping());
  EXPECT_EQ(TestClient::Connect(server->port()), nullptr);  // nothing listens
  server->Stop();                                           // idempotent
}

// An Offload that runs each request on a thread of its own.
class ThreadPerRequest final : public Offload {
 public:
  explicit ThreadPerRequest(Handler handler) : handler_(std::move(handler)) {}
  ~ThreadPerRequest() override {
    for (auto& t : threads_) t.join();
  }
  void Submit(const Request& request, Response& response, Completion done) override {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back([this, &request, &response, done = std::move(done)]() mutable {
      handler_(request, response);
      done();
    });
  }

 private:
  Handler handler_;
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

// A request the `blocking` predicate selects goes to the Offload: while it
// waits, the single I/O thread keeps answering other connections; Stop lets
// it finish and its response still goes out.
TEST(ServerTest, BlockingRequestsRunOffTheIoThread) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  Handler handler = [&](const Request& request, Response& response) {
    if (request.target == "/wait") {
      std::unique_lock<std::mutex> lock(mu);
      entered = true;
      cv.notify_all();
      cv.wait_for(lock, test::kIoTimeout, [&] { return release; });
    }
    response.body = "done " + request.target;
  };
  ThreadPerRequest offload(handler);
  ServerOptions options = OneThread();
  options.blocking = [](const Request& r) { return r.target == "/wait"; };
  options.offload = &offload;
  auto server = StartOrNull(options, handler);
  ASSERT_NE(server, nullptr);
  auto waiting = TestClient::Connect(server->port());
  ASSERT_NE(waiting, nullptr);
  ASSERT_TRUE(waiting->Send("GET /wait HTTP/1.1\r\nHost: h\r\n\r\n"));
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, test::kIoTimeout, [&] { return entered; }));
  }
  auto other = TestClient::Connect(server->port());
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Send("GET /fast HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto fast = other->ReadResponse();
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->body, "done /fast");  // served while /wait still blocks
  std::thread stopper([&] { server->Stop(); });
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  auto slow = waiting->ReadResponse();
  ASSERT_TRUE(slow.has_value());
  EXPECT_EQ(slow->body, "done /wait");
  waiting.reset();
  other.reset();
  stopper.join();
}

// An Offload that takes no request but marks, at the end of each turn, the
// responses the inline handler made during it (as the audit trail writes the
// turn's records before their answers go out).
class MarksAtEndOfTurn final : public Offload {
 public:
  void Submit(const Request&, Response&, Completion done) override { done(); }
  void EndOfTurn() override {
    ++turns;
    for (Response* r : pending) r->body = "ended " + r->body;
    pending.clear();
  }
  std::vector<Response*> pending;  // the I/O thread's alone
  std::atomic<int> turns{0};
};

// EndOfTurn runs after the handlers of a turn and before any of their
// responses is written, pipelined requests included.
TEST(ServerTest, EndOfTurnRunsBeforeTheTurnsResponsesAreWritten) {
  MarksAtEndOfTurn offload;
  ServerOptions options = OneThread();
  options.blocking = [](const Request&) { return false; };
  options.offload = &offload;
  auto server = StartOrNull(options, [&](const Request& request, Response& response) {
    response.body = request.target;
    offload.pending.push_back(&response);
  });
  ASSERT_NE(server, nullptr);
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto a = client->ReadResponse();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->body, "ended /a");
  ASSERT_TRUE(client->Send("GET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n"));
  for (const char* want : {"ended /b", "ended /c"}) {
    auto r = client->ReadResponse();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->body, want);
  }
  EXPECT_GE(offload.turns.load(), 2);
  client.reset();
  server->Stop();
}

TEST(ServerTest, StopFromHandlerReturnsAndWaitJoins) {
  std::atomic<Server*> server_ptr{nullptr};
  auto server = StartOrNull(OneThread(), [&](const Request&, Response& response) {
    server_ptr.load()->Stop();  // must not deadlock on its own thread
    response.body = "stopping";
  });
  ASSERT_NE(server, nullptr);
  server_ptr = server.get();
  auto client = TestClient::Connect(server->port());
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto response = client->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body, "stopping");
  EXPECT_EQ(response->Header("Connection"), "close");
  EXPECT_TRUE(client->WaitForClose());
  client.reset();
  server->Wait();
}

TEST(ServerTest, StartRejectsBadOptions) {
  ServerOptions negative_threads;
  negative_threads.threads = -1;
  EXPECT_EQ(Server::Start(negative_threads, EchoHandler, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  ServerOptions cert_only;
  cert_only.tls_cert_file = "/nonexistent/cert.pem";
  EXPECT_EQ(Server::Start(cert_only, EchoHandler, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  ServerOptions zero_timeout;
  zero_timeout.read_timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(Server::Start(zero_timeout, EchoHandler, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Server::Start(ServerOptions(), nullptr, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  ServerOptions bad_host;
  bad_host.host = "no-such-host.invalid";
  EXPECT_FALSE(Server::Start(bad_host, EchoHandler, nullptr).ok());
}

TEST(ServerTest, StartFailsWhenThePortIsServedAlready) {
  auto first = StartOrNull(OneThread(), EchoHandler);
  ASSERT_NE(first, nullptr);
  ServerOptions options = OneThread();
  options.port = first->port();
  auto second = Server::Start(options, EchoHandler, nullptr);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace coffer::http
