#pragma once
// JetStream's state and rules without the host: accounts, streams, the stores they live
// in, the publish path with group-commit acks, recovery at start-up. The plugin
// (jetstream_plugin.cpp) feeds it from the bus through the worker; tests drive it
// directly with a fake Bus.
//
// THREADS: every member function runs under the plugin's core mutex, one thread at a
// time. The only thing that leaves it is a store's sync completion, which publishes acks
// through Bus::publish_all, raises the stream's durable mark and asks for a delivery
// turn through Bus::kick (all thread-safe), and touches nothing else.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nats_sdk/kinds/stream_store.hpp>

#include "account/js_account.hpp"
#include "api/api_session.hpp"
#include "stream/stream.hpp"

namespace nmk::jetstream {

class JetStreamCore;

// What the core sends once the store says a message is durable: its PubAck (to the
// publisher's reply subject) or its republished copy.
struct DurableOutput {
    std::string subject;
    std::string payload;
    std::string headers;  // republish only
};

// What the core needs from the server. publish() may be called from any thread.
class Bus {
public:
    virtual ~Bus() = default;
    virtual void publish(const std::string& account, std::string_view subject, std::string_view headers,
                         std::string_view payload) = 0;
    // Publishes `messages` in order, as publish() does each. Off the I/O threads (a store's
    // sync completion) they are handed over together, so a group commit's acks leave in one
    // write per connection rather than one each. The messages' contents are taken; the
    // vector stays the caller's, so its capacity can serve the next batch.
    virtual void publish_all(const std::string& account, std::vector<DurableOutput>& messages) = 0;
    // The same with a reply subject (snapshot chunks carry their ack subject).
    virtual void publish_with_reply(const std::string& account, std::string_view subject, std::string_view reply,
                                    std::string_view payload) = 0;
    // For API sessions (api/api_session.hpp): each message on `subject` is handed to
    // `handler` on the worker, with the core held. unsubscribe() stops new ones.
    using SessionMessage =
        std::function<void(JetStreamCore&, std::string_view subject, std::string_view reply, std::string_view payload)>;
    virtual std::uint64_t subscribe(const std::string& account, const std::string& subject, SessionMessage handler) = 0;
    virtual void unsubscribe(std::uint64_t id) = 0;
    // Runs `task` on the worker, with the core held, once `delay` has passed (0: soon).
    virtual void post(std::chrono::milliseconds delay, std::function<void(JetStreamCore&)> task) = 0;
    // The stream's subjects start (or stop) feeding handle_publish.
    virtual void listen(const std::string& account, const std::string& stream, const std::vector<std::string>& subjects) = 0;
    virtual void stop_listening(const std::string& account, const std::string& stream) = 0;
    virtual void log(int level, const std::string& text) = 0;  // 2 info, 3 warn, 4 error

    // ---- consumers ----
    // A delivery routed to `deliver_subject`, shown to its receiver as `subject` (empty:
    // the deliver subject itself). May be called from any thread.
    virtual void deliver(const std::string& account, std::string_view deliver_subject, std::string_view subject,
                         std::string_view reply, std::string_view headers, std::string_view payload) = 0;
    virtual bool has_interest(const std::string& account, std::string_view subject) = 0;
    // The consumer's acks ($JS.ACK.<stream>.<consumer>.>) and flow-control replies
    // ($JS.FC.<stream>.<consumer>.*) start (or stop) feeding handle_ack and
    // handle_flow_control; a push consumer's deliver subject is watched for interest
    // (handle_interest).
    virtual void attach_consumer(const std::string& account, const std::string& stream, const std::string& consumer,
                                 const std::string& deliver_subject) = 0;
    virtual void detach_consumer(const std::string& account, const std::string& stream, const std::string& consumer) = 0;
    // Asks for deliver_stream(account, stream) on a later turn. May be called from any
    // thread (a store's sync completion).
    virtual void kick(const std::string& account, const std::string& stream) = 0;
    // Asks for run_timers() at `unix_ns` or a little after.
    virtual void wake_at(std::int64_t unix_ns) = 0;

