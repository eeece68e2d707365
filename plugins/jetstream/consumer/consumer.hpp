#pragma once
// One consumer of a stream: which messages it has delivered, which wait for an ack,
// which go out again, and to whom (a push consumer's deliver subject, or the waiting
// pull requests). The rules are nats-server 2.9.10's (server/consumer.go): deliver
// policies, ack none/all/explicit, ack_wait and backoff, max_deliver, max_ack_pending,
// flow control and idle heartbeats, pull request batches, bytes, expiry and statuses,
// replay original, rate limit, headers only.
//
// THREADS: like Stream, used under JetStream's core mutex only. It never waits: work
// that must happen later is reported through next_deadline() and done by on_timer().
// Only messages the stream reports durable are delivered (an ack means on disk, so a
// consumer never sees a message a power cut could take back).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nats_sdk/go_json.hpp>
#include <nats_sdk/kinds/stream_store.hpp>

#include "consumer/consumer_config.hpp"
#include "consumer/consumer_state.hpp"
#include "consumer/pull_requests.hpp"
#include "consumer/rate_limiter.hpp"

namespace nmk::jetstream {

class Stream;

// What a consumer needs from the server around it.
class ConsumerHost {
public:
    virtual ~ConsumerHost() = default;
    // A delivery: routed to `deliver_subject`, seen by the receiver as `subject`
    // (empty: the deliver subject itself, for statuses).
    virtual void send(std::string_view deliver_subject, std::string_view subject, std::string_view reply,
                      std::string_view headers, std::string_view payload) = 0;
    virtual void advisory(std::string_view subject, const std::string& json) = 0;
    virtual bool has_interest(std::string_view subject) = 0;
    virtual std::string_view domain() const = 0;
    // The server's max_payload: a rate-limited consumer's burst when the stream sets no
    // max_msg_size (nats-server's setRateLimit; accounts here carry no payload limit).
    virtual std::int64_t max_payload() const = 0;
};

class Consumer {
public:
    Consumer(ConsumerHost& host, Stream& stream, std::string name, ConsumerConfig config, std::int64_t created_ns);

    const std::string& name() const noexcept { return name_; }
    const ConsumerConfig& config() const noexcept { return config_; }
    std::int64_t created_ns() const noexcept { return created_ns_; }
    bool is_push() const noexcept { return config_.is_push(); }
    bool is_pull() const noexcept { return config_.is_pull(); }

    // Where a new consumer starts (selectStartingSeqNo).
    void select_start();
    // Continues from a stored state (after a restart).
    void restore(const ConsumerState& state);
    ConsumerState state() const;
    // True once since the last call when the state changed (for persistence).
    bool take_dirty() noexcept;
    bool dirty() const noexcept { return dirty_; }

    // An allowed update (check_consumer_update said yes).
    void update(ConsumerConfig config);

    // ---- events ----
    // A message on $JS.ACK.<stream>.<consumer>.<dc>.<sseq>.<dseq>.<ts>.<pending>.
    void on_ack(std::string_view subject, std::string_view reply, std::string_view body, std::int64_t now_ns);
    // A CONSUMER.MSG.NEXT request (reply must not be empty).
    void on_pull_request(std::string_view reply, std::string_view body, std::int64_t now_ns);
    // The client answered a flow control request ($JS.FC.<stream>.<consumer>.<id>).
    void on_flow_control_reply(std::string_view subject);
    // The deliver subject gained (true) or lost (false) its last subscriber.
    void on_interest(bool active, std::int64_t now_ns);
    // A message was stored (not yet durable) / removed at or below `max_sequence`.
    void on_stored(std::uint64_t sequence, std::string_view subject);
    void on_removed(std::uint64_t max_sequence);
    // The stream was purged: its first sequence is now `first` (nats-server's o.purge).
    void on_purged(std::uint64_t first, std::uint64_t last);

    // ---- work ----
    // Delivers what it can, up to `budget` messages; true when more is ready now.
    bool deliver(std::int64_t now_ns, int budget);
    // Redeliveries after ack_wait, heartbeats, pull expiry. Then deliver() again.
    void on_timer(std::int64_t now_ns);
    // When on_timer should run next (unix ns; 0: nothing scheduled).
    std::int64_t next_deadline() const noexcept;
    // An ephemeral (or one with inactive_threshold) nobody used for that long.
    bool inactive(std::int64_t now_ns) const;
    // Tells waiting pull requests the consumer is gone (409 Consumer Deleted).
    void release_waiting();

