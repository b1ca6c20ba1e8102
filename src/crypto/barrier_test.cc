#include "crypto/barrier.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/random.h"

namespace coffer::crypto {
namespace {

constexpr size_t kOverhead = 1 + 12 + 16;

Barrier MakeBarrier() { return Barrier(SecureString(RandomBytes(32))); }

TEST(BarrierTest, RoundTripsVariousSizes) {
  Barrier barrier = MakeBarrier();
  for (size_t n : {0, 1, 15, 16, 17, 32, 1000, 65536}) {
    std::string plaintext = RandomBytes(n);
    Result<std::string> sealed = barrier.Seal(plaintext, "aad");
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    EXPECT_EQ(sealed->size(), n + kOverhead) << n;
    EXPECT_EQ((*sealed)[0], '\x01');
    if (n >= 16) {
      EXPECT_EQ(sealed->find(plaintext), std::string::npos) << n;
    }
    Result<SecureString> opened = barrier.Open(*sealed, "aad");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_TRUE(opened->view() == plaintext) << "size " << n;
  }
}

TEST(BarrierTest, NoncesDiffer) {
  Barrier barrier = MakeBarrier();
  Result<std::string> a = barrier.Seal("same", "aad");
  Result<std::string> b = barrier.Seal("same", "aad");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->substr(1, 12), b->substr(1, 12));
  EXPECT_NE(*a, *b);
}

TEST(BarrierTest, DetectsTamperingAtEveryByteAndBit) {
  Barrier barrier = MakeBarrier();
  Result<std::string> sealed = barrier.Seal("key material 0123456789abcdef", "arn|1");
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = *sealed;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      Result<SecureString> opened = barrier.Open(damaged, "arn|1");
      ASSERT_FALSE(opened.ok()) << "byte " << i << " bit " << bit;
      EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss) << "byte " << i;
    }
  }
}

TEST(BarrierTest, RejectsTruncatedAndExtendedBlobs) {
  Barrier barrier = MakeBarrier();
  Result<std::string> sealed = barrier.Seal("value", "aad");
  ASSERT_TRUE(sealed.ok());
  for (size_t n = 0; n < sealed->size(); ++n) {
    EXPECT_EQ(barrier.Open(sealed->substr(0, n), "aad").status().code(), StatusCode::kDataLoss)
        << "prefix " << n;
  }
  EXPECT_FALSE(barrier.Open(*sealed + "x", "aad").ok());
}

TEST(BarrierTest, RejectsWrongAssociatedData) {
  Barrier barrier = MakeBarrier();
  Result<std::string> sealed = barrier.Seal("value", "arn:aws:kms:us-east-1:1:key/a|1");
  ASSERT_TRUE(sealed.ok());
  for (std::string_view aad :
       {"", "arn:aws:kms:us-east-1:1:key/a|2", "arn:aws:kms:us-east-1:1:key/b|1",
        "arn:aws:kms:us-east-1:1:key/a|1 "}) {
    Result<SecureString> opened = barrier.Open(*sealed, aad);
    EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss) << aad;
  }
  EXPECT_TRUE(barrier.Open(*sealed, "arn:aws:kms:us-east-1:1:key/a|1").ok());
}

TEST(BarrierTest, RejectsOtherRootKey) {
  Barrier a = MakeBarrier();
  Barrier b = MakeBarrier();
  Result<std::string> sealed = a.Seal("value", "aad");
  ASSERT_TRUE(sealed.ok());
  Result<SecureString> opened = b.Open(*sealed, "aad");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss);
}

TEST(BarrierTest, RefusesWrongSizedRootKey) {
  for (size_t n : {0, 16, 31, 33}) {
    Barrier barrier{SecureString(RandomBytes(n))};
    EXPECT_EQ(barrier.Seal("x", "aad").status().code(), StatusCode::kInternal) << n;
    EXPECT_FALSE(barrier.Open(std::string(64, '\x01'), "aad").ok()) << n;
  }
}

TEST(BarrierTest, ErrorsDoNotEchoInputs) {
  Barrier barrier = MakeBarrier();
  const std::string plaintext = "very-secret-plaintext";
  Result<std::string> sealed = barrier.Seal(plaintext, "aad");
  ASSERT_TRUE(sealed.ok());
  Result<SecureString> opened = barrier.Open(*sealed, "aad-marker-7f3e");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().ToString().find(plaintext), std::string::npos);
  EXPECT_EQ(opened.status().ToString().find("aad-marker-7f3e"), std::string::npos);
}

TEST(BarrierTest, ConcurrentUseFromManyThreads) {
  Barrier a = MakeBarrier();
  Barrier b = MakeBarrier();
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const Barrier& barrier = (t % 2) ? a : b;
      const Barrier& other = (t % 2) ? b : a;
      for (int i = 0; i < 300; ++i) {
        std::string value = RandomBytes(static_cast<size_t>(i));
        std::string aad = std::to_string(t) + "/" + std::to_string(i);
        Result<std::string> sealed = barrier.Seal(value, aad);
        if (!sealed.ok()) {
          ++failures[t];
          continue;
        }
        Result<SecureString> opened = barrier.Open(*sealed, aad);
        if (!opened.ok() || opened->view() != value) ++failures[t];
        if (other.Open(*sealed, aad).ok()) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace coffer::crypto
