// TxnContext: all that a SqliteTxn or SqliteBatch uses of its store, handed
// over at Begin, so the transaction code depends on these parts and never on
// the store (sqlite_store.h depends on sqlite_txn.h, not the reverse).
//
//   writer        the writer connection, used only by the holder of
//                 group_commit's turn (a write Txn, or a SqliteBatch);
//   group_commit  the turn on the writer and the batch a write joins; its
//                 Release (with writer->CommitOrRollback to end a batch) is
//                 how a write Txn gives the writer back; its generation() is
//                 what a kReadCached Txn's rows are cached at;
//   readers       where a read Txn's connection comes from (Acquire, or at
//                 the first cache miss of a kReadCached Txn) and goes back to
//                 (Release);
//   read_cache    kReadCached's rows, by key and write generation.
// A Txn is also handed, at Begin, its own connection (the writer, or a reader
// from the pool) and, for kReadCached, the generation current at Begin.
//
// How another engine follows the pattern (PostgreSQL next): its store owns a
// connection pool and whatever else its transactions share, and hands each
// transaction a context like this one (say PgTxnContext: the pool to give the
// connection back to, the read cache and where the write generation comes
// from); the transaction's methods are split by table as here
// (sqlite_txn_<table>.cc: secrets, versions, stages, scan, kms_keys,
// kms_materials, kms_aliases, accounts), each file holding the SQL of its
// tables; and its test file instantiates the conformance suite
// (storage/testing/store_conformance.h), which defines what every engine does.
//
// Thread-safety: a plain value, fixed for the store's life; what it points to
// is thread-safe (group_commit, readers, read_cache) or guarded by the
// writer's turn (writer). The store outlives every Txn that holds one.
#pragma once

namespace coffer::storage {
class ReadCache;
}  // namespace coffer::storage

namespace coffer::storage::sqlite {

class Connection;
class GroupCommit;
class ReaderPool;

struct TxnContext {
  Connection* writer = nullptr;  // closed by Store::Close, after the last turn
  GroupCommit* group_commit = nullptr;
  ReaderPool* readers = nullptr;
  ReadCache* read_cache = nullptr;
};

}  // namespace coffer::storage::sqlite
