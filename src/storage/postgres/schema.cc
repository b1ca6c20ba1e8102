#include "storage/postgres/schema.h"

#include <chrono>
#include <string>

#include "storage/postgres/pool.h"

namespace coffer::storage::postgres {
namespace {

// Version 10: the SQLite engine's schema 10 (see its migrations.cc for why
// each table and index is as it is). Differences:
//   * secrets.id and secret_versions.row_seq are identity columns (never
//     reused); row_seq is the insertion order SQLite's rowid gave, and
//     secret_stages.version_seq its copy (SQLite: version_rowid);
//   * secrets.accessed_sort is a STORED generated column;
//   * secret_versions has no `seq` (SQLite writes it as 0 since schema 4);
//   * the auth generation moves by triggers calling one PL/pgSQL function.
constexpr const char* kMigration10 = R"sql(
CREATE TABLE accounts (
  account_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  created_ms BIGINT NOT NULL,
  name       TEXT COLLATE "C",
  status     TEXT COLLATE "C" NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Disabled'))
);
CREATE UNIQUE INDEX accounts_by_name ON accounts(name);

CREATE TABLE auth_generation (
  id         BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
  generation BIGINT NOT NULL
);
INSERT INTO auth_generation (id, generation) VALUES (1, 1);

CREATE TABLE access_keys (
  access_key_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  account_id    TEXT COLLATE "C" NOT NULL,
  principal_arn TEXT COLLATE "C" NOT NULL,
  sealed_secret BYTEA NOT NULL,
  active        BOOLEAN NOT NULL,
  created_ms    BIGINT NOT NULL,
  seal_version  BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX access_keys_by_account ON access_keys(account_id);

CREATE TABLE iam_entities (
  account_id TEXT COLLATE "C" NOT NULL,
  kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('user', 'group', 'role', 'policy')),
  name_key   TEXT COLLATE "C" NOT NULL,
  name       TEXT COLLATE "C" NOT NULL,
  id         TEXT COLLATE "C" NOT NULL,
  path       TEXT COLLATE "C" NOT NULL,
  arn        TEXT COLLATE "C" NOT NULL,
  created_ms BIGINT NOT NULL,
  document   TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (account_id, kind, name_key)
);

CREATE FUNCTION coffer_bump_auth_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER access_keys_generation AFTER INSERT OR UPDATE OR DELETE ON access_keys
  FOR EACH ROW EXECUTE FUNCTION coffer_bump_auth_generation();
CREATE TRIGGER iam_entities_generation AFTER INSERT OR UPDATE OR DELETE ON iam_entities
  FOR EACH ROW EXECUTE FUNCTION coffer_bump_auth_generation();
CREATE TRIGGER accounts_insert_generation AFTER INSERT ON accounts
  FOR EACH ROW WHEN (NEW.status <> 'Active') EXECUTE FUNCTION coffer_bump_auth_generation();
CREATE TRIGGER accounts_update_generation AFTER UPDATE ON accounts
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                     OR OLD.account_id IS DISTINCT FROM NEW.account_id)
  EXECUTE FUNCTION coffer_bump_auth_generation();
CREATE TRIGGER accounts_delete_generation AFTER DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION coffer_bump_auth_generation();

CREATE TABLE kms_keys (
  key_id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  account_id           TEXT COLLATE "C" NOT NULL,
  region               TEXT COLLATE "C" NOT NULL,
  arn                  TEXT COLLATE "C" NOT NULL,
  description          TEXT COLLATE "C" NOT NULL,
  key_manager          TEXT COLLATE "C" NOT NULL,
  key_state            TEXT COLLATE "C" NOT NULL,
  key_usage            TEXT COLLATE "C" NOT NULL,
  key_spec             TEXT COLLATE "C" NOT NULL,
  origin               TEXT COLLATE "C" NOT NULL,
  policy               TEXT COLLATE "C" NOT NULL,
  rotation_enabled     BOOLEAN NOT NULL,
  rotation_period_days BIGINT NOT NULL,
  created_ms           BIGINT NOT NULL,
  deletion_ms          BIGINT,
  pending_window_days  BIGINT,
  current_material     BIGINT NOT NULL,
  next_rotation_ms     BIGINT
);
CREATE INDEX kms_keys_by_account ON kms_keys(account_id, region, key_id);
CREATE INDEX kms_keys_by_deletion ON kms_keys(deletion_ms, key_id)
  WHERE key_state = 'PendingDeletion';
CREATE INDEX kms_keys_by_rotation ON kms_keys(next_rotation_ms, key_id)
  WHERE next_rotation_ms IS NOT NULL;

CREATE TABLE kms_key_tags (
  key_id    TEXT COLLATE "C" NOT NULL REFERENCES kms_keys(key_id) ON DELETE CASCADE,
  position  BIGINT NOT NULL,
  tag_key   TEXT COLLATE "C" NOT NULL,
  tag_value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (key_id, position)
);

CREATE TABLE kms_key_materials (
  key_id          TEXT COLLATE "C" NOT NULL,
  version         BIGINT NOT NULL,
  sealed_material BYTEA NOT NULL,
  created_ms      BIGINT NOT NULL,
  rotation_type   TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (key_id, version)
);

CREATE TABLE kms_aliases (
  account_id    TEXT COLLATE "C" NOT NULL,
  region        TEXT COLLATE "C" NOT NULL,
  alias_name    TEXT COLLATE "C" NOT NULL,
  target_key_id TEXT COLLATE "C" NOT NULL,
  created_ms    BIGINT NOT NULL,
  updated_ms    BIGINT NOT NULL,
  PRIMARY KEY (account_id, region, alias_name)
);
CREATE INDEX kms_aliases_by_target ON kms_aliases(target_key_id);

CREATE TABLE secrets (
  id                              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id                      TEXT COLLATE "C" NOT NULL,
  region                          TEXT COLLATE "C" NOT NULL,
  name                            TEXT COLLATE "C" NOT NULL,
  arn                             TEXT COLLATE "C" NOT NULL,
  description                     TEXT COLLATE "C",
  kms_key_id                      TEXT COLLATE "C" NOT NULL,
  type                            TEXT COLLATE "C",
  created_ms                      BIGINT NOT NULL,
  last_changed_ms                 BIGINT NOT NULL,
  last_accessed_ms                BIGINT,
  deleted_ms                      BIGINT,
  deletion_date_ms                BIGINT,
  rotation_configured             BOOLEAN NOT NULL,
  rotation_enabled                BOOLEAN NOT NULL,
  rotation_lambda_arn             TEXT COLLATE "C",
  rotation_rules_json             TEXT COLLATE "C",
  last_rotated_ms                 BIGINT,
  next_rotation_ms                BIGINT,
  external_rotation_metadata_json TEXT COLLATE "C",
  external_rotation_role_arn      TEXT COLLATE "C",
  owning_service                  TEXT COLLATE "C",
  resource_policy                 TEXT COLLATE "C",
  tags_set                        BOOLEAN NOT NULL,
  primary_region                  TEXT COLLATE "C" NOT NULL,
  replica_of                      BIGINT,
  has_extras                      BOOLEAN NOT NULL DEFAULT false,
  accessed_sort BIGINT GENERATED ALWAYS AS (coalesce(last_accessed_ms, 0)) STORED
);
CREATE UNIQUE INDEX secrets_by_name ON secrets(account_id, region, name);
CREATE INDEX secrets_by_arn ON secrets(arn);
CREATE INDEX secrets_by_created ON secrets(account_id, region, created_ms, id);
CREATE INDEX secrets_by_changed ON secrets(account_id, region, last_changed_ms, id);
CREATE INDEX secrets_by_accessed ON secrets(account_id, region, accessed_sort, id);
CREATE INDEX secrets_by_purge ON secrets(deletion_date_ms, id) WHERE deletion_date_ms IS NOT NULL;
CREATE INDEX secrets_by_primary ON secrets(replica_of) WHERE replica_of IS NOT NULL;
CREATE INDEX secrets_by_rotation ON secrets(next_rotation_ms, id)
  WHERE rotation_enabled AND next_rotation_ms IS NOT NULL;

CREATE TABLE secret_tags (
  secret_id BIGINT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  position  BIGINT NOT NULL,
  tag_key   TEXT COLLATE "C" NOT NULL,
  tag_value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (secret_id, position)
);

CREATE TABLE secret_replicas (
  secret_id        BIGINT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  position         BIGINT NOT NULL,
  region           TEXT COLLATE "C" NOT NULL,
  kms_key_id       TEXT COLLATE "C" NOT NULL,
  status           TEXT COLLATE "C" NOT NULL,
  status_message   TEXT COLLATE "C" NOT NULL,
  last_accessed_ms BIGINT,
  PRIMARY KEY (secret_id, position)
);

CREATE TABLE secret_versions (
  row_seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  secret_id        BIGINT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  version_id       TEXT COLLATE "C" NOT NULL,
  created_ms       BIGINT NOT NULL,
  last_accessed_ms BIGINT,
  kms_key_arn      TEXT COLLATE "C" NOT NULL,
  has_value        BOOLEAN NOT NULL,
  is_binary        BOOLEAN NOT NULL,
  sealed_value     BYTEA NOT NULL
);
CREATE UNIQUE INDEX secret_versions_by_id ON secret_versions(secret_id, version_id);

CREATE TABLE secret_stages (
  secret_id          BIGINT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  label              TEXT COLLATE "C" NOT NULL,
  version_id         TEXT COLLATE "C" NOT NULL,
  version_created_ms BIGINT NOT NULL,
  version_seq        BIGINT NOT NULL,
  PRIMARY KEY (secret_id, label)
);
)sql";

