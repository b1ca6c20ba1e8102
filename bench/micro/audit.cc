// Micro-benchmarks of the audit trail (src/audit): building one
// GetSecretValue record (AppendEventJson, redaction included), and
// AuditLog::Append throughput with many concurrent appenders, where the
// writer's group commit (one writev + fdatasync per batch) is what is
// measured. Part of coffer_micro (micro.cc has the main).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>

#include "audit/audit_log.h"
#include "audit/record.h"

namespace coffer {
namespace {

void BM_AuditEventJsonGetSecretValue(benchmark::State& state) {
  rapidjson::Document request;
  request.Parse(R"({"SecretId":"bench/app-0000042/db"})");
  const std::string response =
      R"({"ARN":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench/app-0000042/db-AbCdEf",)"
      R"("Name":"bench/app-0000042/db","VersionId":"2b1c3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d",)"
      R"("SecretString":"{\"password\":\"Zq3v9XkP0aLm4Rt7Yb2Nc8Wd1Hs6Jf5Ge0Ui3Ko9\"}",)"
      R"("VersionStages":["AWSCURRENT"],"CreatedDate":1764374400.123})";
  audit::AuditEvent e;
  e.event_time_ms = 1764374400123;
  e.event_source = "secretsmanager.amazonaws.com";
  e.event_name = "GetSecretValue";
  e.aws_region = "eu-west-1";
  e.source_ip = "10.0.0.7";
  e.user_agent = "aws-sdk-go-v2/1.30.0 os/linux lang/go#1.22 md/GOOS#linux api/secretsmanager";
  e.identity.type = "IAMUser";
  e.identity.principal_id = "AIDAEXAMPLE0000000001";
  e.identity.arn = "arn:aws:iam::123456789012:user/app";
  e.identity.account_id = "123456789012";
  e.identity.access_key_id = "AKIAEXAMPLE0000000001";
  e.request_id = "5b3e7c8d-0000-4000-8000-000000000001";
  e.read_only = true;
  e.request = &request;
  // state.range(0): 1 records the response (parsed from its text), 0 leaves
  // it null as CloudTrail does for GetSecretValue.
  if (state.range(0)) e.response_text = response;
  std::string line;
  for (auto _ : state) {
    line.clear();
    audit::AppendEventJson(e, line);
    benchmark::DoNotOptimize(line.data());
  }
  state.SetLabel(std::to_string(line.size()) + " bytes");
}
BENCHMARK(BM_AuditEventJsonGetSecretValue)->Arg(0)->Arg(1);

// Every benchmark thread appends one ~900-byte record at a time and waits for
// its `done`, as a request does; 64 threads are 64 requests in flight. The
// file is in $TMPDIR (default /tmp): its fdatasync cost is that disk's.
void BM_AuditLogAppend(benchmark::State& state) {
  static audit::AuditLog* log = nullptr;
  static std::string dir;
  if (state.thread_index() == 0) {
    const char* tmp = std::getenv("TMPDIR");
    dir = std::string(tmp ? tmp : "/tmp") + "/coffer-bench-audit-XXXXXX";
    if (!mkdtemp(dir.data())) state.SkipWithError("mkdtemp");
    log = new audit::AuditLog();
    if (!log->Open(dir + "/audit.log").ok()) state.SkipWithError("open");
  }
  const std::string line = "{\"eventVersion\":\"1.08\",\"pad\":\"" + std::string(860, 'x') + "\"}";
  std::mutex mu;
  std::condition_variable cv;
  for (auto _ : state) {
    bool done = false;
    bool ok = false;
    log->Append(line, [&](const Status& s) {
      std::lock_guard<std::mutex> l(mu);
      done = true;
      ok = s.ok();
      cv.notify_one();
    });
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return done; });
    if (!ok) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    log->Stop();
    const auto s = log->stats();
    state.counters["records_per_fsync"] =
        s.fsyncs ? static_cast<double>(s.records) / static_cast<double>(s.fsyncs) : 0;
    delete log;
    log = nullptr;
    std::system(("rm -rf '" + dir + "'").c_str());
  }
}
BENCHMARK(BM_AuditLogAppend)->Threads(1)->Threads(64)->UseRealTime();

}  // namespace
}  // namespace coffer
