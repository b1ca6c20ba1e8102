// Migration 2 (the KMS API) on a database written by schema version 1: the
// columns and indexes arrive, existing rows survive, and keys that already
// rotate (the AWS managed default key) get their first automatic rotation
// one period after creation.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

TEST(SqliteMigration2, UpgradesAVersion1Database) {
  char tmpl[] = "/tmp/coffer-migration2-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string path = dir + "/coffer.db";
  {
    auto store = OpenSqliteStore(path, SqliteOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    (*store)->Close();
  }
  // Turn the file back into schema version 1 with two keys and a material row.
  ASSERT_EQ(
      RawQuery(path,
               std::string(kUndoLaterMigrations) +
                   "DROP INDEX kms_keys_by_deletion; DROP INDEX kms_keys_by_rotation; "
                   "ALTER TABLE kms_keys DROP COLUMN next_rotation_ms; "
                   "ALTER TABLE kms_key_materials DROP COLUMN rotation_type; "
                   "INSERT INTO kms_keys VALUES ('k-aws','111122223333','us-east-1','arn:k1','',"
                   "'AWS','Enabled','ENCRYPT_DECRYPT','SYMMETRIC_DEFAULT','AWS_KMS','{}',1,365,"
                   "1000,NULL,NULL,1); "
                   "INSERT INTO kms_keys VALUES ('k-cust','111122223333','us-east-1','arn:k2','',"
                   "'CUSTOMER','Enabled','ENCRYPT_DECRYPT','SYMMETRIC_DEFAULT','AWS_KMS','{}',0,"
                   "365,2000,NULL,NULL,1); "
                   "INSERT INTO kms_key_materials VALUES ('k-aws',1,x'00',1000); "
                   "PRAGMA user_version = 1; PRAGMA user_version"),
      "1");
  {
    auto store = OpenSqliteStore(path, SqliteOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    auto aws = (*txn)->GetKmsKey("k-aws");
    ASSERT_TRUE(aws.ok() && aws->has_value());
    EXPECT_EQ((*aws)->next_rotation_ms, 1000 + 365LL * 86400000);
    auto cust = (*txn)->GetKmsKey("k-cust");
    ASSERT_TRUE(cust.ok() && cust->has_value());
    EXPECT_FALSE((*cust)->next_rotation_ms.has_value());
    auto material = (*txn)->GetKmsKeyMaterial("k-aws", 1);
    ASSERT_TRUE(material.ok() && material->has_value());
    EXPECT_EQ((*material)->rotation_type, "");
    auto due = (*txn)->KmsKeysDueForRotation(1000 + 365LL * 86400000, 10);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ(due->front().key_id, "k-aws");
    txn->reset();
    (*store)->Close();
  }
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coffer::storage::sqlite
