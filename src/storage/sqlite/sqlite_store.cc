#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_batch.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage {
namespace {

// Creates the database file as 0600 before SQLite touches it (SQLite gives
// the -wal and -shm files the mode of the database file), and tightens an
// existing one. Messages hold no path: they may reach a log line only.
Status PrepareFile(const std::string& path, bool create) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == ENOENT && !create) {
      return Status::FailedPrecondition("", "the database file does not exist");
    }
    return Status::Internal(std::string("open database file: ") + std::strerror(errno));
  }
  int rc = ::fchmod(fd, 0600);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::Internal(std::string("chmod database file: ") + std::strerror(err));
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string side = path + suffix;
    if (::chmod(side.c_str(), 0600) != 0 && errno != ENOENT) {
      return Status::Internal(std::string("chmod database side file: ") + std::strerror(errno));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options) {
  COFFER_RETURN_IF_ERROR(PrepareFile(path, options.create_if_missing));
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Connection> writer,
                          sqlite::Connection::Open(path, options, /*create=*/false,
                                                   /*reader=*/false));
  COFFER_RETURN_IF_ERROR(sqlite::Migrate(*writer));
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::Checkpointer> checkpointer,
                          sqlite::Checkpointer::Start(path, options, *writer));
  return std::unique_ptr<Store>(std::make_unique<sqlite::SqliteStore>(
      path, options, std::move(writer), std::move(checkpointer)));
}

namespace sqlite {

SqliteStore::SqliteStore(std::string path, SqliteOptions options,
                         std::unique_ptr<Connection> writer,
                         std::unique_ptr<Checkpointer> checkpointer)
    : writer_(std::move(writer)),
      checkpointer_(std::move(checkpointer)),
      readers_(std::move(path), options),
      ctx_{writer_.get(), &group_commit_, &readers_, &read_cache_} {}

SqliteStore::~SqliteStore() { Close(); }

Result<std::unique_ptr<Txn>> SqliteStore::Begin(TxnMode mode) {
  std::unique_ptr<SqliteTxn> txn;
  SqliteBatch* batch = SqliteBatch::Current(ctx_);
  if (batch != nullptr && (mode == TxnMode::kWrite || !batch->txn_open())) {
    // The writer connection is this thread's: joining the batch is the only
    // way to write (Acquire would wait for ourselves).
    COFFER_ASSIGN_OR_RETURN(txn, batch->BeginTxn(mode));
    return std::unique_ptr<Txn>(std::move(txn));
  }
  if (mode == TxnMode::kWrite) {
    COFFER_ASSIGN_OR_RETURN(bool must_begin, group_commit_.Acquire());
    txn = std::make_unique<SqliteTxn>(ctx_, *writer_, must_begin);
  } else if (mode == TxnMode::kReadCached) {
    // Takes no connection yet: the first lookup that misses the cache does.
    txn = std::make_unique<SqliteTxn>(ctx_, group_commit_.generation());
  } else {
    COFFER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader, readers_.Acquire());
    txn = std::make_unique<SqliteTxn>(ctx_, std::move(reader));
  }
  COFFER_RETURN_IF_ERROR(txn->Start());
  return std::unique_ptr<Txn>(std::move(txn));
}

Result<std::unique_ptr<Batch>> SqliteStore::BeginBatch() {
  if (SqliteBatch::Current(ctx_) != nullptr) {
    return Status::Internal("sqlite: this thread already has an open batch");
  }
  return std::unique_ptr<Batch>(std::make_unique<SqliteBatch>(ctx_));
}

void SqliteStore::Close() {
  group_commit_.Close();                     // waits for the active write Txn and its batch
  if (checkpointer_) checkpointer_->Stop();  // before the writer closes
  std::unique_ptr<Connection> writer = std::move(writer_);
  std::vector<std::unique_ptr<Connection>> idle = readers_.Close();
  // Connections close here, outside the locks (the readers first); the last
  // one checkpoints the WAL.
}

Result<std::string> SqliteStore::TEST_Pragma(TxnMode mode, const std::string& name) {
  auto query = [&name](Connection& conn) -> Result<std::string> {
    std::string sql = "PRAGMA " + name;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(conn.db(), sql.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) return conn.Error(rc, "pragma");
    rc = sqlite3_step(stmt);
    std::string out;
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out = text ? reinterpret_cast<const char*>(text) : "";
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return conn.Error(rc, "pragma");
    return out;
  };
  if (mode == TxnMode::kWrite) {
    COFFER_ASSIGN_OR_RETURN(bool must_begin, group_commit_.Acquire());
    (void)must_begin;  // no transaction needed for a pragma
    Result<std::string> out = query(*writer_);
    (void)group_commit_.Release(/*joined=*/false, sqlite3_get_autocommit(writer_->db()) != 0,
                                [this](bool) { return writer_->RollbackIfOpen(); });
    return out;
  }
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader, readers_.Acquire());
  Result<std::string> out = query(*reader);
  readers_.Release(std::move(reader));
  return out;
}

}  // namespace sqlite
}  // namespace coffer::storage