    // ---- mirrors and sources; API answers ----
    // Like publish_with_reply, but this plugin's own subscriptions receive it too: a
    // mirror asks the JetStream API for its consumer the way a client does, answers its
    // flow control, and the API's answer must reach the mirror. May be called from any thread.
    virtual void publish_internal(const std::string& account, std::string_view subject, std::string_view reply,
                                  std::string_view payload) = 0;
    // Messages on `subject` handed to `handler` inline on the thread that routes them, the
    // core held and flush() after, as a publish to a stream is; unsubscribe() ends it.
    using InlineMessage = std::function<void(JetStreamCore&, std::string_view subject, std::string_view reply,
                                             std::string_view headers, std::string_view payload)>;
    virtual std::uint64_t subscribe_inline(const std::string& account, const std::string& subject,
                                           InlineMessage handler) = 0;
};

class Consumer;
struct ConsumerConfig;
class SourceLink;
struct OriginPosition;

// jetstream { file_backends: [ { account: "TELEMETRY", stream: "*", backend: rocksdb } ] }:
// which backend keeps a new `storage: file` stream. The first rule whose two patterns
// match wins; without one, file_backend does. A stream stays where it was created.
struct FileBackendRule {
    std::string account = "*";  // glob over the account name: * any run, ? one character
    std::string stream = "*";   // glob over the stream name
    std::string backend;        // "file", "rocksdb"
};

// The server-wide `jetstream` block.
struct ServerSettings {
    std::string store_dir;           // the file store's root (…/jetstream)
    std::int64_t max_memory = -1;    // max_memory_store (-1: no limit set)
    std::int64_t max_store = -1;     // max_file_store
    std::string domain;
    std::string sync = "batch";      // "batch" (fsync before ack), "always", or a Go duration (lazy)
    std::string file_backend = "file";  // the store backend of `storage: file` streams ("file", "rocksdb")
    std::vector<FileBackendRule> file_backend_rules;  // exceptions to file_backend, first match wins
    std::int64_t max_duplicate_window_ns = 0;
    std::string server_name;         // for the API audit advisory
    std::int64_t max_payload = 1024 * 1024;  // the server's max_payload (a rate limit's burst)

    // The backend a new file stream of `account` named `stream` goes to.
    const std::string& file_backend_for(std::string_view account, std::string_view stream) const;
    // Every file backend the settings name: file_backend first, then the rules' in order.
    std::vector<std::string> file_backend_names() const;
};

class JetStreamCore {
public:
    using Backends = std::map<std::string, std::shared_ptr<nats_sdk::store::StoreBackend>>;
    // `file_backends`: every backend settings.file_backend_names() names, by name (one
    // missing: streams meant for it cannot be created).
    JetStreamCore(ServerSettings settings, Bus& bus, std::shared_ptr<nats_sdk::store::StoreBackend> memory,
                  Backends file_backends);
    ~JetStreamCore();

    // Opens the stores and brings back the streams of every enabled account.
    void open();
    // Syncs and closes every stream and store (at stop).
    void close();

    void enable_account(const std::string& account, const AccountLimits& limits);
    void disable_account(const std::string& account);
    JsAccount* account(const std::string& name);
    template <class Fn>
    void for_each_account(Fn&& fn) {
        for (auto& [name, account] : accounts_) fn(*account);
    }
    // Whether open() succeeded (the stores are usable).
    bool is_open() const noexcept { return opened_; }

    // A request on $JS.API.> (subject already without a domain prefix).
    void handle_api(const std::string& account, std::string_view subject, std::string_view reply,
                    std::string_view headers, std::string_view payload, std::uint64_t client_id = 0);
    // A message published to a stream's subject.
    void handle_publish(const std::string& account, const std::string& stream, std::string_view subject,
                        std::string_view reply, std::string_view headers, std::string_view payload);
    // Ends a batch: every publish handled since the last flush is synced and acked.
    void flush();
    // Age and dedup expiry; returns ns until the next is due or worth a look (an empty
    // stream with max_age: when a message stored now would be due), 0: none.
    std::int64_t expire_all(std::int64_t now_ns);

