// LockedSlots and the KMS key material cache give back every page they lock
// (issue 18 item 7): slots are wiped when released, and the arena is wiped
// and unlocked when its owner goes. Locked pages are counted with VmLck from
// /proc/self/status; the tests skip where mlock is not allowed.
#include "crypto/lock_memory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/random.h"
#include "crypto/keyring.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::crypto {
namespace {

// Locked memory of this process in kB, or -1.
long LockedKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmLck:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

bool AllZero(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

TEST(LockedSlotsTest, ReleaseWipesTheSlot) {
  internal::LockedSlots slots(32, 8, "test keys");
  auto a = slots.Acquire();
  auto b = slots.Acquire();
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  std::memset(slots.slot(*a), 0x5a, 32);
  std::memset(slots.slot(*b), 0x6b, 32);
  slots.Release(*a);
  EXPECT_TRUE(AllZero(slots.slot(*a), 32));
  EXPECT_FALSE(AllZero(slots.slot(*b), 32));
  EXPECT_EQ(slots.in_use(), 1u);
  slots.ReleaseAll();
  EXPECT_TRUE(AllZero(slots.slot(*b), 32));
  EXPECT_EQ(slots.in_use(), 0u);
}

TEST(LockedSlotsTest, RunsOutOfSlots) {
  internal::LockedSlots slots(32, 2, "test keys");
  EXPECT_TRUE(slots.Acquire());
  EXPECT_TRUE(slots.Acquire());
  EXPECT_FALSE(slots.Acquire());
}

TEST(LockedSlotsTest, DestructionUnlocksItsPages) {
  const long before = LockedKb();
  ASSERT_GE(before, 0);
  auto slots = std::make_unique<internal::LockedSlots>(32, 1024, "test keys");
  // (AddressSanitizer's mlock reports success and locks nothing.)
  if (!slots->locked() || LockedKb() == before) GTEST_SKIP() << "mlock is not allowed here";
  EXPECT_EQ(LockedKb(), before + 32);
  slots.reset();
  EXPECT_EQ(LockedKb(), before);
}

// A Keyring that cached more materials than fit (the cache is emptied once)
// and forgot a key leaves no page locked once it is destroyed: the material
// slots and the data-key arena are unlocked, not left locked in the heap.
TEST(KeyringMaterialCacheTest, DestroyedKeyringLeavesNothingLocked) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "coffer-lock-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl;
  {
    auto store = storage::OpenSqliteStore(dir + "/coffer.db", storage::SqliteOptions{});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    SystemClock clock;
    Barrier barrier(SecureString(RandomBytes(32)));
    const long before = LockedKb();
    ASSERT_GE(before, 0);
    {
      Keyring keyring(barrier, clock);
      auto txn = (*store)->Begin(storage::TxnMode::kWrite);
      ASSERT_TRUE(txn.ok());
      std::string first_key;
      for (int i = 0; i < 1100; ++i) {  // past the 1024-entry cache: it is emptied once
        storage::KmsKeyRecord key;
        key.account_id = "123456789012";
        key.region = "us-east-1";
        auto created = keyring.CreateKey(**txn, key);
        ASSERT_TRUE(created.ok()) << created.status().ToString();
        if (i == 0) first_key = created->key_id;
        if (i == 1099) {
          auto sealed = keyring.SealValue(**txn, *created, "value", EncryptionContext{});
          ASSERT_TRUE(sealed.ok());
          auto opened = keyring.OpenValue(**txn, *sealed, EncryptionContext{});
          ASSERT_TRUE(opened.ok());
          EXPECT_EQ(opened->view(), "value");
        }
      }
      keyring.ForgetKey(first_key);
      ASSERT_TRUE((*txn)->Commit().ok());
      if (LockedKb() == before) GTEST_SKIP() << "mlock is not allowed here";
    }
    // VmLck is the whole process's: memory locked before `before` (the
    // sealed-value path's other locked buffers) may be released meanwhile, so
    // the count can end below it (68 < 72 kB seen in a clean-clone run); what
    // must not happen is that it ends above it.
    EXPECT_LE(LockedKb(), before) << "pages stayed locked after the Keyring was destroyed";
    (*store)->Close();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coffer::crypto
