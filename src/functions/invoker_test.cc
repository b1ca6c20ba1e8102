#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "client/test_http_server.h"
#include "functions/function.h"

namespace coffer::functions {
namespace {

using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Redirects fd 2 (where coffer's log goes) to a file while alive.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    fflush(stderr);
    saved_ = dup(2);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    dup2(fd, 2);
    close(fd);
  }
  ~StderrCapture() { Restore(); }
  std::string Text() {
    Restore();
    return ReadFile(path_);
  }

 private:
  void Restore() {
    if (saved_ >= 0) {
      dup2(saved_, 2);
      close(saved_);
      saved_ = -1;
    }
  }
  std::string path_;
  int saved_ = -1;
};

class InvokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = ::testing::TempDir() + "coffer_invoker_XXXXXX";
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    invocation_.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:rot";
    invocation_.request_id = "8a1a5f3e-1111-2222-3333-444455556666";
    invocation_.event_json = R"({"Step":"createSecret","SecretId":"s","ClientRequestToken":"t"})";
    invocation_.environment = {{"AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"},
                               {"AWS_SECRET_ACCESS_KEY", "not-logged"},
                               {"AWS_SESSION_TOKEN", "tok"},
                               {"AWS_REGION", "us-east-1"},
                               {"AWS_DEFAULT_REGION", "us-east-1"},
                               {"AWS_ENDPOINT_URL", "http://127.0.0.1:1"},
                               {"SECRETS_MANAGER_ENDPOINT", "http://127.0.0.1:1"},
                               {"SHARED", "from-engine"}};
  }
  void TearDown() override { ASSERT_EQ(system(("rm -rf '" + dir_ + "'").c_str()), 0); }

  FunctionBinding Shell(const std::string& script, int timeout_s = 20) {
    FunctionBinding b;
    b.name = "rot";
    b.kind = FunctionKind::kCommand;
    b.command = {"sh", "-c", script};
    b.role_arn = "arn:aws:iam::111111111111:role/rotator";
    b.timeout = std::chrono::seconds(timeout_s);
    b.environment = {{"SHARED", "from-binding"}, {"EXTRA", "x y"}};
    return b;
  }

  FunctionBinding Python(const std::string& source) {
    WriteFile(dir_ + "/my_rotator.py", source);
    FunctionBinding b = Shell("");
    b.kind = FunctionKind::kPythonHandler;
    b.command.clear();
    b.python_handler = dir_ + "/my_rotator.py";
    return b;
  }

  std::string dir_;
  Invocation invocation_;
};

TEST_F(InvokerTest, CommandGetsCleanEnvironmentAndEvent) {
  setenv("COFFER_TEST_LEAK", "1", 1);
  std::string script = R"SH(
    set -e
    [ "$PATH" = /usr/local/bin:/usr/bin:/bin ]
    [ "$LANG" = C.UTF-8 ] && [ "$TZ" = UTC ]
    [ "$AWS_LAMBDA_FUNCTION_NAME" = rot ] && [ "$AWS_LAMBDA_FUNCTION_TIMEOUT" = 20 ]
    [ "$AWS_LAMBDA_FUNCTION_VERSION" = '$LATEST' ]
    [ "$AWS_LAMBDA_FUNCTION_MEMORY_SIZE" = 128 ]
    [ "$SHARED" = from-engine ] && [ "$EXTRA" = "x y" ]
    [ "$AWS_SECRET_ACCESS_KEY" = not-logged ]
    [ -z "${COFFER_TEST_LEAK-}" ] && [ -z "${HOME-}" ]
    [ "$(pwd)" = / ]
    cat > DIR/event.json
    echo hello from stdout
    echo hello from stderr >&2
    touch DIR/marker)SH";
  script.replace(script.find("DIR"), 3, dir_);
  script.replace(script.find("DIR"), 3, dir_);
  StderrCapture capture(dir_ + "/log");
  Status s = Invoke(Shell(script), invocation_);
  std::string log = capture.Text();
  unsetenv("COFFER_TEST_LEAK");
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << log;
  EXPECT_EQ(access((dir_ + "/marker").c_str(), F_OK), 0);
  EXPECT_EQ(ReadFile(dir_ + "/event.json"), invocation_.event_json);
  EXPECT_NE(log.find(R"("function":"rot")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("request_id":"8a1a5f3e-1111-2222-3333-444455556666")"), std::string::npos);
  EXPECT_NE(log.find(R"("stream":"stdout","line":"hello from stdout")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("stream":"stderr","line":"hello from stderr")"), std::string::npos) << log;
  EXPECT_EQ(log.find("not-logged"), std::string::npos);
}