    // Used by the API handlers.
    const ServerSettings& settings() const noexcept { return settings_; }
    void set_server_name(std::string name) { settings_.server_name = std::move(name); }
    void set_max_payload(std::int64_t bytes) { settings_.max_payload = bytes; }
    Bus& bus() noexcept { return bus_; }
    std::uint64_t total_memory_bytes() const;
    std::uint64_t total_store_bytes() const;
    std::int64_t server_max_memory() const noexcept { return max_memory_; }
    std::int64_t server_max_store() const noexcept { return max_store_; }

    // Creates a stream from a checked config: store opened, meta written, subscribed.
    Stream& add_stream(JsAccount& account, const StreamConfig& config, std::int64_t created_ns);
    void update_stream(JsAccount& account, Stream& stream, StreamConfig config);
    void delete_stream(JsAccount& account, const std::string& name);

    // API sessions (snapshots, restores) by id; end_session closes and forgets one.
    std::uint64_t add_session(std::unique_ptr<ApiSession> session);
    ApiSession* session(std::uint64_t id);
    void end_session(std::uint64_t id);

    // Admission of `bytes` more of `storage` for `account` (server and account limits).
    std::optional<ApiError> check_storage(const JsAccount& account, Storage storage, std::uint64_t bytes) const;

    // ---- consumers (jetstream_consumers.cpp) ----
    // addConsumer: defaults, checks, limits, name; an existing one of that name is
    // updated when the change is allowed.
    std::variant<Consumer*, ApiError> add_consumer(JsAccount& account, Stream& stream, ConsumerConfig config,
                                                   std::int64_t now_ns);
    void delete_consumer(JsAccount& account, Stream& stream, const std::string& name, bool advisory);
    void handle_ack(const std::string& account, const std::string& stream, const std::string& consumer,
                    std::string_view subject, std::string_view reply, std::string_view payload);
    void handle_flow_control(const std::string& account, const std::string& stream, const std::string& consumer,
                             std::string_view subject);
    // $JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>
    void handle_pull(const std::string& account, std::string_view subject, std::string_view reply, std::string_view payload);
    void handle_interest(const std::string& account, const std::string& stream, const std::string& consumer, bool active);
    // Delivers what the stream's consumers can send now (new durable messages, more of a backlog).
    void deliver_stream(const std::string& account, const std::string& stream);
    // Redeliveries, heartbeats, pull expiry, inactive consumers; asks for the next wake.
    void run_timers(std::int64_t now_ns);
    // ---- mirrors and sources (source/core_sources.cpp) ----
    // Starts the stream's mirror or source links (after a create or a recovery).
    void start_sourcing(JsAccount& account, Stream& stream);
    // After an update: links for new sources started, those of removed ones ended.
    void update_sourcing(JsAccount& account, Stream& stream);
    void stop_sourcing(Stream& stream);
    // The answer to a link's consumer request; a message its consumer delivered.
    void link_answered(const std::string& account, const std::string& stream, const std::string& index,
                       std::uint64_t generation, std::string_view payload);
    void link_message(const std::string& account, const std::string& stream, const std::string& index,
                      std::uint64_t generation, std::string_view subject, std::string_view reply,
                      std::string_view headers, std::string_view payload);
    void check_source_health(const std::string& account, const std::string& stream, std::uint64_t token);

