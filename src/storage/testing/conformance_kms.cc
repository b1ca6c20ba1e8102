// Conformance: KMS keys, key material and aliases.
#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kKmsTestsAnchor = 1;
}  // namespace internal

namespace {

KmsKeyRecord MakeKey(const std::string& key_id, const std::string& account = kAccount,
                     const std::string& region = kRegion) {
  KmsKeyRecord k;
  k.key_id = key_id;
  k.account_id = account;
  k.region = region;
  k.arn = "arn:aws:kms:" + region + ":" + account + ":key/" + key_id;
  k.key_manager = "CUSTOMER";
  k.key_state = "Enabled";
  k.policy = R"({"Version":"2012-10-17"})";
  k.created_ms = 1000;
  return k;
}

}  // namespace

TEST_P(StoreConformance, KmsKeyRoundTripAndReplace) {
  KmsKeyRecord full = MakeKey("0b1c2d3e-full");
  full.description = "pending deletion";
  full.key_manager = "AWS";
  full.key_state = "PendingDeletion";
  full.key_usage = "ENCRYPT_DECRYPT";
  full.key_spec = "SYMMETRIC_DEFAULT";
  full.origin = "EXTERNAL";
  full.rotation_enabled = true;
  full.rotation_period_days = 90;
  full.next_rotation_ms = 1'800'000'000'000;
  full.deletion_ms = 1'700'000'000'000;
  full.pending_window_days = 7;
  full.current_material = 3;
  full.tags = {{"team", "data"}, {"env", "prod"}, {"a", ""}};
  KmsKeyRecord minimal = MakeKey("0b1c2d3e-min");
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutKmsKey(full));
    COFFER_ASSERT_OK(txn->PutKmsKey(minimal));
    COFFER_ASSERT_OK(txn->Commit());
  }
  {
    std::unique_ptr<Txn> txn = Read();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto got_full, txn->GetKmsKey(full.key_id));
    EXPECT_EQ(got_full, full);
    COFFER_ASSERT_OK_AND_ASSIGN(auto got_min, txn->GetKmsKey(minimal.key_id));
    EXPECT_EQ(got_min, minimal);
    COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->GetKmsKey("nope"));
    EXPECT_FALSE(none.has_value());
  }
  // Replace: optionals cleared, tags replaced.
  KmsKeyRecord replaced = MakeKey(full.key_id);
  replaced.key_state = "Disabled";
  replaced.tags = {{"only", "one"}};
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutKmsKey(replaced));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto got, txn->GetKmsKey(full.key_id));
  EXPECT_EQ(got, replaced);
}

TEST_P(StoreConformance, ListKmsKeysByAccountAndRegion) {
  KmsKeyRecord b = MakeKey("bbbb");
  KmsKeyRecord a = MakeKey("aaaa");
  a.tags = {{"k", "v"}};
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutKmsKey(b));
    COFFER_ASSERT_OK(txn->PutKmsKey(a));
    COFFER_ASSERT_OK(txn->PutKmsKey(MakeKey("cccc", kAccount, kOtherRegion)));
    COFFER_ASSERT_OK(txn->PutKmsKey(MakeKey("dddd", kOtherAccount, kRegion)));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto keys, txn->ListKmsKeys(kAccount, kRegion));
  EXPECT_EQ(keys, (std::vector<KmsKeyRecord>{a, b}));  // by key id, with tags
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ListKmsKeys(kOtherAccount, kOtherRegion));
  EXPECT_TRUE(none.empty());
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, txn->ListAllKmsKeys());
  std::vector<std::string> ids;
  for (const auto& k : all) ids.push_back(k.key_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"aaaa", "bbbb", "cccc", "dddd"}));
}

