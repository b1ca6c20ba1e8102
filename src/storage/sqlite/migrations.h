// The schema's migrations, in order: the SQL script of each version. A
// schema change appends one; a released one is never edited
// (docs/storage_format.md, "Migrations"). schema.cc runs them.
//
// Thread-safety: immutable data.
#pragma once

#include <span>

namespace coffer::storage::sqlite {

struct Migration {
  int version;
  const char* sql;
};

// Every migration, version 1 first; the last one's version is kSchemaVersion.
std::span<const Migration> Migrations();

}  // namespace coffer::storage::sqlite
