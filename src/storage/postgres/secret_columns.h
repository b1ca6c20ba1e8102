// The secrets table's columns as PgTxn binds and reads them (the SQLite
// engine's secret_columns.h, for PostgreSQL): one SELECT list, the INSERT and
// UPDATE statements, and has_extras (written for schema parity with SQLite;
// this engine's scans read every column).
//
// Thread-safety: free functions and constants.
#pragma once

#include <string_view>

#include "pg/connection.h"
#include "storage/records.h"

namespace coffer::storage::postgres {

// "SELECT <every column> FROM secrets ", in ReadSecret's order, then the
// secret's tags (two TEXT[], in order) and whether it has replicas: a secret
// with its tags is one statement; its replicas (rare) one more.
extern const std::string_view kSelectSecret;

// Binds $1..$26: every column of `r` but id, has_extras last.
// kUpdateSecretSql takes the id as $27; kInsertSecretSql returns the new id.
void BindSecret(pg::Params& p, const SecretRecord& r);
extern const std::string_view kInsertSecretSql;
extern const std::string_view kUpdateSecretSql;

// Reads row `i` of a kSelectSecret result, with its tags (not its replicas).
SecretRecord ReadSecret(const pg::Rows& rows, int i);
// Whether row `i` of a kSelectSecret result has replicas to load.
bool HasReplicas(const pg::Rows& rows, int i);

}  // namespace coffer::storage::postgres
