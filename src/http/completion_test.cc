#include "http/completion.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

namespace coffer::http {
namespace {

namespace asio = boost::asio;

TEST(CompletionTest, CallPostsToItsExecutor) {
  asio::io_context io;
  int ran = 0;
  Completion c(io.get_executor(), [&] { ++ran; });
  c();
  EXPECT_EQ(ran, 0);  // not on the calling thread
  EXPECT_EQ(io.poll(), 1u);
  EXPECT_EQ(ran, 1);
}

TEST(CompletionTest, ABareCallableRunsInPlace) {
  int ran = 0;
  Completion c([&] { ++ran; });
  c();
  EXPECT_EQ(ran, 1);
}

// One post per executor, its completions in their order; bare ones at once.
TEST(CompletionTest, PostAllPostsOncePerExecutor) {
  asio::io_context a, b;
  std::string order;
  std::vector<Completion> all;
  all.emplace_back(a.get_executor(), [&] { order += "a1 "; });
  all.emplace_back(b.get_executor(), [&] { order += "b1 "; });
  all.emplace_back([&] { order += "bare "; });
  all.emplace_back(a.get_executor(), [&] { order += "a2 "; });
  all.emplace_back(a.get_executor(), [&] { order += "a3 "; });
  all.emplace_back(b.get_executor(), [&] { order += "b2 "; });
  Completion::PostAll(std::move(all));
  EXPECT_EQ(order, "bare ");
  EXPECT_EQ(a.poll_one(), 1u);  // one handler ran all three
  EXPECT_EQ(order, "bare a1 a2 a3 ");
  EXPECT_EQ(a.poll(), 0u);
  EXPECT_EQ(b.poll_one(), 1u);
  EXPECT_EQ(order, "bare a1 a2 a3 b1 b2 ");
}

TEST(CompletionTest, PostAllOfNothingPostsNothing) {
  Completion::PostAll({});
  asio::io_context io;
  EXPECT_EQ(io.poll(), 0u);
}

}  // namespace
}  // namespace coffer::http
