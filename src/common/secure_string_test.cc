// SecureString growth leaves no copy behind (issue 18 item 7). Freed blocks
// are observed through wiping_testing::free_observer (called as
// WipingAllocator frees a block), never by reading freed memory.
#include "common/secure_string.h"

#include <gtest/gtest.h>

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace coffer {
namespace {

struct Freed {
  const void* p;
  size_t n;
  bool zero;
};

std::mutex freed_mu;
std::vector<Freed>* freed = nullptr;

void Record(const void* p, size_t n) {
  std::lock_guard lock(freed_mu);
  if (freed == nullptr) return;
  const auto* b = static_cast<const unsigned char*>(p);
  bool zero = true;
  for (size_t i = 0; i < n; ++i) zero = zero && b[i] == 0;
  freed->push_back({p, n, zero});
}

class SecureStringGrowthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    freed = &log_;
    wiping_testing::free_observer.store(&Record);
  }
  void TearDown() override {
    wiping_testing::free_observer.store(nullptr);
    std::lock_guard lock(freed_mu);
    freed = nullptr;
  }
  // The block at `p` was freed through WipingAllocator, and zeroed.
  bool FreedWiped(const void* p) {
    std::lock_guard lock(freed_mu);
    for (const Freed& f : log_)
      if (f.p == p) return f.zero;
    return false;
  }
  std::vector<Freed> log_;
};

TEST_F(SecureStringGrowthTest, AppendWipesTheOldHeapBlock) {
  SecureString s(std::string_view("0123456789abcdefghijklmnopqrstuv"));  // 32 bytes: on the heap
  const void* old_block = s.data();
  const size_t old_capacity = s.capacity();
  s.append(std::string(old_capacity + 1, 'x'));
  ASSERT_NE(static_cast<const void*>(s.data()), old_block) << "did not reallocate";
  EXPECT_TRUE(FreedWiped(old_block)) << "the old block was not freed through the wiping path";
  EXPECT_EQ(s.view().substr(0, 32), "0123456789abcdefghijklmnopqrstuv");
  EXPECT_EQ(s.size(), 32 + old_capacity + 1);
}

TEST_F(SecureStringGrowthTest, ResizeWipesTheOldHeapBlock) {
  SecureString s(std::string_view("0123456789abcdefghijklmnopqrstuv"));
  const void* old_block = s.data();
  s.resize(4096);
  ASSERT_NE(static_cast<const void*>(s.data()), old_block);
  EXPECT_TRUE(FreedWiped(old_block));
  EXPECT_EQ(s.view().substr(0, 32), "0123456789abcdefghijklmnopqrstuv");
}

TEST_F(SecureStringGrowthTest, RepeatedAppendsFreeOnlyWipedBlocks) {
  SecureString s;
  for (int i = 0; i < 200; ++i) s.append("secret-bytes-");
  std::lock_guard lock(freed_mu);
  ASSERT_FALSE(log_.empty());
  for (const Freed& f : log_) EXPECT_TRUE(f.zero) << f.n << "-byte block freed unwiped";
}

// Growing out of the small-string buffer: that buffer lies inside the object
// (the allocator never frees it) and must be wiped too. Reads the object's
// own bytes, which is defined behaviour.
TEST_F(SecureStringGrowthTest, GrowingOutOfTheInlineBufferWipesIt) {
  const std::string_view secret = "ABCDEFGHIJKLMNO";  // fits libstdc++'s 15-byte inline buffer
  SecureString s(secret);
  if (s.capacity() < secret.size() + 1) {
    s.append(std::string(64, '.'));
  } else {
    s.append(std::string(s.capacity() + 1, '.'));
  }
  unsigned char repr[sizeof s];
  std::memcpy(repr, &s, sizeof s);
  const std::string_view object(reinterpret_cast<const char*>(repr), sizeof repr);
  EXPECT_EQ(object.find(secret.substr(8)), std::string_view::npos)
      << "the inline buffer still holds the tail of the secret";
  EXPECT_EQ(s.view().substr(0, secret.size()), secret);
}

TEST(SecureStringTest, CopiesMovesAndAssigns) {
  SecureString a(std::string("a secret that is long enough to live on the heap"));
  SecureString b = a;
  EXPECT_EQ(b.view(), a.view());
  SecureString c = std::move(b);
  EXPECT_EQ(c.view(), a.view());
  EXPECT_TRUE(b.empty());  // NOLINT: moved-from is wiped and empty
  SecureString d(std::string_view("short"));
  d = c;
  EXPECT_EQ(d.view(), a.view());
  d = SecureString(std::string_view("x"));
  EXPECT_EQ(d.view(), "x");
}

}  // namespace
}  // namespace coffer