TEST_P(StoreConformance, KmsKeyMaterialIsInsertOnly) {
  KmsKeyMaterialRecord m1{"key-1", 1, std::string("\0sealed-1\xff", 10), 100};
  KmsKeyMaterialRecord m2{"key-1", 2, "sealed-2", 200, "ON_DEMAND"};
  KmsKeyMaterialRecord other{"key-2", 1, "sealed-other", 300};
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutKmsKey(MakeKey("key-1")));
    COFFER_ASSERT_OK(txn->PutKmsKey(MakeKey("key-2")));
    COFFER_ASSERT_OK(txn->PutKmsKeyMaterial(m1));
    COFFER_ASSERT_OK(txn->PutKmsKeyMaterial(m2));
    COFFER_ASSERT_OK(txn->PutKmsKeyMaterial(other));
    Status dup = txn->PutKmsKeyMaterial({"key-1", 1, "overwrite attempt", 999});
    EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists) << dup.ToString();
    EXPECT_EQ(dup.reason(), "Conflict");
    COFFER_ASSERT_OK(txn->Commit());
  }
  {
    std::unique_ptr<Txn> txn = Read();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto got1, txn->GetKmsKeyMaterial("key-1", 1));
    EXPECT_EQ(got1, m1);
    COFFER_ASSERT_OK_AND_ASSIGN(auto got2, txn->GetKmsKeyMaterial("key-1", 2));
    EXPECT_EQ(got2, m2);
    COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->GetKmsKeyMaterial("key-1", 3));
    EXPECT_FALSE(none.has_value());
  }
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->DeleteKmsKeyMaterial("key-1"));
    COFFER_ASSERT_OK(txn->DeleteKmsKeyMaterial("key-1"));  // nothing left: OK
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  for (int32_t version : {1, 2}) {
    COFFER_ASSERT_OK_AND_ASSIGN(auto gone, txn->GetKmsKeyMaterial("key-1", version));
    EXPECT_FALSE(gone.has_value()) << version;
  }
  COFFER_ASSERT_OK_AND_ASSIGN(auto kept, txn->GetKmsKeyMaterial("key-2", 1));
  EXPECT_EQ(kept, other);
  COFFER_ASSERT_OK_AND_ASSIGN(auto key, txn->GetKmsKey("key-1"));
  EXPECT_TRUE(key.has_value());  // the key record itself stays
}

TEST_P(StoreConformance, KmsAliasCrudAndList) {
  KmsAliasRecord z{kAccount, kRegion, "alias/zeta", "key-1", 10, 11};
  KmsAliasRecord a{kAccount, kRegion, "alias/aws/secretsmanager", "key-2", 20, 21};
  KmsAliasRecord elsewhere{kAccount, kOtherRegion, "alias/zeta", "key-3", 30, 31};
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    for (const auto& alias : {z, a, elsewhere}) COFFER_ASSERT_OK(txn->PutKmsAlias(alias));
    COFFER_ASSERT_OK(txn->Commit());
  }
  {
    std::unique_ptr<Txn> txn = Read();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto got, txn->GetKmsAlias(kAccount, kRegion, "alias/zeta"));
    EXPECT_EQ(got, z);
    COFFER_ASSERT_OK_AND_ASSIGN(auto got2, txn->GetKmsAlias(kAccount, kOtherRegion, "alias/zeta"));
    EXPECT_EQ(got2, elsewhere);
    COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->GetKmsAlias(kOtherAccount, kRegion, "alias/zeta"));
    EXPECT_FALSE(none.has_value());
    COFFER_ASSERT_OK_AND_ASSIGN(auto list, txn->ListKmsAliases(kAccount, kRegion));
    EXPECT_EQ(list, (std::vector<KmsAliasRecord>{a, z}));  // by alias name
  }
  z.target_key_id = "key-9";  // UpdateAlias
  z.updated_ms = 99;
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutKmsAlias(z));
    COFFER_ASSERT_OK(txn->DeleteKmsAlias(kAccount, kRegion, "alias/aws/secretsmanager"));
    COFFER_ASSERT_OK(txn->DeleteKmsAlias(kAccount, kRegion, "alias/never-was"));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto list, txn->ListKmsAliases(kAccount, kRegion));
  EXPECT_EQ(list, (std::vector<KmsAliasRecord>{z}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto other, txn->ListKmsAliases(kAccount, kOtherRegion));
  EXPECT_EQ(other, (std::vector<KmsAliasRecord>{elsewhere}));
}

