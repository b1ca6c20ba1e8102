#include "console/console.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "console/assets.h"

namespace coffer::console {
namespace {

http::Response Get(std::string_view path, std::string method = "GET") {
  http::Request request;
  request.method = std::move(method);
  request.target = std::string(path);
  http::Response response;
  Serve(request, path, response);
  return response;
}

std::string HeaderOf(const http::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

std::set<std::string> Names() {
  std::set<std::string> names;
  for (size_t i = 0; i < kFileCount; ++i) names.emplace(kFiles[i].path);
  return names;
}

TEST(ConsoleTest, PathsUnderThePrefixAreTheConsoles) {
  EXPECT_TRUE(IsConsolePath("/console"));
  EXPECT_TRUE(IsConsolePath("/console/"));
  EXPECT_TRUE(IsConsolePath("/console/app.js"));
  EXPECT_FALSE(IsConsolePath("/consoles"));
  EXPECT_FALSE(IsConsolePath("/"));
  EXPECT_FALSE(IsConsolePath("/health"));
}

TEST(ConsoleTest, EntryPageWithAStrictPolicy) {
  http::Response r = Get("/console/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/html; charset=utf-8");
  const std::string csp = HeaderOf(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(HeaderOf(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(r.body.find("<html"), std::string::npos);
  EXPECT_EQ(Get("/console/index.html").body, r.body);
}

TEST(ConsoleTest, RedirectNotFoundAndMethods) {
  http::Response r = Get("/console");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(HeaderOf(r, "Location"), "/console/");
  EXPECT_EQ(Get("/console/nope.js").status, 404);
  EXPECT_EQ(Get("/console/../credentials").status, 404);
  EXPECT_EQ(Get("/console/%2e%2e/root.key").status, 404);
  EXPECT_EQ(Get("/console/", "DELETE").status, 405);
  http::Response head = Get("/console/app.js", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(HeaderOf(head, "Content-Type"), "text/javascript; charset=utf-8");
}

TEST(ConsoleTest, EveryFileHasAKnownTypeAndTheTableIsSorted) {
  ASSERT_GT(kFileCount, 0u);
  for (size_t i = 0; i < kFileCount; ++i) {
    EXPECT_NE(ContentTypeOf(kFiles[i].path), "application/octet-stream") << kFiles[i].path;
    if (i > 0) {
      EXPECT_LT(kFiles[i - 1].path, kFiles[i].path);
    }
  }
}

// The policy forbids inline script and style: a page that had them would
// break in the browser, so none may be written.
TEST(ConsoleTest, NoInlineScriptOrStyleAndEveryReferenceExists) {
  const std::set<std::string> names = Names();
  const std::regex script(R"(<script\b([^>]*)>)");
  const std::regex src(R"re(\bsrc="([^"]+)")re");
  const std::regex href(R"re(<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)")re");
  const std::regex import_from(R"re(\bfrom\s+['"]\./([^'"]+)['"])re");
  const std::regex inline_handler(R"re(<[^>]*\s(on[a-z]+|style)\s*=)re");
  for (size_t i = 0; i < kFileCount; ++i) {
    const std::string body(kFiles[i].body);
    const std::string path(kFiles[i].path);
    if (path.ends_with(".html")) {
      EXPECT_FALSE(std::regex_search(body, inline_handler)) << path;
      for (std::sregex_iterator it(body.begin(), body.end(), script), end; it != end; ++it) {
        std::smatch m;
        const std::string attrs = (*it)[1];
        ASSERT_TRUE(std::regex_search(attrs, m, src)) << path << ": inline <script>";
        EXPECT_TRUE(names.count(m[1])) << path << " loads " << m[1];
      }
      for (std::sregex_iterator it(body.begin(), body.end(), href), end; it != end; ++it) {
        EXPECT_TRUE(names.count((*it)[1])) << path << " links " << (*it)[1];
      }
    }
    if (path.ends_with(".js")) {
      for (std::sregex_iterator it(body.begin(), body.end(), import_from), end; it != end; ++it) {
        EXPECT_TRUE(names.count((*it)[1])) << path << " imports " << (*it)[1];
      }
      EXPECT_EQ(body.find("innerHTML"), std::string::npos) << path << ": build nodes, not HTML";
      EXPECT_EQ(body.find("eval("), std::string::npos) << path;
    }
  }
}

}  // namespace
}  // namespace coffer::console