struct Migration {
  int version;
  const char* sql;
};
constexpr Migration kAll[] = {{10, kMigration10}};
static_assert(kAll[sizeof(kAll) / sizeof(kAll[0]) - 1].version == kPgSchemaVersion);

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<int> MigrateLocked(pg::Connection& conn) {
  COFFER_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS coffer_schema (version BIGINT NOT NULL PRIMARY KEY, "
                "applied_ms BIGINT NOT NULL)",
                "migrate"));
  COFFER_ASSIGN_OR_RETURN(int current, SchemaVersionOf(conn));
  if (current > kPgSchemaVersion) {
    return Status::FailedPrecondition(
        "", "the database was written by a newer version of Coffer (schema version " +
                std::to_string(current) + ", this build knows " + std::to_string(kPgSchemaVersion) +
                ")");
  }
  int applied = 0;
  for (const Migration& m : kAll) {
    if (m.version <= current) continue;
    COFFER_RETURN_IF_ERROR(conn.Exec("BEGIN", "migrate"));
    Status s = conn.Exec(m.sql, "migrate");
    if (s.ok()) {
      pg::Params p;
      p.Int(m.version).Int(NowMs());
      s = conn.Run("INSERT INTO coffer_schema (version, applied_ms) VALUES ($1, $2)", p, "migrate")
              .status();
    }
    if (s.ok()) s = conn.Exec("COMMIT", "migrate");
    if (!s.ok()) {
      if (!conn.broken()) (void)conn.Exec("ROLLBACK", "migrate");
      return s;
    }
    ++applied;
  }
  return applied;
}

}  // namespace

Result<int> SchemaVersionOf(pg::Connection& conn) {
  COFFER_ASSIGN_OR_RETURN(
      pg::Rows exists,
      conn.Run("SELECT to_regclass('coffer_schema') IS NOT NULL", "schema version"));
  if (!exists.Bool(0, 0)) return 0;
  COFFER_ASSIGN_OR_RETURN(
      pg::Rows rows,
      conn.Run("SELECT coalesce(max(version), 0) FROM coffer_schema", "schema version"));
  return static_cast<int>(rows.Int(0, 0));
}

Result<int> Migrate(pg::Connection& conn) {
  pg::Params lock;
  lock.Int(kMigrationLockKey);
  COFFER_RETURN_IF_ERROR(conn.Run("SELECT pg_advisory_lock($1)", lock, "migrate").status());
  Result<int> applied = MigrateLocked(conn);
  if (!conn.broken()) {
    (void)conn.Run("SELECT pg_advisory_unlock($1)", lock, "migrate");
  }
  return applied;
}

}  // namespace coffer::storage::postgres
