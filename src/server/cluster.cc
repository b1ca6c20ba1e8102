#include "server/cluster.h"

#include <rapidjson/document.h>

#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/log.h"
#include "common/random.h"

namespace coffer::server {

std::string Cluster::EncodeNotice(std::string_view node_id, const ChangeFeed::Change& c) {
  JsonBuffer buf;
  JsonWriter w(buf);
  auto str = [&w](const char* key, std::string_view v) {
    w.Key(key, static_cast<rapidjson::SizeType>(std::char_traits<char>::length(key)));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("node", node_id);
  str("account", c.account_id);
  str("region", c.region);
  str("arn", c.arn);
  str("name", c.name);
  str("event", c.event);
  w.Key("time", 4);
  w.Int64(c.time_ms);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<Cluster::Notice> Cluster::DecodeNotice(std::string_view payload) {
  rapidjson::Document doc;
  doc.Parse(payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  Notice n;
  auto str = [&doc](const char* key, std::string& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  if (!str("node", n.node_id) || !str("account", n.change.account_id) ||
      !str("region", n.change.region) || !str("arn", n.change.arn) || !str("name", n.change.name) ||
      !str("event", n.change.event))
    return std::nullopt;
  auto time = doc.FindMember("time");
  if (time != doc.MemberEnd() && time->value.IsInt64()) n.change.time_ms = time->value.GetInt64();
  return n;
}

Result<std::unique_ptr<Cluster>> Cluster::Start(storage::Store& store, ChangeFeed& feed,
                                                const ClusterOptions& options) {
  std::unique_ptr<Cluster> cluster(new Cluster(feed, RandomUuid()));
  auto* coordination = dynamic_cast<storage::Coordination*>(&store);
  if (coordination == nullptr) {
    LogInfo("became leader", {{"why", "the store is not shared (one node)"}});
    return cluster;
  }
  Cluster* self = cluster.get();
  storage::NoticeChannelOptions notice_options;
  notice_options.channel = options.channel;
  notice_options.reconnect_interval = options.reconnect_interval;
  notice_options.on_notice = [self](std::string_view payload) { self->OnNotice(payload); };
  notice_options.on_reconnect = [self] {
    LogWarn("change notices: listening again after a lost session; watchers are told to reset");
    self->feed_.Reset();
  };
  COFFER_ASSIGN_OR_RETURN(cluster->notices_,
                          coordination->OpenNoticeChannel(std::move(notice_options)));
  feed.SetRelay([self](const std::vector<ChangeFeed::Change>& changes) {
    if (self->stopped_.load(std::memory_order_acquire)) return;
    for (const ChangeFeed::Change& c : changes)
      self->notices_->Send(EncodeNotice(self->node_id_, c));
  });
  storage::LeaderElectionOptions election_options;
  election_options.retry_interval = options.leader_retry_interval;
  const std::string node = cluster->node_id_;
  election_options.on_change = [node](bool leader) {
    if (leader) {
      LogInfo("became leader", {{"node", node}});
    } else {
      LogWarn("lost leadership", {{"node", node}});
    }
  };
  COFFER_ASSIGN_OR_RETURN(cluster->election_,
                          coordination->StartLeaderElection(std::move(election_options)));
  LogInfo("shared store: leader election and change notices started",
          {{"node", node}, {"channel", options.channel}});
  return cluster;
}

Cluster::~Cluster() { Stop(); }

bool Cluster::IsLeader() const {
  if (stopped_.load(std::memory_order_acquire)) return false;
  return election_ == nullptr || election_->IsLeader();
}

void Cluster::Stop() {
  if (stopped_.exchange(true, std::memory_order_acq_rel)) return;
  if (notices_) notices_->Stop();
  if (election_) election_->Stop();
}

void Cluster::OnNotice(std::string_view payload) {
  std::optional<Notice> notice = DecodeNotice(payload);
  if (!notice || notice->node_id == node_id_) return;  // not ours, or our own
  feed_.NoteFromPeer(std::move(notice->change));
}

}  // namespace coffer::server
