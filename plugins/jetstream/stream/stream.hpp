#pragma once
// One stream: its config, its store, and what happens to a message published to it
// (nats-server 2.9.10's processJetStreamMsg): the Nats-* header checks, dedup within
// duplicate_window, the size and limit rules, the append, the roll-ups, the PubAck bytes.
//
// THREADS: a Stream is used under JetStream's core mutex only, never concurrently;
// it holds no lock. Its store's sync completion may run on the store's
// own thread, which is why acks leave through PublishOutcome and not from here.

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nats_sdk/kinds/stream_store.hpp>

#include "api/api_error.hpp"
#include "stream/stream_config.hpp"

namespace nmk::jetstream {

class Consumer;
class SourceLink;

// What a publish led to. `ack` is the reply's payload (empty: do not answer);
// `needs_sync` says the ack may go only after the store's next sync completes.
struct PublishOutcome {
    std::string ack;
    // `republish`: the copy to send once the message is durable (empty subject: none).
    std::string republish_subject;
    std::string republish_headers;
    std::string republish_payload;
    bool stored = false;
    bool needs_sync = false;
    std::uint64_t sequence = 0;
    // Refused (whether or not an error answer was due): what went wrong, for mirrors and
    // sources, which have nobody to answer and log it instead.
    std::optional<ApiError> refusal;
};

// Where a mirror stores a message: at its origin's sequence and time (source/).
struct OriginPosition {
    std::uint64_t sequence = 0;
    std::int64_t time_ns = 0;
};

// Account-level admission, asked before each append (server and account storage limits).
struct StorageGate {
    // An error (insufficient resources, account resources exceeded) or nothing.
    std::optional<ApiError> (*check)(void* user, Storage storage, std::uint64_t bytes) = nullptr;
    void* user = nullptr;
};

class Stream {
public:
    Stream(std::string account, StreamConfig config, std::int64_t created_ns, std::unique_ptr<nats_sdk::store::Stream> store,
           std::string domain);
    ~Stream();

    const std::string& account() const noexcept { return account_; }
    const std::string& name() const noexcept { return config_.name; }
    const StreamConfig& config() const noexcept { return config_; }
    std::int64_t created_ns() const noexcept { return created_ns_; }
    nats_sdk::store::Stream& store() noexcept { return *store_; }
    const nats_sdk::store::Stream& store() const noexcept { return *store_; }
    // The backend keeping the stream ("memory", "file", "rocksdb"), set by whoever opened it.
    const std::string& backend() const noexcept { return backend_; }
    void set_backend(std::string name) { backend_ = std::move(name); }

    // A message published to one of the stream's subjects (reply may be empty).
    // With `at`, a mirror's message: stored at that sequence (the gap before it left as
    // deleted), ignored when the stream is already past it.
    PublishOutcome publish(std::string_view subject, std::string_view reply, std::string_view headers,
                           std::string_view payload, std::int64_t now_ns, const StorageGate& gate,
                           const OriginPosition* at = nullptr);
    // A mirror catching up with an origin whose messages up to `sequence` are gone:
    // the stream's last sequence becomes `sequence` (nats-server's skipMsgs).
    void skip_to(std::uint64_t sequence, std::int64_t now_ns);

    // The stream's config after an accepted update (limits applied at once).
    void update(StreamConfig config);

    // PurgeEx; the roll-up and the API's STREAM.PURGE use it.
    std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep);
    // STREAM.MSG.DELETE: false when no message is there.
    bool remove_message(std::uint64_t sequence);

    // ---- consumers (consumer/) ----
    std::map<std::string, std::unique_ptr<Consumer>>& consumers() noexcept { return consumers_; }
    Consumer* find_consumer(const std::string& name);
    // Consumers other than mirrors' and sources' (direct) ones: what limits and counts see.
    std::size_t public_consumer_count() const;

