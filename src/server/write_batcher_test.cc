// WriteBatcher: requests from many threads land through batches on a real
// SQLite store and are answered only after their batch's COMMIT; a COMMIT
// that fails, or a handler that throws, turns answers into errors; the
// destructor answers what is still queued.
#include "server/write_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::server {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "us-east-1";

storage::SecretRecord MinimalSecret(const std::string& name) {
  storage::SecretRecord r;
  r.account_id = kAccount;
  r.region = kRegion;
  r.name = name;
  r.arn = std::string("arn:aws:secretsmanager:us-east-1:111122223333:secret:") + name + "-AbCdEf";
  r.created_ms = r.last_changed_ms = 1'700'000'000'000;
  r.primary_region = kRegion;
  return r;
}

// Counts the `done` calls and lets a test wait for them.
struct Completions {
  std::mutex mu;
  std::condition_variable cv;
  int count = 0;
  std::function<void()> Done() {
    return [this] {
      std::lock_guard<std::mutex> l(mu);
      ++count;
      cv.notify_all();
    };
  }
  bool WaitFor(int n) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(30), [&] { return count >= n; });
  }
};

// A Job that runs `run` and answers into `response`.
WriteBatcher::Job MakeJob(std::function<void()> run, http::Response& response,
                          std::function<void()> done) {
  return WriteBatcher::Job{std::move(run),
                           [&response](const Status& why) {
                             response.status = 500;
                             response.body = "failed: " + why.ToString();
                           },
                           std::move(done)};
}

// A SQLite store in a fresh directory (store_).
using WriteBatcherStoreTest = storage::sqlite::SqliteStoreTest;

TEST_F(WriteBatcherStoreTest, WritesFromManyThreadsAreDurableWhenAnswered) {
  constexpr int kRequests = 200;
  std::vector<http::Request> requests(kRequests);
  std::vector<http::Response> responses(kRequests);
  std::atomic<int> visible_when_answered{0};
  Completions completions;
  {
    WriteBatcher batcher(*store_);
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        for (int i = t; i < kRequests; i += 8) {
          requests[i].target = "s-" + std::to_string(i);
          auto run = [&, i] {
            auto txn = store_->Begin(storage::TxnMode::kWrite);
            if (!txn.ok() || !(*txn)->InsertSecret(MinimalSecret(requests[i].target)).ok() ||
                !(*txn)->Commit().ok()) {
              responses[i].status = 409;
            }
          };
          batcher.Enqueue(MakeJob(run, responses[i], [&, i] {
            // Answered: another connection must see the write already.
            auto r = store_->Begin(storage::TxnMode::kRead);
            if (r.ok()) {
              auto got = (*r)->GetSecretByName(kAccount, kRegion, requests[i].target);
              if (got.ok() && got->has_value()) ++visible_when_answered;
            }
            completions.Done()();
          }));
        }
      });
    }
    for (auto& c : clients) c.join();
    ASSERT_TRUE(completions.WaitFor(kRequests));
  }
  EXPECT_EQ(visible_when_answered.load(), kRequests);
  for (const auto& r : responses) EXPECT_EQ(r.status, 200);
}

// A store whose batches fail to commit, as on a full or failing disk.
class FailingStore final : public storage::Store {
 public:
  Result<std::unique_ptr<storage::Txn>> Begin(storage::TxnMode) override {
    return Status::Internal("not used");
  }
  Result<std::unique_ptr<storage::Batch>> BeginBatch() override {
    struct FailingBatch final : storage::Batch {
      Status Commit() override { return Status::Internal("disk on fire"); }
    };
    return std::unique_ptr<storage::Batch>(std::make_unique<FailingBatch>());
  }
  void Close() override {}
};

TEST(WriteBatcherTest, AFailedCommitTurnsEveryAnswerOfTheBatchIntoAnError) {
  FailingStore store;
  http::Response response;
  Completions completions;
  WriteBatcher batcher(store);
  batcher.Enqueue(MakeJob([&] { response.body = "created"; }, response, completions.Done()));
  ASSERT_TRUE(completions.WaitFor(1));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("created"), std::string::npos);
  EXPECT_NE(response.body.find("disk on fire"), std::string::npos);
}

TEST_F(WriteBatcherStoreTest, AThrowingHandlerIsAnsweredAndTheOthersGoOn) {
  http::Response bad_response, good_response;
  Completions completions;
  WriteBatcher batcher(*store_);
  batcher.Enqueue(
      MakeJob([] { throw std::runtime_error("boom"); }, bad_response, completions.Done()));
  batcher.Enqueue(MakeJob([&] { good_response.body = "ok"; }, good_response, completions.Done()));
  ASSERT_TRUE(completions.WaitFor(2));
  EXPECT_EQ(bad_response.status, 500);
  EXPECT_EQ(good_response.body, "ok");
}

TEST_F(WriteBatcherStoreTest, DestructorAnswersWhatIsQueued) {
  constexpr int kRequests = 50;
  std::vector<http::Response> responses(kRequests);
  Completions completions;
  {
    WriteBatcher batcher(*store_, /*max_batch=*/4);
    for (int i = 0; i < kRequests; ++i) {
      http::Response& r = responses[i];
      batcher.Enqueue(MakeJob([&r] { r.body = "ok"; }, r, completions.Done()));
    }
  }
  EXPECT_EQ(completions.count, kRequests);
  for (const auto& r : responses) EXPECT_EQ(r.body, "ok");
}

}  // namespace
}  // namespace coffer::server