TEST_P(StoreConformance, KmsKeysDueForDeletionAndDeleteKmsKey) {
  KmsKeyRecord due_late = MakeKey("key-due-late");
  due_late.key_state = "PendingDeletion";
  due_late.deletion_ms = 500;
  due_late.pending_window_days = 7;
  due_late.tags = {{"t", "v"}};
  KmsKeyRecord due_early = MakeKey("key-due-early", kOtherAccount, kOtherRegion);
  due_early.key_state = "PendingDeletion";
  due_early.deletion_ms = 100;
  KmsKeyRecord later = MakeKey("key-later");
  later.key_state = "PendingDeletion";
  later.deletion_ms = 5000;
  KmsKeyRecord cancelled = MakeKey("key-cancelled");  // a stale date but Enabled
  cancelled.deletion_ms = 50;
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    for (const auto& k : {due_late, due_early, later, cancelled}) {
      COFFER_ASSERT_OK(txn->PutKmsKey(k));
      COFFER_ASSERT_OK(txn->PutKmsKeyMaterial({k.key_id, 1, "sealed", 1}));
    }
    COFFER_ASSERT_OK(txn->PutKmsKeyMaterial({due_late.key_id, 2, "sealed2", 2}));
    COFFER_ASSERT_OK(txn->PutKmsAlias({kAccount, kRegion, "alias/late", due_late.key_id, 1, 1}));
    COFFER_ASSERT_OK(txn->PutKmsAlias({kAccount, kRegion, "alias/keep", later.key_id, 1, 1}));
    COFFER_ASSERT_OK(txn->Commit());
  }
  {
    std::unique_ptr<Txn> txn = Read();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto due, txn->KmsKeysDueForDeletion(500, 10));
    EXPECT_EQ(due, (std::vector<KmsKeyRecord>{due_early, due_late}));  // by deletion date
    COFFER_ASSERT_OK_AND_ASSIGN(auto one, txn->KmsKeysDueForDeletion(500, 1));
    EXPECT_EQ(one, (std::vector<KmsKeyRecord>{due_early}));
    COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->KmsKeysDueForDeletion(99, 10));
    EXPECT_TRUE(none.empty());
    EXPECT_FALSE(txn->DeleteKmsKey(due_late.key_id).ok());  // read transaction
  }
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->DeleteKmsKey(due_late.key_id));
    COFFER_ASSERT_OK(txn->DeleteKmsKey("never-was"));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto gone, txn->GetKmsKey(due_late.key_id));
  EXPECT_FALSE(gone.has_value());
  for (int32_t version : {1, 2}) {
    COFFER_ASSERT_OK_AND_ASSIGN(auto m, txn->GetKmsKeyMaterial(due_late.key_id, version));
    EXPECT_FALSE(m.has_value()) << version;
  }
  COFFER_ASSERT_OK_AND_ASSIGN(auto alias, txn->GetKmsAlias(kAccount, kRegion, "alias/late"));
  EXPECT_FALSE(alias.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto kept_alias, txn->GetKmsAlias(kAccount, kRegion, "alias/keep"));
  EXPECT_TRUE(kept_alias.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto kept, txn->GetKmsKeyMaterial(later.key_id, 1));
  EXPECT_TRUE(kept.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto due, txn->KmsKeysDueForDeletion(10000, 10));
  EXPECT_EQ(due, (std::vector<KmsKeyRecord>{due_early, later}));
}

TEST_P(StoreConformance, KmsKeysDueForRotation) {
  KmsKeyRecord due = MakeKey("rot-due");
  due.rotation_enabled = true;
  due.next_rotation_ms = 500;
  KmsKeyRecord due_first = MakeKey("rot-first", kOtherAccount, kOtherRegion);
  due_first.rotation_enabled = true;
  due_first.next_rotation_ms = 100;
  KmsKeyRecord later = MakeKey("rot-later");
  later.rotation_enabled = true;
  later.next_rotation_ms = 5000;
  KmsKeyRecord disabled = MakeKey("rot-disabled");  // rotation on, key Disabled
  disabled.key_state = "Disabled";
  disabled.rotation_enabled = true;
  disabled.next_rotation_ms = 50;
  KmsKeyRecord off = MakeKey("rot-off");  // a stale date, rotation off
  off.next_rotation_ms = 50;
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    for (const auto& k : {due, due_first, later, disabled, off})
      COFFER_ASSERT_OK(txn->PutKmsKey(k));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto got, txn->KmsKeysDueForRotation(500, 10));
  EXPECT_EQ(got, (std::vector<KmsKeyRecord>{due_first, due}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto one, txn->KmsKeysDueForRotation(500, 1));
  EXPECT_EQ(one, (std::vector<KmsKeyRecord>{due_first}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->KmsKeysDueForRotation(99, 10));
  EXPECT_TRUE(none.empty());
}

}  // namespace coffer::storage::testing