    // ---- mirror and sources (source/): the mirror's link, or one per source ----
    std::vector<std::unique_ptr<SourceLink>>& source_links() noexcept { return source_links_; }
    SourceLink* find_source_link(const std::string& index_name, std::uint64_t generation);
    // Which health-check timer is this stream's (older ones stop when they see another).
    std::uint64_t source_health_token = 0;
    // Consumers deliver only up to here: what the store has said is durable.
    std::uint64_t durable_last() const noexcept { return durable_->load(std::memory_order_acquire); }
    // Shared with sync completions, which may outlive the stream.
    std::shared_ptr<std::atomic<std::uint64_t>> durable_marker() const { return durable_; }
    // A consumer acked `sequence` (interest and workqueue retention remove it when
    // no other consumer still needs it; nats-server's ackMsg).
    void consumer_acked(const Consumer& by, std::uint64_t sequence);
    // A consumer went away: on an interest stream, what only it held goes too.
    void consumer_removed(const Consumer& gone);

    // After a restart: the Nats-Msg-Id of every message still inside duplicate_window
    // (nats-server's rebuildDedupe), so a publisher retrying after a crash is not stored twice.
    void rebuild_dedup(std::int64_t now_ns);
    // The same, deferred to the first publish with a Nats-Msg-Id (or expected last id).
    void defer_dedup_rebuild() noexcept { dedup_rebuild_pending_ = true; }

    // Drops messages older than max_age and dedup entries older than the window;
    // returns when to look again (0: nothing to expire).
    std::int64_t expire(std::int64_t now_ns);

    // The JSON of the PubAck for `sequence` ({"stream":"X", "seq":N}).
    std::string pub_ack(std::uint64_t sequence, bool duplicate = false) const;
    // The JSON of a failed publish ({"error":{...},"stream":"X","seq":0}).
    std::string pub_ack_error(const ApiError& error) const { return pub_ack_error(error, config_.name, domain_); }
    // The same for a stream known by name (a sync completion, which may outlive the Stream).
    static std::string pub_ack_error(const ApiError& error, std::string_view stream, std::string_view domain);

private:
    std::optional<ApiError> check_headers(std::string_view subject, std::string_view headers, std::string& msg_id,
                                          bool& rollup_subject, bool& rollup_all, PublishOutcome& duplicate);
    std::optional<ApiError> check_discard_new(std::string_view subject, std::string_view headers,
                                              std::string_view payload);
    void enforce_limits(std::string_view subject);
    bool has_interest(std::string_view subject) const;
    void removed_up_to(std::uint64_t max_sequence);  // tells the consumers
    void remember_msg_id(std::string msg_id, std::uint64_t sequence, std::int64_t time_ns);
    void fill_republish(std::string_view subject, std::string_view headers, std::string_view payload,
                        std::uint64_t sequence, std::uint64_t last_for_subject, PublishOutcome& out) const;
    std::uint64_t message_size(std::string_view subject, std::string_view headers, std::string_view payload) const;

    struct DedupEntry {
        std::uint64_t sequence;
        std::int64_t time_ns;
    };

    std::string account_;
    StreamConfig config_;
    std::int64_t created_ns_;
    std::unique_ptr<nats_sdk::store::Stream> store_;
    std::string backend_;
    std::string domain_;
    std::string pub_ack_prefix_;  // {"stream":"X", "seq":  (with "domain" when set)
    std::string last_msg_id_;
    std::map<std::string, std::unique_ptr<Consumer>> consumers_;
    std::vector<std::unique_ptr<SourceLink>> source_links_;
    bool dedup_rebuild_pending_ = false;
    std::shared_ptr<std::atomic<std::uint64_t>> durable_ = std::make_shared<std::atomic<std::uint64_t>>(0);
    std::unordered_map<std::string, DedupEntry> dedup_;
    std::deque<std::pair<std::string, std::int64_t>> dedup_order_;  // oldest first
};

}  // namespace nmk::jetstream
