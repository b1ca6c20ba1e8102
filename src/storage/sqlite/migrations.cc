#include "storage/sqlite/migrations.h"

#include <array>

#include "storage/sqlite/schema.h"

namespace coffer::storage::sqlite {
namespace {

// Version 1: the initial schema. Ciphertext columns are BLOBs
// (access_keys.sealed_secret, kms_key_materials.sealed_material,
// secret_versions.sealed_value); everything else is metadata the service
// must index or show. Child rows (tags, replicas, versions, stages) go with
// their parent through ON DELETE CASCADE.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE accounts (
  account_id TEXT NOT NULL PRIMARY KEY,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE access_keys (
  access_key_id TEXT NOT NULL PRIMARY KEY,
  account_id    TEXT NOT NULL,
  principal_arn TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  active        INTEGER NOT NULL,
  created_ms    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX access_keys_by_account ON access_keys(account_id);

CREATE TABLE kms_keys (
  key_id               TEXT NOT NULL PRIMARY KEY,
  account_id           TEXT NOT NULL,
  region               TEXT NOT NULL,
  arn                  TEXT NOT NULL,
  description          TEXT NOT NULL,
  key_manager          TEXT NOT NULL,
  key_state            TEXT NOT NULL,
  key_usage            TEXT NOT NULL,
  key_spec             TEXT NOT NULL,
  origin               TEXT NOT NULL,
  policy               TEXT NOT NULL,
  rotation_enabled     INTEGER NOT NULL,
  rotation_period_days INTEGER NOT NULL,
  created_ms           INTEGER NOT NULL,
  deletion_ms          INTEGER,
  pending_window_days  INTEGER,
  current_material     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX kms_keys_by_account ON kms_keys(account_id, region);

CREATE TABLE kms_key_tags (
  key_id    TEXT NOT NULL REFERENCES kms_keys(key_id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (key_id, position)
) WITHOUT ROWID;

CREATE TABLE kms_key_materials (
  key_id          TEXT NOT NULL,
  version         INTEGER NOT NULL,
  sealed_material BLOB NOT NULL,
  created_ms      INTEGER NOT NULL,
  PRIMARY KEY (key_id, version)
) WITHOUT ROWID;

CREATE TABLE kms_aliases (
  account_id    TEXT NOT NULL,
  region        TEXT NOT NULL,
  alias_name    TEXT NOT NULL,
  target_key_id TEXT NOT NULL,
  created_ms    INTEGER NOT NULL,
  updated_ms    INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, alias_name)
) WITHOUT ROWID;
CREATE INDEX kms_aliases_by_target ON kms_aliases(target_key_id);

CREATE TABLE secrets (
  id                              INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id                      TEXT NOT NULL,
  region                          TEXT NOT NULL,
  name                            TEXT NOT NULL,
  arn                             TEXT NOT NULL,
  description                     TEXT,
  kms_key_id                      TEXT NOT NULL,
  type                            TEXT,
  created_ms                      INTEGER NOT NULL,
  last_changed_ms                 INTEGER NOT NULL,
  last_accessed_ms                INTEGER,
  deleted_ms                      INTEGER,
  deletion_date_ms                INTEGER,
  rotation_configured             INTEGER NOT NULL,
  rotation_enabled                INTEGER NOT NULL,
  rotation_lambda_arn             TEXT,
  rotation_rules_json             TEXT,
  last_rotated_ms                 INTEGER,
  next_rotation_ms                INTEGER,
  external_rotation_metadata_json TEXT,
  external_rotation_role_arn      TEXT,
  owning_service                  TEXT,
  resource_policy                 TEXT,
  tags_set                        INTEGER NOT NULL,
  primary_region                  TEXT NOT NULL,
  replica_of                      INTEGER,
  accessed_sort INTEGER GENERATED ALWAYS AS (coalesce(last_accessed_ms, 0)) VIRTUAL
);
CREATE UNIQUE INDEX secrets_by_name ON secrets(account_id, region, name);
CREATE INDEX secrets_by_arn ON secrets(arn);
CREATE INDEX secrets_by_created ON secrets(account_id, region, created_ms);
CREATE INDEX secrets_by_changed ON secrets(account_id, region, last_changed_ms);
CREATE INDEX secrets_by_accessed ON secrets(account_id, region, accessed_sort);
CREATE INDEX secrets_by_purge ON secrets(deletion_date_ms) WHERE deletion_date_ms IS NOT NULL;
CREATE INDEX secrets_by_primary ON secrets(replica_of) WHERE replica_of IS NOT NULL;

CREATE TABLE secret_tags (
  secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  tag_key   TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (secret_id, position)
) WITHOUT ROWID;

CREATE TABLE secret_replicas (
  secret_id        INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  position         INTEGER NOT NULL,
  region           TEXT NOT NULL,
  kms_key_id       TEXT NOT NULL,
  status           TEXT NOT NULL,
  status_message   TEXT NOT NULL,
  last_accessed_ms INTEGER,
  PRIMARY KEY (secret_id, position)
) WITHOUT ROWID;

CREATE TABLE secret_versions (
  secret_id        INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  version_id       TEXT NOT NULL,
  seq              INTEGER NOT NULL,
  created_ms       INTEGER NOT NULL,
  last_accessed_ms INTEGER,
  kms_key_arn      TEXT NOT NULL,
  has_value        INTEGER NOT NULL,
  is_binary        INTEGER NOT NULL,
  sealed_value     BLOB NOT NULL,
  PRIMARY KEY (secret_id, version_id)
) WITHOUT ROWID;
CREATE INDEX secret_versions_by_age ON secret_versions(secret_id, created_ms, seq);

CREATE TABLE secret_stages (
  secret_id  INTEGER NOT NULL,
  label      TEXT NOT NULL,
  version_id TEXT NOT NULL,
  PRIMARY KEY (secret_id, label),
  FOREIGN KEY (secret_id, version_id)
    REFERENCES secret_versions(secret_id, version_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX secret_stages_by_version ON secret_stages(secret_id, version_id, label);
)sql";

// Version 2: the KMS API. Finding keys whose deletion window has ended (the
// purger); automatic key rotation (when the next one is due, and which kind
// of rotation made each material version). Keys that already rotate (the AWS
// managed default key) get their first due date one period after creation.
constexpr const char* kMigration2 = R"sql(
CREATE INDEX kms_keys_by_deletion ON kms_keys(deletion_ms, key_id)
  WHERE key_state = 'PendingDeletion';
ALTER TABLE kms_keys ADD COLUMN next_rotation_ms INTEGER;
UPDATE kms_keys SET next_rotation_ms = created_ms + rotation_period_days * 86400000
  WHERE rotation_enabled = 1;
CREATE INDEX kms_keys_by_rotation ON kms_keys(next_rotation_ms, key_id)
  WHERE next_rotation_ms IS NOT NULL;
ALTER TABLE kms_key_materials ADD COLUMN rotation_type TEXT NOT NULL DEFAULT '';
)sql";

// Version 3: secret_versions becomes a rowid table with a unique index on
// (secret_id, version_id), instead of a table clustered on that key. Version
// ids are random UUIDs, so every new version landed in the middle of its
// secret's run of ~600-byte rows, splitting and rebalancing full leaf pages:
// 4.4 WAL pages per PutSecretValue in a batch of 27. Appended rows share the
// rightmost pages and the index entries are small: 1.2 pages
// (docs/performance.md §6). Runs with foreign keys off (Migrate), so dropping
// the old table does not cascade to secret_stages.
constexpr const char* kMigration3 = R"sql(
CREATE TABLE secret_versions_v3 (
  secret_id        INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  version_id       TEXT NOT NULL,
  seq              INTEGER NOT NULL,
  created_ms       INTEGER NOT NULL,
  last_accessed_ms INTEGER,
  kms_key_arn      TEXT NOT NULL,
  has_value        INTEGER NOT NULL,
  is_binary        INTEGER NOT NULL,
  sealed_value     BLOB NOT NULL
);
INSERT INTO secret_versions_v3 (secret_id, version_id, seq, created_ms, last_accessed_ms,
                                kms_key_arn, has_value, is_binary, sealed_value)
  SELECT secret_id, version_id, seq, created_ms, last_accessed_ms, kms_key_arn, has_value,
         is_binary, sealed_value
  FROM secret_versions ORDER BY secret_id, created_ms, seq;
DROP TABLE secret_versions;
ALTER TABLE secret_versions_v3 RENAME TO secret_versions;
CREATE UNIQUE INDEX secret_versions_by_id ON secret_versions(secret_id, version_id);
CREATE INDEX secret_versions_by_age ON secret_versions(secret_id, created_ms, seq);
)sql";

// Version 4: two indexes fewer for a PutSecretValue to write. Each cost a
// leaf page at a random place per new version (docs/performance.md §6):
// - secret_versions_by_age: the version order is (created_ms, rowid), since
//   rowids follow insertion order in the rowid table of version 3 (which
//   copied rows in seq order). The few versions of a secret are sorted after
//   the lookup by secret_versions_by_id. `seq` is no longer written (0).
// - secret_stages_by_version, the child index of the (secret_id, version_id)
//   foreign key: labels now refer to their secret (ON DELETE CASCADE, served
//   by the primary key), and DeleteVersion removes a version's labels itself
//   from the secret's handful of label rows.
constexpr const char* kMigration4 = R"sql(
DROP INDEX secret_versions_by_age;
CREATE TABLE secret_stages_v4 (
  secret_id  INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  label      TEXT NOT NULL,
  version_id TEXT NOT NULL,
  PRIMARY KEY (secret_id, label)
) WITHOUT ROWID;
INSERT INTO secret_stages_v4 (secret_id, label, version_id)
  SELECT secret_id, label, version_id FROM secret_stages;
DROP TABLE secret_stages;
ALTER TABLE secret_stages_v4 RENAME TO secret_stages;
)sql";

// Version 5: each label row carries its version's place in the version order
// (created_ms, then rowid), so that the labels of a page of secrets are read
// without a lookup of every labelled version (ListSecrets: ~35 µs of a page of
// 100, docs/performance.md §6). Label rows are written only with their
// version's row at hand (SqliteTxn::PutVersion, MoveStage), and a version
// whose created_ms changes (PutVersion's upsert) has its labels rewritten, so
// the copy cannot drift. One join copies both columns.
constexpr const char* kMigration5 = R"sql(
ALTER TABLE secret_stages ADD COLUMN version_created_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE secret_stages ADD COLUMN version_rowid INTEGER NOT NULL DEFAULT 0;
UPDATE secret_stages SET version_created_ms = v.created_ms, version_rowid = v.rowid
  FROM secret_versions AS v
  WHERE v.secret_id = secret_stages.secret_id AND v.version_id = secret_stages.version_id;
)sql";

// Version 6: has_extras, 1 when any of the extra columns (schema.h)
// is set, so that a scan reads those columns only for the rows that have
// them (ListSecrets, a page of 100: 133 -> 103 µs, docs/performance.md §6).
// SqliteTxn writes it with the record (BindSecret); this sets it for the rows
// already there. Adding a column with a constant default rewrites no row.
constexpr const char* kMigration6 = R"sql(
ALTER TABLE secrets ADD COLUMN has_extras INTEGER NOT NULL DEFAULT 0;
UPDATE secrets SET has_extras = 1
  WHERE type IS NOT NULL OR deletion_date_ms IS NOT NULL OR rotation_configured <> 0
     OR rotation_enabled <> 0 OR rotation_lambda_arn IS NOT NULL
     OR rotation_rules_json IS NOT NULL OR last_rotated_ms IS NOT NULL
     OR next_rotation_ms IS NOT NULL OR external_rotation_metadata_json IS NOT NULL
     OR external_rotation_role_arn IS NOT NULL OR owning_service IS NOT NULL
     OR resource_policy IS NOT NULL;
)sql";