    // ---- queries ----
    // Interest retention: does this consumer still need `sequence` acked?
    bool needs_ack(std::uint64_t sequence, std::string_view subject) const;
    bool filter_matches(std::string_view subject) const;
    std::uint64_t ack_floor_stream() const noexcept { return asflr_; }
    std::uint64_t num_pending();
    // ConsumerInfo's members, written into an open object.
    void write_info_members(nats_sdk::GoJsonWriter& w, std::int64_t now_ns, bool with_config = true);
    bool active() const noexcept { return active_; }

private:
    struct Pending {
        std::uint64_t dseq;
        std::int64_t time_ns;
    };
    struct Next {
        std::uint64_t sequence = 0;
        std::uint64_t deliveries = 0;  // dc
        enum Kind { fresh, redelivery, skip_list } kind = fresh;
    };

    std::optional<Next> next_message();
    void undo_next(const Next& next);
    void commit_next(const Next& next);
    void send_message(const Next& next, std::string_view deliver_to, std::string_view reply,
                      const nats_sdk::store::StoredMessage& message, std::int64_t size, std::int64_t now_ns);
    void ack_one(std::uint64_t sseq, std::uint64_t dseq, std::uint64_t dc, bool sample, std::int64_t now_ns);
    void nak(std::uint64_t sseq, std::uint64_t dseq, std::uint64_t dc, std::string_view body, std::int64_t now_ns);
    void term(std::uint64_t sseq, std::uint64_t dseq, std::uint64_t dc, std::int64_t now_ns);
    void check_pending(std::int64_t now_ns);
    void expire_waiting(std::int64_t now_ns, bool end_of_stream);
    void send_heartbeat(std::string_view to);
    void queue_redelivery(std::uint64_t sseq);
    void dequeue_redelivery(std::uint64_t sseq);
    std::int64_t ack_deadline(std::uint64_t sseq, const Pending& p) const;
    void advisory(std::string_view kind, std::string_view type, std::uint64_t sseq, std::uint64_t dseq,
                  std::uint64_t dc, bool with_dseq);
    void recount_pending();
    bool wait_for_messages(std::int64_t now_ns);
    // A message is held back for replay timing or the rate limit.
    bool holding(std::int64_t now_ns) const noexcept {
        return now_ns < replay_wait_until_ns_ || now_ns < rate_wait_until_ns_ || rate_exhausted_;
    }
    void set_rate_limit();
    bool flow_control_blocks() const noexcept { return max_pending_bytes_ > 0 && pending_bytes_ > max_pending_bytes_; }

    ConsumerHost& host_;
    Stream& stream_;
    std::string name_;
    ConsumerConfig config_;
    std::int64_t created_ns_;
    std::string ack_prefix_;  // "$JS.ACK.<stream>.<consumer>."

    std::uint64_t sseq_ = 1;   // next stream sequence to look at
    std::uint64_t dseq_ = 1;   // next delivery sequence
    std::uint64_t adflr_ = 0;  // ack floor, delivery sequence
    std::uint64_t asflr_ = 0;  // ack floor, stream sequence
    std::map<std::uint64_t, Pending> pending_;             // by stream sequence
    std::unordered_map<std::uint64_t, std::uint64_t> rdc_;  // redelivery counts (count - 1)
    std::deque<std::uint64_t> rdq_;                        // waiting to go out again, in order
    std::set<std::uint64_t> rdqi_;
    std::deque<std::uint64_t> last_per_subject_;  // deliver last_per_subject: the sequences to start with
    std::uint64_t resume_after_skip_ = 0;

    std::optional<PullQueue> waiting_;
    bool active_ = true;  // push: the deliver subject has interest
    std::int64_t inactive_since_ns_ = 0;

    // Flow control (push with flow_control).
    std::int64_t max_pending_bytes_ = 0, pending_bytes_limit_ = 0, pending_bytes_ = 0, fc_size_ = 0;
    std::string fc_id_;

    std::int64_t next_heartbeat_ns_ = 0;  // push idle heartbeat
    bool heartbeat_pending_ = false;      // one fell due while a message was held
    std::int64_t next_ack_check_ns_ = 0;
    // Replay original: on from the start until the consumer has caught up with what the
    // stream held then (nats-server's o.replay and lseq).
    bool replaying_ = false;
    std::uint64_t replay_last_seq_ = 0;
    std::int64_t replay_last_ts_ = 0;     // the previous message's time
    std::int64_t replay_wait_until_ns_ = 0;
    std::optional<RateLimiter> rate_;     // rate_limit_bps
    std::int64_t rate_wait_until_ns_ = 0;
    bool rate_reserved_ = false;          // the message held back has paid already
    bool rate_exhausted_ = false;         // a limit of 0 has spent its one burst

    std::int64_t last_delivered_ns_ = 0;  // ldt
    std::int64_t last_ack_ns_ = 0;        // lat
    std::uint64_t num_pending_ = 0;
    bool num_pending_valid_ = false;
    int sample_percent_ = 0;
    bool dirty_ = true;
};

}  // namespace nmk::jetstream
