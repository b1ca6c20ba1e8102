// Cluster: what a Coffer node does to share its database with other nodes
// (issue 24, docs/scale-out.md), over the store's optional
// storage::Coordination (PostgreSQL):
//
//   * leadership: IsLeader() gates the background work (the purger, KMS key
//     deletion and rotation, the rotation scheduler) so that one node at a
//     time runs it; logged as "became leader" / "lost leadership". A store
//     without Coordination (SQLite: one node) is always the leader;
//   * change notices: every secret change this node's ChangeFeed publishes
//     (after its COMMIT) goes out as a NOTIFY with a small JSON payload
//     {"node","account","region","arn","name","event","time"} (never a
//     value); notices from other nodes are published by this node's feed
//     (ChangeFeed::NoteFromPeer), its own skipped by the node id. When the
//     channel was lost and is back, the feed answers Reset to its watchers
//     (they may have missed changes).
//
// Order: Start() after the ChangeFeed exists and before anything publishes to
// it; destroy (or Stop) after the last publisher (the WriteBatcher) and
// before the feed.
//
// Thread-safety: IsLeader from any thread; Start/Stop from the main thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/change_feed.h"
#include "storage/coordination.h"
#include "storage/store.h"

namespace coffer::server {

struct ClusterOptions {
  std::chrono::milliseconds leader_retry_interval{2000};
  std::chrono::milliseconds reconnect_interval{1000};
  std::string channel = "coffer_changes";
};

class Cluster {
 public:
  // Starts the election and the notice channel when `store` offers
  // Coordination; a failure to start them is an error (the node must not run
  // background work unchecked).
  static Result<std::unique_ptr<Cluster>> Start(storage::Store& store, ChangeFeed& feed,
                                                const ClusterOptions& options = {});
  ~Cluster();  // Stop()
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  bool IsLeader() const;
  bool shared() const { return election_ != nullptr; }
  const std::string& node_id() const { return node_id_; }
  void Stop();

  // The notice payload of `change` from node `node_id`, and back (nullopt:
  // not a notice of ours). Public for tests.
  static std::string EncodeNotice(std::string_view node_id, const ChangeFeed::Change& change);
  struct Notice {
    std::string node_id;
    ChangeFeed::Change change;
  };
  static std::optional<Notice> DecodeNotice(std::string_view payload);

 private:
  Cluster(ChangeFeed& feed, std::string node_id) : feed_(feed), node_id_(std::move(node_id)) {}
  void OnNotice(std::string_view payload);

  ChangeFeed& feed_;
  const std::string node_id_;
  std::unique_ptr<storage::LeaderElection> election_;  // null: one node
  std::unique_ptr<storage::NoticeChannel> notices_;
  std::atomic<bool> stopped_{false};
};

}  // namespace coffer::server