// Version 7: access keys bind every column that grants access, and a change
// to any of them is visible to other processes through one cheap read.
// - seal_version: which associated data sealed_secret was sealed with
//   (records.h). Rows already there were sealed with the access key id alone:
//   1. The server reseals them under version 2 at start-up
//   (server::ResealLegacyAccessKeys), which needs the root key this
//   migration does not have; new rows are written with version 2.
// - auth_generation: one row whose counter the triggers increase in the
//   transaction of any insert, update or delete of an access key, whoever
//   makes it (a `coffer admin` process, another node, the sqlite3 shell).
//   server::CredentialCache polls it to drop what it cached.
constexpr const char* kMigration7 = R"sql(
ALTER TABLE access_keys ADD COLUMN seal_version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE auth_generation (
  id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);
INSERT INTO auth_generation (id, generation) VALUES (1, 1);
CREATE TRIGGER access_keys_insert_generation AFTER INSERT ON access_keys BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER access_keys_update_generation AFTER UPDATE ON access_keys BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER access_keys_delete_generation AFTER DELETE ON access_keys BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
)sql";

// Version 8: accounts get a name and a status (issue 20, `coffer admin
// account`).
// - name: unique when not NULL (NULL: no name). The oldest account (the
//   default one, made at first start) is named 'default'; any other account
//   already there is named 'account-' followed by its id.
// - status: 'Active' or 'Disabled'. A change of status moves the auth
//   generation (as access-key changes do since 7), so that a running server's
//   CredentialCache re-checks the accounts of the keys it cached within its
//   poll interval. Inserting an Active account does not move it (no key can
//   have been cached for it as disabled).
constexpr const char* kMigration8 = R"sql(
ALTER TABLE accounts ADD COLUMN name TEXT;
ALTER TABLE accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'Active'
  CHECK (status IN ('Active', 'Disabled'));