TEST_F(InvokerTest, ExitStatusIsAnError) {
  Status s = Invoke(Shell("exit 3"), invocation_);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "function rot exited with status 3");
}

TEST_F(InvokerTest, KilledBySignal) {
  Status s = Invoke(Shell("kill -TERM $$"), invocation_);
  EXPECT_EQ(s.message(), "function rot was killed by signal 15");
}

TEST_F(InvokerTest, CommandNotFound) {
  FunctionBinding b = Shell("");
  b.command = {"no-such-command-coffer"};
  Status s = Invoke(b, invocation_);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("command not found"), std::string::npos) << s.ToString();
}

TEST_F(InvokerTest, TimeoutKillsTheProcessGroupAndReaps) {
  std::string script = "sleep 30 & echo $! > " + dir_ + "/bg; sleep 30";
  auto start = Clock::now();
  Status s = Invoke(Shell(script, 1), invocation_);
  auto elapsed = Clock::now() - start;
  EXPECT_EQ(s.message(), "function rot timed out after 1 s");
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);  // no child left, not even a zombie
  EXPECT_EQ(errno, ECHILD);
  pid_t bg = std::atoi(ReadFile(dir_ + "/bg").c_str());
  ASSERT_GT(bg, 0);
  bool gone = false;  // the background sleep was killed (init reaps it)
  for (int i = 0; i < 100 && !gone; ++i) {
    std::string stat = ReadFile("/proc/" + std::to_string(bg) + "/stat");
    gone = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone);
}

TEST_F(InvokerTest, ExitingDescendantHoldingPipesDoesNotBlock) {
  auto start = Clock::now();
  Status s = Invoke(Shell("sleep 30 & exit 0", 20), invocation_);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
}

TEST_F(InvokerTest, ChildIgnoringStdinDoesNotRaiseSigpipe) {
  signal(SIGPIPE, SIG_DFL);  // would kill the test if the write raised it
  invocation_.event_json = std::string(4 << 20, 'x');
  Status s = Invoke(Shell("exec 0<&-; sleep 0.2; exit 0"), invocation_);
  EXPECT_TRUE(s.ok()) << s.ToString();
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);
}

TEST_F(InvokerTest, IgnoredSigchldIsAnErrorNotAHang) {
  signal(SIGCHLD, SIG_IGN);  // children are reaped by the kernel: no exit status
  auto start = Clock::now();
  Status s = Invoke(Shell("exit 0"), invocation_);
  signal(SIGCHLD, SIG_DFL);
  EXPECT_EQ(s.code(), StatusCode::kInternal) << s.ToString();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
}

