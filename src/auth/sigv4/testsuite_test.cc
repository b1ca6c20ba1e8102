// The aws4_testsuite corpus (third_party/aws/sigv4-testsuite, from botocore's
// tests/unit/auth/aws4_testsuite): for every case, the signer must reproduce
// the canonical request, string to sign and Authorization header, and the
// Verifier must accept the request carrying that Authorization.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/sigv4/errors.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/verifier.h"

namespace coffer::auth::sigv4 {
namespace {

namespace fs = std::filesystem;

constexpr char kAccessKeyId[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr int64_t kVectorTime = 1440938160000;  // 20150830T123600Z

fs::path SuiteDir() { return fs::path(COFFER_SOURCE_DIR) / "third_party/aws/sigv4-testsuite"; }

// Relative paths of case directories (those holding NAME/NAME.req).
std::vector<std::string> FindCases() {
  std::vector<std::string> cases;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(SuiteDir(), ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory()) continue;
    const fs::path dir = it->path();
    if (fs::exists(dir / (dir.filename().string() + ".req"))) {
      cases.push_back(fs::relative(dir, SuiteDir()).generic_string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A request parsed from the suite's raw HTTP: "METHOD target HTTP/1.1", header
// lines (a line starting with whitespace continues the previous value), a
// blank line, the body. The target may contain spaces (get-space).
struct RawRequest {
  std::string method, target, body;
  HeaderList headers;
  HttpRequestView view() const { return {method, target, &headers, body}; }
};

RawRequest ParseRaw(const std::string& text) {
  RawRequest req;
  size_t header_end = text.find("\n\n");
  std::string head = text.substr(0, header_end);
  if (header_end != std::string::npos) req.body = text.substr(header_end + 2);
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  size_t first = line.find(' '), last = line.rfind(' ');
  req.method = line.substr(0, first);
  req.target = line.substr(first + 1, last - first - 1);
  while (std::getline(lines, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {
      req.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return req;
}

// The session token botocore's test derives from the canonical request.
std::string TokenFrom(const std::string& creq) {
  const std::string prefix = "\nx-amz-security-token:";
  size_t at = creq.find(prefix);
  if (at == std::string::npos) return "";
  size_t start = at + prefix.size();
  return creq.substr(start, creq.find('\n', start) - start);
}

class Aws4TestSuite : public ::testing::TestWithParam<std::string> {
 protected:
  std::string Read(const std::string& ext) const {
    const fs::path dir = SuiteDir() / GetParam();
    return ReadFile(dir / (dir.filename().string() + ext));
  }
};

TEST(Aws4TestSuiteCorpus, AllCasesFound) {
  // 34 cases including the normalize-path/ and post-sts-token/ subdirectories.
  EXPECT_EQ(FindCases().size(), 34u) << "suite dir: " << SuiteDir();
}

TEST_P(Aws4TestSuite, SignerMatchesVector) {
  const RawRequest req = ParseRaw(Read(".req"));
  const std::string creq = Read(".creq");
  SigningCredentials creds{kAccessKeyId, SecureString(std::string(kSecret)), TokenFrom(creq)};
  auto signed_req = SignRequest(req.view(), creds, "us-east-1", "service", kVectorTime);
  ASSERT_TRUE(signed_req.ok()) << signed_req.status().ToString();
  EXPECT_EQ(signed_req->canonical_request, creq);
  EXPECT_EQ(signed_req->string_to_sign, Read(".sts"));
  EXPECT_EQ(signed_req->authorization, Read(".authz"));
  EXPECT_EQ(signed_req->amz_date, "20150830T123600Z");
}

TEST_P(Aws4TestSuite, VerifierAcceptsVector) {
  RawRequest req = ParseRaw(Read(".req"));
  const std::string token = TokenFrom(Read(".creq"));
  req.headers.emplace_back("Authorization", Read(".authz"));
  if (!token.empty()) req.headers.emplace_back("X-Amz-Security-Token", token);
  FakeClock clock(kVectorTime);
  int lookups = 0;
  Verifier verifier(
      [&](std::string_view akid) -> Result<std::shared_ptr<const Credential>> {
        ++lookups;
        if (akid != kAccessKeyId) return std::shared_ptr<const Credential>();
        return std::make_shared<const Credential>(
            Credential{SecureString(std::string(kSecret)), "123456789012",
                       "arn:aws:iam::123456789012:user/example"});
      },
      clock, VerifierOptions{});
  auto caller = verifier.Verify(req.view(), "service");
  if (!token.empty()) {
    // Temporary credentials do not exist yet: any session token is refused.
    ASSERT_FALSE(caller.ok());
    EXPECT_EQ(caller.status().reason(), kUnrecognizedClient);
    return;
  }
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->access_key_id, kAccessKeyId);
  EXPECT_EQ(caller->account_id, "123456789012");
  EXPECT_EQ(caller->principal_arn, "arn:aws:iam::123456789012:user/example");
  EXPECT_EQ(caller->region, "us-east-1");
  EXPECT_EQ(caller->service, "service");
  EXPECT_EQ(caller->request_time_ms, kVectorTime);
  EXPECT_EQ(lookups, 1);
  // The same request with one byte of the signature changed is refused.
  std::string& authz = req.headers.back().second;
  authz.back() = authz.back() == '0' ? '1' : '0';
  auto tampered = verifier.Verify(req.view(), "service");
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.status().message(), kSignatureMismatchMessage);
}

// The post-sts-header-after .sreq adds the session token after signing; the
// request is refused for the token, not accepted because the token is unsigned.
TEST(Aws4TestSuiteCorpus, UnsignedSessionTokenIsRefused) {
  const fs::path sreq =
      SuiteDir() / "post-sts-token/post-sts-header-after/post-sts-header-after.sreq";
  RawRequest req = ParseRaw(ReadFile(sreq));
  for (auto& [name, value] : req.headers) {
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);  // "Authorization: AWS4..."
  }
  FakeClock clock(kVectorTime);
  Verifier verifier(
      [](std::string_view) -> Result<std::shared_ptr<const Credential>> {
        return std::make_shared<const Credential>(
            Credential{SecureString(std::string(kSecret)), "1", "a"});
      },
      clock, VerifierOptions{});
  auto caller = verifier.Verify(req.view(), "service");
  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.status().reason(), kUnrecognizedClient);
  EXPECT_EQ(caller.status().message(), "The security token included in the request is invalid.");
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, Aws4TestSuite, ::testing::ValuesIn(FindCases()), CaseName);

}  // namespace
}  // namespace coffer::auth::sigv4