UPDATE accounts SET name = CASE
  WHEN account_id = (SELECT account_id FROM accounts ORDER BY created_ms, account_id LIMIT 1)
  THEN 'default' ELSE 'account-' || account_id END;
CREATE UNIQUE INDEX accounts_by_name ON accounts(name);
CREATE TRIGGER accounts_insert_generation AFTER INSERT ON accounts
  WHEN new.status <> 'Active' BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER accounts_update_generation AFTER UPDATE ON accounts
  WHEN old.status IS NOT new.status OR old.account_id IS NOT new.account_id BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER accounts_delete_generation AFTER DELETE ON accounts BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
)sql";

// Version 9: IAM entities (issue 20): users, groups, roles and customer
// managed policies, one JSON document each (records.h IamEntityRecord).
// - name_key: the name lowercased (ASCII), which IAM keeps unique per kind;
//   name keeps the case it was given.
// - Any insert, update or delete moves the auth generation (as access keys
//   do since 7): servers drop the identity policies they compiled within
//   their poll interval.
constexpr const char* kMigration9 = R"sql(
CREATE TABLE iam_entities (
  account_id TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('user', 'group', 'role', 'policy')),
  name_key   TEXT NOT NULL,
  name       TEXT NOT NULL,
  id         TEXT NOT NULL,
  path       TEXT NOT NULL,
  arn        TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  document   TEXT NOT NULL,
  PRIMARY KEY (account_id, kind, name_key)
) WITHOUT ROWID;
CREATE TRIGGER iam_entities_insert_generation AFTER INSERT ON iam_entities BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER iam_entities_update_generation AFTER UPDATE ON iam_entities BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER iam_entities_delete_generation AFTER DELETE ON iam_entities BEGIN
  UPDATE auth_generation SET generation = generation + 1 WHERE id = 1;
END;
)sql";

// Version 10: rotation (issue 21). The scheduler asks every second which
// secrets are due (SqliteTxn::SecretsDueForRotation): a partial index keeps
// that one probe however many secrets there are, and costs nothing for the
// secrets without rotation.
constexpr const char* kMigration10 = R"sql(
CREATE INDEX secrets_by_rotation ON secrets(next_rotation_ms, id)
  WHERE rotation_enabled <> 0 AND next_rotation_ms IS NOT NULL;
)sql";

constexpr std::array<Migration, 10> kAll = {{{1, kMigration1},
                                             {2, kMigration2},
                                             {3, kMigration3},
                                             {4, kMigration4},
                                             {5, kMigration5},
                                             {6, kMigration6},
                                             {7, kMigration7},
                                             {8, kMigration8},
                                             {9, kMigration9},
                                             {10, kMigration10}}};

static_assert(kAll.back().version == kSchemaVersion);

}  // namespace

std::span<const Migration> Migrations() { return kAll; }

}  // namespace coffer::storage::sqlite
