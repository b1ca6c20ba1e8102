// ReaderPool: the SQLite engine's reader connections (query_only), each lent
// to one read Txn at a time and given back when the Txn ends, so readers run
// in parallel with each other and with the writer (WAL snapshots).
//
// Up to SqliteOptions::max_idle_readers idle connections are kept; more are
// opened on demand and closed when given back beyond that number.
//
// Thread-safety: thread-safe. A lent connection belongs to its borrower until
// Release. Connections are opened and closed outside the lock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "coffer/result.h"
#include "common/thread_annotations.h"
#include "storage/sqlite/sqlite_options.h"

namespace coffer::storage::sqlite {

class Connection;

class ReaderPool {
 public:
  ReaderPool(std::string path, SqliteOptions options);
  ~ReaderPool();  // closes the idle connections

  // An idle connection, or a new one.
  // Errors: FailedPrecondition once closed; those of Connection::Open.
  Result<std::unique_ptr<Connection>> Acquire();
  // Gives `conn` back (or closes it: pool full or closed).
  void Release(std::unique_ptr<Connection> conn);
  // Refuses later Acquires and returns the idle connections, for the caller
  // to close outside the lock. Connections still lent close when given back.
  std::vector<std::unique_ptr<Connection>> Close();

 private:
  const std::string path_;
  const SqliteOptions options_;

  Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
};

}  // namespace coffer::storage::sqlite
