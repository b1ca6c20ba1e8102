// SqliteTxn: the secret_stages table: the staging labels of versions, read
// with a version or for several secrets at once (ListStagedVersions), and
// moved between versions. Each label row carries its version's place in the
// version order (schema.cc, migration 5).
#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "storage/sqlite/id_selection.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {

Status SqliteTxn::LoadStages(VersionRecord& v) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT label FROM secret_stages WHERE secret_id = ?1 "
                                         "AND version_id = ?2 ORDER BY label"));
  Stmt st(*conn_, s, "LoadStages");
  st.Int(v.secret_id).Text(v.version_id);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    v.stages.push_back(st.ColText(0));
  }
}

// All the labels of one secret in one statement, for a version list of that
// secret (ListVersions: PutSecretValue, UpdateSecret, UpdateSecretVersionStage,
// ListSecretVersionIds): 2 statements instead of 1 + one per version.
Status SqliteTxn::LoadStagesOfSecret(std::vector<VersionRecord>& versions) {
  std::unordered_map<std::string_view, VersionRecord*> by_id;
  by_id.reserve(versions.size());
  for (VersionRecord& v : versions) by_id.emplace(v.version_id, &v);
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT version_id, label FROM secret_stages "
                                         "WHERE secret_id = ?1 ORDER BY version_id, label"));
  Stmt st(*conn_, s, "LoadStagesOfSecret");
  st.Int(versions.front().secret_id);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    auto it = by_id.find(st.ColView(0));
    if (it != by_id.end()) it->second->stages.push_back(st.ColText(1));
  }
}

// Several secrets' labels (a ListSecrets page) are read each time; one
// secret's (DescribeSecret) go through the read cache in a kReadCached Txn.
Result<std::vector<VersionRecord>> SqliteTxn::ListStagedVersions(
    const std::vector<int64_t>& secret_ids) {
  if (secret_ids.size() != 1 || mode_ != TxnMode::kReadCached) {
    COFFER_RETURN_IF_ERROR(Ready(false));
    return QueryStagedVersions(secret_ids);
  }
  const int64_t id = secret_ids.front();
  COFFER_ASSIGN_OR_RETURN(
      Row<std::vector<VersionRecord>> row,
      CachedLookup<std::vector<VersionRecord>>(
          [&](std::string& k) { k.append("sv\x1f").append(std::to_string(id)); },
          [&]() -> Result<std::optional<std::vector<VersionRecord>>> {
            COFFER_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions,
                                    QueryStagedVersions(secret_ids));
            return std::optional(std::move(versions));
          }));
  return *row;
}

// The rows come in primary-key order, (secret, label); each secret's few
// versions are put in version order here. An ORDER BY on the version order
// made SQLite sort every secret's rows apart (a sorter per secret: ~10 µs of
// a ListSecrets page of 100).
Result<std::vector<VersionRecord>> SqliteTxn::QueryStagedVersions(
    const std::vector<int64_t>& secret_ids) {
  std::vector<VersionRecord> out;
  if (secret_ids.empty()) return out;
  static const IdSelection::Forms kSql = IdSelection::Build(
      "SELECT secret_id, version_id, version_created_ms, version_rowid, label "
      "FROM secret_stages WHERE {ids} ORDER BY secret_id, label",
      "secret_id");
  const IdSelection selection(secret_ids);
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(selection.Sql(kSql)));
  Stmt st(*conn_, s, "ListStagedVersions");
  selection.Bind(st);
  std::vector<int64_t> wanted(secret_ids);
  std::sort(wanted.begin(), wanted.end());
  out.reserve(2 * wanted.size());  // AWSCURRENT's version, often AWSPREVIOUS's
  // The current secret's versions, each with its rowid (the order's tie-break).
  std::vector<std::pair<int64_t, VersionRecord>> versions;
  auto flush = [&] {
    std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second.created_ms, a.first) < std::tie(b.second.created_ms, b.first);
    });
    for (auto& v : versions) out.push_back(std::move(v.second));
    versions.clear();
  };
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const int64_t secret_id = st.ColInt(0);
    if (!std::binary_search(wanted.begin(), wanted.end(), secret_id)) continue;
    if (!versions.empty() && versions.front().second.secret_id != secret_id) flush();
    const std::string_view version_id = st.ColView(1);
    auto it = std::find_if(versions.begin(), versions.end(),
                           [&](const auto& v) { return v.second.version_id == version_id; });
    if (it == versions.end()) {
      VersionRecord v;
      v.secret_id = secret_id;
      v.version_id = std::string(version_id);
      v.created_ms = st.ColInt(2);
      versions.emplace_back(st.ColInt(3), std::move(v));
      it = versions.end() - 1;
    }
    it->second.stages.push_back(st.ColText(4));
  }
  flush();
  return out;
}

// The labels of one version. The foreign key of secret_stages is to the
// secret (schema.cc, migration 4), so a version's rows go here, not by cascade.
Status SqliteTxn::ClearStages(int64_t secret_id, std::string_view version_id) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM secret_stages WHERE secret_id = ?1 AND "
                                         "version_id = ?2"));
  Stmt st(*conn_, s, "ClearStages");
  st.Int(secret_id).Text(version_id);
  return st.Run();
}

Status SqliteTxn::RemoveStage(int64_t secret_id, std::string_view label) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM secret_stages WHERE secret_id = ?1 AND "
                                         "label = ?2"));
  Stmt st(*conn_, s, "RemoveStage");
  st.Int(secret_id).Text(label);
  return st.Run();
}

Status SqliteTxn::MoveStage(int64_t secret_id, std::string_view version_id,
                            std::string_view label) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  // With the version's place in the version order (schema.cc, migration 5);
  // no row if the version does not exist.
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s, conn_->Prepare("INSERT INTO secret_stages (secret_id, label, version_id, "
                                       "version_created_ms, version_rowid) "
                                       "SELECT ?1, ?2, ?3, created_ms, rowid FROM secret_versions "
                                       "WHERE secret_id = ?1 AND version_id = ?3 "
                                       "ON CONFLICT (secret_id, label) DO UPDATE SET "
                                       "version_id = excluded.version_id, "
                                       "version_created_ms = excluded.version_created_ms, "
                                       "version_rowid = excluded.version_rowid"));
  Stmt st(*conn_, s, "MoveStage");
  st.Int(secret_id).Text(label).Text(version_id);
  COFFER_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(conn_->db()) == 0) return Status::NotFound("", "version not found");
  return Status::Ok();
}

}  // namespace coffer::storage::sqlite