TEST_F(InvokerTest, NoDescriptorLeaksIntoTheChild) {
  int leaky = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  Status s = Invoke(Shell("[ ! -e /proc/$$/fd/" + std::to_string(leaky) + " ]"), invocation_);
  close(leaky);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(InvokerTest, LongLinesAndOutputAreCapped) {
  // One 10000-byte line, then 600 lines of 1000 bytes (more than 256 KiB).
  std::string script =
      "head -c 10000 /dev/zero | tr '\\0' a; echo; i=0; while [ $i -lt 600 ]; do "
      "head -c 1000 /dev/zero | tr '\\0' b; echo; i=$((i+1)); done";
  StderrCapture capture(dir_ + "/log");
  Status s = Invoke(Shell(script), invocation_);
  std::string log = capture.Text();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(log.find("\"line\":\"" + std::string(4096, 'a') + "\",\"truncated\":\"true\""),
            std::string::npos);
  EXPECT_EQ(log.find(std::string(4097, 'a')), std::string::npos);
  EXPECT_NE(log.find("function output truncated"), std::string::npos);
  EXPECT_LT(log.size(), 400u << 10);
}

constexpr const char* kGoodHandler = R"PY(
import json, logging, os, sys
import helper_mod  # a sibling module

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def lambda_handler(event, context):
    assert event["Step"] == "createSecret", event
    assert context.function_name == "rot"
    assert context.function_version == "$LATEST"
    assert context.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:rot"
    assert context.memory_limit_in_mb == "128"
    assert context.aws_request_id == "8a1a5f3e-1111-2222-3333-444455556666"
    assert context.log_group_name == "/aws/lambda/rot"
    assert context.log_stream_name
    assert context.identity is None and context.client_context is None
    remaining = context.get_remaining_time_in_millis()
    assert 0 < remaining <= 20000, remaining
    assert os.environ["SHARED"] == "from-engine"
    assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "rot"
    assert helper_mod.VALUE == 42
    import boto3
    client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])
    assert client.meta.region_name == "us-east-1"
    logger.info("rotating %s", event["SecretId"])
    with open(os.path.join(os.path.dirname(__file__), "done"), "w") as f:
        f.write(os.getcwd())
)PY";

TEST_F(InvokerTest, PythonHandlerRunsLikeLambda) {
  WriteFile(dir_ + "/helper_mod.py", "VALUE = 42\n");
  StderrCapture capture(dir_ + "/log");
  Status s = Invoke(Python(kGoodHandler), invocation_);
  std::string log = capture.Text();
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << log;
  EXPECT_EQ(ReadFile(dir_ + "/done"), dir_);                    // runs in the handler's directory
  EXPECT_NE(access((dir_ + "/__pycache__").c_str(), F_OK), 0);  // python3 -B
  // [INFO]\t<time>Z\t<request id>\trotating s, JSON-escaped in the log line.
  EXPECT_NE(log.find(R"("line":"[INFO]\t20)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"(Z\t8a1a5f3e-1111-2222-3333-444455556666\trotating s")"), std::string::npos)
      << log;
}

// As AWS's rotation templates do: boto3 with the endpoint and credentials
// from the environment, against a stand-in for Coffer.
TEST_F(InvokerTest, PythonHandlerCallsSecretsManagerWithBoto3) {
  client::test::TestHttpServer server;
  server.response_body =
      R"({"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:s","Name":"s"})";
  ASSERT_TRUE(server.Start());
  std::string endpoint = "http://127.0.0.1:" + std::to_string(server.port());
  for (auto& [name, value] : invocation_.environment) {
    if (name == "SECRETS_MANAGER_ENDPOINT" || name == "AWS_ENDPOINT_URL") value = endpoint;
  }
  Status s = Invoke(Python(R"PY(
import boto3, os
def lambda_handler(event, context):
    client = boto3.client("secretsmanager", endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])
    meta = client.describe_secret(SecretId=event["SecretId"])
    assert meta["Name"] == "s", meta
)PY"),
                    invocation_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].head.find("X-Amz-Target: secretsmanager.DescribeSecret"), std::string::npos)
      << requests[0].head;
  EXPECT_NE(requests[0].head.find("Credential=ASIAEXAMPLE/"), std::string::npos);
  EXPECT_NE(requests[0].head.find("/us-east-1/secretsmanager/aws4_request"), std::string::npos);
  EXPECT_NE(requests[0].head.find("X-Amz-Security-Token: tok"), std::string::npos);
  EXPECT_EQ(requests[0].body, R"({"SecretId": "s"})");
}

