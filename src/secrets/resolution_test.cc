// Shared helpers (resolution.h, rendering.h): SecretId resolution, DayStart, metadata shape.

#include <algorithm>
#include <cctype>

#include "secrets/internal.h"

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using ResolveSecretTest = SecretsTest;

TEST_F(ResolveSecretTest, NameFullArnAndPartialArn) {
  std::string arn = CreateString("team/app", "v", 1);
  std::string partial = arn.substr(0, arn.size() - 7);
  EXPECT_EQ(partial, "arn:aws:secretsmanager:us-east-1:123456789012:secret:team/app");
  for (const std::string& id : {std::string("team/app"), arn, partial}) {
    auto d = Ok("DescribeSecret", R"({"SecretId":")" + id + R"("})");
    EXPECT_EQ(std::string(d["ARN"].GetString()), arn) << id;
  }
  // A wrong suffix is not a match, nor is a prefix of the name.
  ExpectError("DescribeSecret", R"({"SecretId":")" + partial + R"(-zzzzzz"})",
              msg::kResourceNotFound, msg::kSecretNotFound);
  ExpectError("DescribeSecret",
              R"({"SecretId":")" + partial.substr(0, partial.size() - 1) + R"("})",
              msg::kResourceNotFound, msg::kSecretNotFound);
}

TEST_F(ResolveSecretTest, NameThatLooksLikeAFullArn) {
  // A secret named "db-<suffix of db>" has a partial ARN equal to the full
  // ARN of "db": the exact ARN wins (AWS documents this ambiguity); the
  // second secret stays reachable by its name and its full ARN.
  std::string db = CreateString("db", "one", 1);
  std::string tricky = CreateString("db-" + db.substr(db.size() - 6), "two", 2);
  std::string tricky_partial = tricky.substr(0, tricky.size() - 7);
  ASSERT_EQ(tricky_partial, db);
  auto by_partial = Ok("GetSecretValue", R"({"SecretId":")" + tricky_partial + R"("})");
  EXPECT_STREQ(by_partial["SecretString"].GetString(), "one");
  auto by_arn = Ok("GetSecretValue", R"({"SecretId":")" + tricky + R"("})");
  EXPECT_STREQ(by_arn["SecretString"].GetString(), "two");
  auto by_name = Ok("GetSecretValue", R"({"SecretId":"db-)" + db.substr(db.size() - 6) + R"("})");
  EXPECT_STREQ(by_name["SecretString"].GetString(), "two");
  // A partial ARN of a name with no exact-ARN twin resolves by name.
  std::string other = CreateString("solo-abcdef", "three", 3);
  auto by_other =
      Ok("GetSecretValue", R"({"SecretId":")" + other.substr(0, other.size() - 7) + R"("})");
  EXPECT_STREQ(by_other["SecretString"].GetString(), "three");
}

TEST_F(ResolveSecretTest, OtherAccountOrRegionIsNotFound) {
  std::string arn = CreateString("s", "v", 1);
  std::string other_region = arn;
  other_region.replace(other_region.find("us-east-1"), 9, "us-west-2");
  ExpectError("DescribeSecret", R"({"SecretId":")" + other_region + R"("})", msg::kResourceNotFound,
              msg::kSecretNotFound);
  std::string other_account = arn;
  other_account.replace(other_account.find("123456789012"), 12, "210987654321");
  ExpectError("DescribeSecret", R"({"SecretId":")" + other_account + R"("})",
              msg::kResourceNotFound, msg::kSecretNotFound);
  RequestContext west = ctx_;
  west.region = "us-west-2";
  EXPECT_EQ(Call("DescribeSecret", R"({"SecretId":"s"})", &west).status.reason(),
            msg::kResourceNotFound);
  EXPECT_EQ(Call("DescribeSecret", R"({"SecretId":")" + arn + R"("})", &west).status.reason(),
            msg::kResourceNotFound);
}

TEST_F(ResolveSecretTest, InvalidNameCharacters) {
  for (const char* bad : {"Inv Name", " Inv*Name? ", "a#b", "name:x"}) {
    ExpectError("DescribeSecret", std::string(R"({"SecretId":")") + bad + R"("})", msg::kValidation,
                msg::kInvalidName);
  }
  ExpectError("DescribeSecret", R"({"SecretId":"Valid/_+=.@-Name-a1b2c3-"})",
              msg::kResourceNotFound, msg::kSecretNotFound);
}

TEST(DayStart, TruncatesToMidnightUtc) {
  EXPECT_EQ(internal::DayStart(kStartMs), 1709251200000);
  EXPECT_EQ(internal::DayStart(1709251200000), 1709251200000);
  EXPECT_EQ(internal::DayStart(1709251199999), 1709251200000 - kDayMs);
}

TEST(SecretArn, Shape) {
  EXPECT_EQ(internal::SecretArn("eu-west-1", "111122223333", "a/b", "Xy12zQ"),
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a/b-Xy12zQ");
  std::string s1 = internal::NewArnSuffix(), s2 = internal::NewArnSuffix();
  EXPECT_EQ(s1.size(), 6u);
  EXPECT_TRUE(std::all_of(s1.begin(), s1.end(), [](char c) { return std::isalnum(c); }));
  EXPECT_NE(s1, s2);  // 62^6 possibilities: a collision here means no randomness
}

TEST(ServiceHandle, UnknownOperation) {
  // Handle() rejects unknown ops before touching storage.
  FakeClock clock(kStartMs);
  crypto::Barrier barrier(SecureString(RandomBytes(32)));
  crypto::Keyring keyring(barrier, clock);
  struct NoStore : storage::Store {
    Result<std::unique_ptr<storage::Txn>> Begin(storage::TxnMode) override {
      return Status::Internal("no store");
    }
    Result<std::unique_ptr<storage::Batch>> BeginBatch() override {
      return Status::Internal("no store");
    }
    void Close() override {}
  } store;
  ServiceOptions options;
  options.token_key = "k";
  Service svc(store, keyring, clock, std::move(options));
  rapidjson::Document in;
  in.Parse("{}");
  JsonBuffer buf;
  JsonWriter w(buf);
  Status s = svc.Handle("NoSuchOperation", RequestContext{}, in, w);
  EXPECT_EQ(s.reason(), "UnknownOperationException");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace coffer::secrets::testing
