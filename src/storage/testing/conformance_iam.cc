// Conformance: IAM entities (users, groups, roles, managed policies).
#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kIamTestsAnchor = 1;
}  // namespace internal

namespace {

IamEntityRecord MakeEntity(std::string kind, std::string name, std::string account = kAccount) {
  IamEntityRecord r;
  r.account_id = std::move(account);
  r.kind = std::move(kind);
  r.name = std::move(name);
  r.id = "AIDA" + r.name;
  r.path = "/";
  r.arn = "arn:aws:iam::" + r.account_id + ":" + r.kind + "/" + r.name;
  r.created_ms = 1000;
  r.document = R"({"Tags":[]})";
  return r;
}

}  // namespace

// Round trip, case-insensitive names, replace keeps one row, kinds and
// accounts are separate namespaces, lists are ordered by folded name.
TEST_P(StoreConformance, IamEntityRoundTripCaseAndList) {
  IamEntityRecord bob = MakeEntity("user", "Bob");
  IamEntityRecord alice = MakeEntity("user", "alice");
  IamEntityRecord role = MakeEntity("role", "bob");
  IamEntityRecord other = MakeEntity("user", "carol", kOtherAccount);
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    for (const auto& r : {bob, alice, role, other}) COFFER_ASSERT_OK(txn->PutIamEntity(r));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto got, reader->GetIamEntity(kAccount, "user", "BOB"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, bob);
  COFFER_ASSERT_OK_AND_ASSIGN(auto r, reader->GetIamEntity(kAccount, "role", "bob"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, role);
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, reader->GetIamEntity(kAccount, "group", "bob"));
  EXPECT_FALSE(none.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto list, reader->ListIamEntities(kAccount, "user"));
  EXPECT_EQ(list, (std::vector<IamEntityRecord>{alice, bob}));
  reader.reset();

  // A name longer than a short-string buffer (its folded key is bound too).
  IamEntityRecord long_name = MakeEntity("role", "Snowflake-Loader-Runner-Role-0123456789");
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutIamEntity(long_name));
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  COFFER_ASSERT_OK_AND_ASSIGN(
      auto found,
      reader->GetIamEntity(kAccount, "role", "snowflake-loader-runner-role-0123456789"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, long_name);
  reader.reset();
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(
        txn->DeleteIamEntity(kAccount, "role", "SNOWFLAKE-LOADER-RUNNER-ROLE-0123456789"));
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  COFFER_ASSERT_OK_AND_ASSIGN(found, reader->GetIamEntity(kAccount, "role", long_name.name));
  EXPECT_FALSE(found.has_value());
  reader.reset();

  IamEntityRecord renamed = bob;
  renamed.name = "BOB";
  renamed.document = R"({"Tags":[{"Key":"team","Value":"data"}]})";
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutIamEntity(renamed));
    COFFER_ASSERT_OK(txn->DeleteIamEntity(kAccount, "user", "ALICE"));
    COFFER_ASSERT_OK(txn->DeleteIamEntity(kAccount, "user", "nobody"));
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  COFFER_ASSERT_OK_AND_ASSIGN(list, reader->ListIamEntities(kAccount, "user"));
  EXPECT_EQ(list, (std::vector<IamEntityRecord>{renamed}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto others, reader->ListIamEntities(kOtherAccount, "user"));
  EXPECT_EQ(others, (std::vector<IamEntityRecord>{other}));
}

// Every change to an entity moves the auth generation in its transaction.
TEST_P(StoreConformance, IamEntityChangesMoveAuthGeneration) {
  auto generation = [&]() -> int64_t {
    std::unique_ptr<Txn> reader = Read();
    auto g = reader->GetAuthGeneration();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : -1;
  };
  const int64_t g0 = generation();
  auto write = [&](auto&& fn) {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    fn(*txn);
    COFFER_ASSERT_OK(txn->Commit());
  };
  IamEntityRecord role = MakeEntity("role", "runner");
  write([&](Txn& t) { COFFER_ASSERT_OK(t.PutIamEntity(role)); });
  const int64_t g1 = generation();
  EXPECT_GT(g1, g0);
  role.document = R"({"Policies":{}})";
  write([&](Txn& t) { COFFER_ASSERT_OK(t.PutIamEntity(role)); });
  const int64_t g2 = generation();
  EXPECT_GT(g2, g1);
  write([&](Txn& t) { COFFER_ASSERT_OK(t.DeleteIamEntity(kAccount, "role", "runner")); });
  EXPECT_GT(generation(), g2);
}

}  // namespace coffer::storage::testing
