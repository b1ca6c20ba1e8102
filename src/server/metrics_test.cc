#include "server/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace coffer::server {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, CountsByServiceOperationAndOutcome) {
  Metrics m;
  m.Record("secretsmanager", "GetSecretValue", 200, false, microseconds(80));
  m.Record("secretsmanager", "GetSecretValue", 200, false, milliseconds(3));
  m.Record("secretsmanager", "GetSecretValue", 400, false, microseconds(50));
  m.Record("kms", "Decrypt", 500, false, microseconds(50));
  m.Record("", "", 400, true, microseconds(10));
  const std::string text = m.Render();
  EXPECT_TRUE(Has(text, "# TYPE coffer_requests_total counter")) << text;
  EXPECT_TRUE(Has(text, R"(coffer_requests_total{service="secretsmanager",operation="GetSecretValue",outcome="success"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(coffer_requests_total{service="secretsmanager",operation="GetSecretValue",outcome="client_error"} 1)"));
  EXPECT_TRUE(Has(text, R"(coffer_requests_total{service="kms",operation="Decrypt",outcome="server_error"} 1)"));
  EXPECT_TRUE(Has(text, R"(coffer_throttled_requests_total{service="",operation=""} 1)"));
  // Buckets are cumulative: 50 and 80 µs in le=0.0001, 3 ms first in le=0.005.
  EXPECT_TRUE(Has(text, R"(coffer_request_duration_seconds_bucket{service="secretsmanager",operation="GetSecretValue",le="0.0001"} 2)"));
  EXPECT_TRUE(Has(text, R"(coffer_request_duration_seconds_bucket{service="secretsmanager",operation="GetSecretValue",le="0.0025"} 2)"));
  EXPECT_TRUE(Has(text, R"(coffer_request_duration_seconds_bucket{service="secretsmanager",operation="GetSecretValue",le="0.005"} 3)"));
  EXPECT_TRUE(Has(text, R"(coffer_request_duration_seconds_bucket{service="secretsmanager",operation="GetSecretValue",le="+Inf"} 3)"));
  EXPECT_TRUE(Has(text, R"(coffer_request_duration_seconds_count{service="secretsmanager",operation="GetSecretValue"} 3)"));
}

TEST(MetricsTest, ThreadsRecordIntoTheirOwnShardsAndAScrapeSumsThem) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) m.Record("sts", "GetCallerIdentity", 200, false, microseconds(5));
    });
  }
  std::string during = m.Render();  // concurrent with the recording: must not race
  for (auto& t : threads) t.join();
  EXPECT_TRUE(Has(m.Render(), R"(coffer_requests_total{service="sts",operation="GetCallerIdentity",outcome="success"} 4000)"));
  EXPECT_FALSE(during.empty());
}

TEST(MetricsTest, InstancesDoNotShareShardsEvenAtTheSameAddress) {
  for (int i = 0; i < 3; ++i) {
    Metrics m;  // likely the same stack address each time
    m.Record("kms", "Encrypt", 200, false, microseconds(1));
    EXPECT_TRUE(Has(m.Render(), R"(coffer_requests_total{service="kms",operation="Encrypt",outcome="success"} 1)"));
  }
}

TEST(MetricsTest, CollectorsAppendTheirFamilies) {
  Metrics m;
  m.AddCollector([](std::string& out) {
    Metrics::AppendFamily(out, "coffer_open_connections", "gauge", "Connections.", 7);
  });
  const std::string text = m.Render();
  EXPECT_TRUE(Has(text, "# HELP coffer_open_connections Connections."));
  EXPECT_TRUE(Has(text, "# TYPE coffer_open_connections gauge"));
  EXPECT_TRUE(Has(text, "coffer_open_connections 7"));
}

}  // namespace
}  // namespace coffer::server