    // Whether consumers may deliver from the current thread (the plugin's I/O threads);
    // elsewhere a delivery turn is asked for (Bus::kick) instead.
    void set_inline_delivery(bool allowed) noexcept { inline_delivery_ = allowed; }

private:
    // The store a new stream goes to (by storage kind and, for file, the backend rules);
    // `backend` gets the backend's name.
    nats_sdk::store::Store& store_for(const std::string& account, const StreamConfig& config, std::string& backend);
    // The store holding an existing stream.
    nats_sdk::store::Store& store_of(const Stream& stream);
    // After anything happened to a consumer: deliver, persist, schedule.
    void settle(JsAccount& account, Stream& stream, Consumer& consumer, std::int64_t now_ns);
    void deliver_consumers(JsAccount& account, Stream& stream, std::int64_t now_ns);
    void schedule(std::int64_t deadline_ns);
    void persist(Stream& stream, Consumer& consumer, bool with_config);
    // The stream's consumers as its store kept them (after a restart).
    void recover_consumers(JsAccount& account, Stream& stream);
    bool keeps_consumers(const Stream& stream) const;
    // Mirrors and sources.
    void setup_link(JsAccount& account, Stream& stream, SourceLink& link, std::uint64_t start_seq,
                    std::int64_t start_time_ns);
    void retry_link(JsAccount& account, Stream& stream, SourceLink& link);
    void schedule_link_retry(const std::string& account, const std::string& stream, SourceLink& link,
                             std::chrono::milliseconds delay, std::uint64_t start_seq, std::int64_t start_time_ns);
    void cancel_link(SourceLink& link);
    void find_source_positions(Stream& stream);
    void arm_source_health(const std::string& account, Stream& stream);
    // What goes out once `stream`'s next sync completes (added to the next flush()).
    std::vector<DurableOutput>& unsynced_for(Stream& stream);
    // A message from a mirror's or source's origin, stored like a publish without a reply.
    PublishOutcome store_from_origin(JsAccount& account, Stream& stream, std::string_view subject,
                                     std::string_view headers, std::string_view payload, const OriginPosition* at);
    class ConsumerBridge;
    ConsumerBridge& bridge_for(const std::string& account);
    void write_meta(Stream& stream);
    void recover_account(JsAccount& account);
    void warn_of_unserved_stores();

    ServerSettings settings_;
    Bus& bus_;
    std::shared_ptr<nats_sdk::store::StoreBackend> memory_backend_;
    Backends file_backends_;
    std::unique_ptr<nats_sdk::store::Store> memory_store_;
    // One store per file backend, all rooted in store_dir (each backend keeps its own
    // files apart there: the file store per account folder, RocksDB in rocksdb/).
    std::map<std::string, std::unique_ptr<nats_sdk::store::Store>> file_stores_;
    bool opened_ = false;
    std::int64_t max_memory_ = -1;
    std::int64_t max_store_ = -1;
    std::map<std::string, std::unique_ptr<JsAccount>> accounts_;
    // Streams recovered from disk whose account is not (yet) enabled.
    struct FoundStream {
        std::string account, stream, meta, backend;
    };
    std::vector<FoundStream> found_on_disk_;
    // What waits for the next flush(), per stream (usually one: a vector, not a map).
    std::vector<std::pair<Stream*, std::vector<DurableOutput>>> unsynced_;
    // Emptied lists of earlier flushes, kept for their capacity: a fresh list of a few
    // hundred entries per flush was a heap request large enough to make glibc consolidate
    // its fast bins each time (17% of the server's CPU on the memory-store async path).
    std::vector<std::vector<DurableOutput>> spare_outputs_;
    std::map<std::string, std::unique_ptr<ConsumerBridge>> bridges_;  // per account: a consumer's way out
    std::int64_t wake_requested_ns_ = 0;  // the earliest wake_at asked for and not yet run
    std::int64_t persist_due_ns_ = 0;
    bool inline_delivery_ = false;     // when dirty consumer states are written next (0: none waiting)
    std::map<std::uint64_t, std::unique_ptr<ApiSession>> sessions_;
    std::uint64_t next_session_id_ = 0;
    std::uint64_t next_link_generation_ = 0;
};

}  // namespace nmk::jetstream