TEST_F(InvokerTest, PythonHandlerExceptionIsAnError) {
  StderrCapture capture(dir_ + "/log");
  Status s = Invoke(Python("def lambda_handler(event, context):\n"
                           "    raise ValueError('bad step')\n"),
                    invocation_);
  std::string log = capture.Text();
  EXPECT_EQ(s.message(), "function rot exited with status 1");
  EXPECT_NE(log.find(R"(\"errorType\": \"ValueError\")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"(\"errorMessage\": \"bad step\")"), std::string::npos) << log;
  EXPECT_NE(log.find("stackTrace"), std::string::npos) << log;
}

TEST_F(InvokerTest, PythonImportErrorAndMissingHandler) {
  Status s = Invoke(Python("import no_such_module_coffer\n"), invocation_);
  EXPECT_EQ(s.message(), "function rot exited with status 1");
  s = Invoke(Python("x = 1\n"), invocation_);
  EXPECT_EQ(s.message(), "function rot exited with status 1");
}

TEST_F(InvokerTest, PythonTimeout) {
  FunctionBinding b = Python("import time\ndef lambda_handler(e, c):\n    time.sleep(30)\n");
  b.timeout = std::chrono::seconds(1);
  auto start = Clock::now();
  Status s = Invoke(b, invocation_);
  EXPECT_EQ(s.message(), "function rot timed out after 1 s");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
}

FunctionBinding UrlBinding(int port) {
  FunctionBinding b;
  b.name = "rot";
  b.kind = FunctionKind::kUrl;
  b.url = "http://127.0.0.1:" + std::to_string(port) + "/invoke";
  b.timeout = std::chrono::seconds(20);
  return b;
}

TEST_F(InvokerTest, UrlFunctionSuccess) {
  client::test::TestHttpServer server;
  server.response_body = "rotated\n";
  ASSERT_TRUE(server.Start());
  StderrCapture capture(dir_ + "/log");
  Status s = Invoke(UrlBinding(server.port()), invocation_);
  std::string log = capture.Text();
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, invocation_.event_json);
  const std::string& head = requests[0].head;
  for (const char* expected :
       {"POST /invoke HTTP/1.1", "Content-Type: application/json",
        "Lambda-Runtime-Aws-Request-Id: 8a1a5f3e-1111-2222-3333-444455556666",
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:rot",
        "Lambda-Runtime-Deadline-Ms: 1", "X-Coffer-Access-Key-Id: ASIAEXAMPLE",
        "X-Coffer-Secret-Access-Key: not-logged", "X-Coffer-Session-Token: tok",
        "X-Coffer-Region: us-east-1", "X-Coffer-Endpoint-Url: http://127.0.0.1:1"}) {
    EXPECT_NE(head.find(expected), std::string::npos) << expected << "\n" << head;
  }
  EXPECT_NE(log.find(R"("stream":"response","line":"rotated")"), std::string::npos) << log;
  EXPECT_EQ(log.find("not-logged"), std::string::npos);
}

TEST_F(InvokerTest, UrlFunctionErrorStatus) {
  client::test::TestHttpServer server;
  server.status = 500;
  ASSERT_TRUE(server.Start());
  Status s = Invoke(UrlBinding(server.port()), invocation_);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "function rot returned HTTP 500");
}

TEST_F(InvokerTest, UrlFunctionTimeout) {
  client::test::TestHttpServer server;
  server.hang = true;
  ASSERT_TRUE(server.Start());
  FunctionBinding b = UrlBinding(server.port());
  b.timeout = std::chrono::seconds(1);
  Status s = Invoke(b, invocation_);
  EXPECT_EQ(s.message(), "function rot timed out after 1 s");
}

TEST_F(InvokerTest, ConcurrentInvocations) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      std::string marker = dir_ + "/m" + std::to_string(i);
      if (Invoke(Shell("cat > " + marker), invocation_).ok() &&
          ReadFile(marker) == invocation_.event_json) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

}  // namespace
}  // namespace coffer::functions
