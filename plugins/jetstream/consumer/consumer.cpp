// The delivery rules of one consumer; see consumer.hpp (its acks are in consumer_acks.cpp).
// Function names follow nats-server's where the rule is the same (selectStartingSeqNo,
// getNextMsg, checkPending, processWaiting), so the two can be read side by side.

#include "consumer/consumer.hpp"
#include "consumer/consumer_text.hpp"

#include <algorithm>
#include <chrono>

#include <nats_sdk/go_time.hpp>
#include <nats_sdk/headers.hpp>
#include <nats_sdk/subject.hpp>

#include "api/advisories.hpp"
#include "stream/stream.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t flow_control_max_pending = 32 * 1024 * 1024;  // JsFlowControlMaxPending
constexpr std::int64_t ack_wait_delay_ns = ms;                       // ackWaitDelay

std::string with_msg_size(std::string_view headers, std::size_t size) {
    // convertToHeadersOnly: the headers, plus Nats-Msg-Size with the payload's length.
    std::string h = headers.empty() ? std::string("NATS/1.0\r\n") : std::string(headers.substr(0, headers.size() - 2));
    h += "Nats-Msg-Size: " + std::to_string(size) + "\r\n\r\n";
    return h;
}

}  // namespace

Consumer::Consumer(ConsumerHost& host, Stream& stream, std::string name, ConsumerConfig config, std::int64_t created_ns)
    : host_(host),
      stream_(stream),
      name_(std::move(name)),
      config_(std::move(config)),
      created_ns_(created_ns),
      ack_prefix_("$JS.ACK." + stream.name() + "." + name_ + ".") {
    if (config_.is_pull()) {
        waiting_.emplace(static_cast<std::size_t>(std::max<std::int64_t>(config_.max_waiting, 1)));
        waiting_->last_activity_ns = created_ns;
    }
    if (config_.flow_control) {
        pending_bytes_limit_ = flow_control_max_pending;
        max_pending_bytes_ = std::max<std::int64_t>(flow_control_max_pending / 16, 1);
    }
    sample_percent_ = sample_percent(config_.sample_freq);
    set_rate_limit();
    if (config_.replay_policy == ReplayPolicy::original) {
        replaying_ = true;
        replay_last_seq_ = stream.store().state().last_sequence;
    }
    if (config_.idle_heartbeat_ns > 0) next_heartbeat_ns_ = created_ns + config_.idle_heartbeat_ns;
    inactive_since_ns_ = created_ns;
}

// ---- start and state ----

void Consumer::select_start() {
    auto& store = stream_.store();
    const auto state = store.state();
    if (config_.opt_start_seq != 0) {
        sseq_ = config_.opt_start_seq;
    } else {
        switch (config_.deliver_policy) {
            case DeliverPolicy::all: sseq_ = state.first_sequence; break;
            case DeliverPolicy::last:
                sseq_ = state.last_sequence;
                if (!config_.filter_subject.empty()) {
                    sseq_ = 0;
                    store.load_last(config_.filter_subject, [&](const nats_sdk::store::MessageView& m) { sseq_ = m.sequence; });
                }
                break;
            case DeliverPolicy::last_per_subject: {
                std::vector<std::uint64_t> lasts;
                store.subjects_state(config_.filter_subject, [&](std::string_view, const nats_sdk::store::SubjectState& s) {
                    lasts.push_back(s.last_sequence);
                });
                if (!lasts.empty()) {
                    std::sort(lasts.begin(), lasts.end());
                    last_per_subject_.assign(lasts.begin(), lasts.end());
                    resume_after_skip_ = state.last_sequence;
                    sseq_ = lasts.front();
                } else {
                    sseq_ = state.last_sequence;
                }
                break;
            }
            case DeliverPolicy::by_start_time:
                sseq_ = config_.opt_start_time ? store.sequence_for_time(config_.opt_start_time->unix_ns()) : 0;
                if (sseq_ == 0) sseq_ = state.last_sequence + 1;
                break;
            case DeliverPolicy::new_only: sseq_ = state.last_sequence + 1; break;
            case DeliverPolicy::by_start_sequence: break;
        }
    }
    if (state.first_sequence == 0) sseq_ = 1;
    else if (sseq_ < state.first_sequence) sseq_ = state.first_sequence;
    else if (sseq_ > state.last_sequence) sseq_ = state.last_sequence + 1;
    dseq_ = 1;
    adflr_ = 0;
    asflr_ = sseq_ - 1;
    num_pending_valid_ = false;
    dirty_ = true;
}

void Consumer::restore(const ConsumerState& s) {
    dseq_ = s.delivered_consumer + 1;
    sseq_ = s.delivered_stream + 1;
    adflr_ = s.ack_floor_consumer;
    asflr_ = s.ack_floor_stream;
    pending_.clear();
    for (const auto& [seq, p] : s.pending) pending_[seq] = {p.dseq, p.time_ns};
    rdc_.clear();
    for (const auto& [seq, n] : s.redelivered) {
        // nats-server's checkRedelivered: counts below the ack floor are stale.
        if (seq >= asflr_) rdc_[seq] = n;
    }
    // Whatever was delivered and not acked goes out again after ack_wait, as the timer
    // would have sent it; an ack_none consumer has nothing pending.
    if (!pending_.empty()) next_ack_check_ns_ = 1;
    num_pending_valid_ = false;
    dirty_ = false;
}

ConsumerState Consumer::state() const {
    ConsumerState s;
    s.delivered_consumer = dseq_ - 1;
    s.delivered_stream = sseq_ - 1;
    s.ack_floor_consumer = adflr_;
    s.ack_floor_stream = asflr_;
    for (const auto& [seq, p] : pending_) s.pending[seq] = {p.dseq, p.time_ns};
    for (const auto& [seq, n] : rdc_) s.redelivered[seq] = n;
    return s;
}

bool Consumer::take_dirty() noexcept {
    const bool was = dirty_;
    dirty_ = false;
    return was;
}

void Consumer::update(ConsumerConfig config) {
    const bool subject_changed = config.deliver_subject != config_.deliver_subject;
    const bool threshold_changed = config.inactive_threshold_ns != config_.inactive_threshold_ns;
    const bool rate_changed = config.rate_limit_bps != config_.rate_limit_bps;
    config_ = std::move(config);
    sample_percent_ = sample_percent(config_.sample_freq);
    if (rate_changed) set_rate_limit();
    if (subject_changed && !pending_.empty()) {
        // updateDeliverSubjectLocked: everything pending goes to the new subscriber.
        for (const auto& [seq, p] : pending_) queue_redelivery(seq);
    }
    if (threshold_changed) inactive_since_ns_ = 0;
    next_ack_check_ns_ = pending_.empty() ? 0 : 1;
    dirty_ = true;
}

// ---- events (acks: consumer_acks.cpp) ----

void Consumer::on_pull_request(std::string_view reply, std::string_view body, std::int64_t now_ns) {
    if (reply.empty()) return;
    if (!waiting_) return host_.send(reply, {}, {}, status::text(409, "Consumer is push based"), {});
    auto parsed = parse_pull_request(body, now_ns);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        return host_.send(reply, {}, {}, status::text(400, "Bad Request - " + *error), {});
    }
    PullRequest& r = std::get<PullRequest>(parsed);
    if (config_.max_batch > 0 && r.batch > config_.max_batch)
        return host_.send(reply, {}, {}, status::text(409, "Exceeded MaxRequestBatch of " + std::to_string(config_.max_batch)), {});
    if (r.expires_ns != 0 && config_.max_expires_ns > 0 && r.expires_ns > now_ns + config_.max_expires_ns) {
        return host_.send(reply, {}, {},
                          status::text(409, "Exceeded MaxRequestExpires of " +
                                                nats_sdk::format_go_duration(std::chrono::nanoseconds(config_.max_expires_ns))),
                          {});
    }
    if (r.max_bytes > 0 && config_.max_bytes > 0 && r.max_bytes > config_.max_bytes)
        return host_.send(reply, {}, {}, status::text(409, "Exceeded MaxRequestMaxBytes of " + std::to_string(config_.max_bytes)), {});
    if (waiting_->full()) expire_waiting(now_ns, false);
    if (r.no_wait) {
        const std::uint64_t available = num_pending() + rdq_.size();
        if (available == 0 && r.expires_ns == 0) {
            waiting_->last_activity_ns = now_ns;
            return host_.send(reply, {}, {}, status::no_messages(), {});
        }
        if (available > 0 && available < static_cast<std::uint64_t>(std::max<std::int64_t>(waiting_->wanted(), 0))) {
            waiting_->last_activity_ns = now_ns;
            return host_.send(reply, {}, {}, status::requests_pending(), {});
        }
    }
    r.reply.assign(reply);
    if (!waiting_->add(std::move(r))) host_.send(reply, {}, {}, status::text(409, "Exceeded MaxWaiting"), {});
}

void Consumer::on_flow_control_reply(std::string_view subject) {
    if (fc_id_.empty() || subject != fc_id_) return;
    if (max_pending_bytes_ < pending_bytes_limit_) max_pending_bytes_ = std::min(max_pending_bytes_ * 2, pending_bytes_limit_);
    pending_bytes_ = std::max<std::int64_t>(pending_bytes_ - fc_size_, 0);
    fc_id_.clear();
    fc_size_ = 0;
}

void Consumer::on_interest(bool active, std::int64_t now_ns) {
    if (!is_push()) return;
    if (active_ && !active) inactive_since_ns_ = now_ns;
    active_ = active;
}

void Consumer::on_stored(std::uint64_t sequence, std::string_view subject) {
    if (num_pending_valid_ && sequence >= sseq_ && filter_matches(subject)) ++num_pending_;
}

void Consumer::on_removed(std::uint64_t max_sequence) {
    if (max_sequence >= sseq_) num_pending_valid_ = false;
}

void Consumer::on_purged(std::uint64_t first, std::uint64_t last) {
    if (first == 0) first = last + 1;
    if (sseq_ < first) sseq_ = first;
    if (asflr_ < first) {
        asflr_ = first - 1;
        adflr_ = dseq_ - 1;
    }
    pending_.clear();
    std::deque<std::uint64_t> keep;
    for (auto s : rdq_) {
        if (s >= sseq_) keep.push_back(s);
    }
    rdq_ = std::move(keep);
    rdqi_ = std::set<std::uint64_t>(rdq_.begin(), rdq_.end());
    num_pending_valid_ = false;
    dirty_ = true;
}

// ---- delivery ----

void Consumer::queue_redelivery(std::uint64_t sseq) {
    if (rdqi_.insert(sseq).second) rdq_.push_back(sseq);
}

void Consumer::dequeue_redelivery(std::uint64_t sseq) {
    if (rdqi_.erase(sseq) == 0) return;
    rdq_.erase(std::find(rdq_.begin(), rdq_.end(), sseq));
}

std::optional<Consumer::Next> Consumer::next_message() {
    while (!rdq_.empty()) {
        const std::uint64_t seq = rdq_.front();
        rdq_.pop_front();
        rdqi_.erase(seq);
        const std::uint64_t dc = ++rdc_[seq] + 1;
        if (config_.max_deliver > 0 && dc > static_cast<std::uint64_t>(config_.max_deliver)) {
            if (dc == static_cast<std::uint64_t>(config_.max_deliver) + 1) {
                advisory("MAX_DELIVERIES", "io.nats.jetstream.advisory.v1.max_deliver", seq, 0, dc - 1, false);
            }
            pending_.erase(seq);
            dirty_ = true;
            continue;
        }
        return Next{seq, dc, Next::redelivery};
    }
    if (config_.max_ack_pending > 0 && pending_.size() >= static_cast<std::size_t>(config_.max_ack_pending))
        return std::nullopt;
    if (!last_per_subject_.empty()) {
        const std::uint64_t seq = last_per_subject_.front();
        if (seq > stream_.durable_last()) return std::nullopt;
        return Next{seq, 1, Next::skip_list};
    }
    if (sseq_ > stream_.durable_last()) return std::nullopt;
    std::uint64_t found = 0;
    const auto result = stream_.store().load_next(sseq_, config_.filter_subject,
                                                  [&](const nats_sdk::store::MessageView& m) { found = m.sequence; });
    if (result != nats_sdk::store::LoadResult::found) {
        // Nothing more matches: skip ahead to what is stored (getNextMsg on ErrStoreEOF).
        const std::uint64_t last = stream_.durable_last();
        if (last + 1 > sseq_) sseq_ = last + 1;
        return std::nullopt;
    }
    if (found > stream_.durable_last()) return std::nullopt;  // not on disk yet; the sync's completion comes back
    return Next{found, 1, Next::fresh};
}

// Puts back what next_message() took when nobody could receive it.
void Consumer::undo_next(const Next& next) {
    if (next.kind == Next::redelivery) {
        --rdc_[next.sequence];
        if (rdc_[next.sequence] == 0) rdc_.erase(next.sequence);
        rdq_.push_front(next.sequence);
        rdqi_.insert(next.sequence);
    }
}

// What taking `next` changes for good: where the consumer continues.
void Consumer::commit_next(const Next& next) {
    if (next.kind == Next::fresh) {
        sseq_ = next.sequence + 1;
        if (num_pending_valid_ && num_pending_ > 0) --num_pending_;
    } else if (next.kind == Next::skip_list) {
        last_per_subject_.pop_front();
        sseq_ = std::max(sseq_, next.sequence + 1);
        if (last_per_subject_.empty()) sseq_ = std::max(sseq_, resume_after_skip_ + 1);
        num_pending_valid_ = false;
    }
}

bool Consumer::deliver(std::int64_t now_ns, int budget) {
    // Holding a message back for replay timing or the rate limit: not idle, just waiting.
    if (now_ns < replay_wait_until_ns_ || now_ns < rate_wait_until_ns_ || rate_exhausted_) return false;
    for (int sent = 0; sent < budget; ++sent) {
        if (is_push()) {
            if (!active_ || flow_control_blocks()) return wait_for_messages(now_ns);
        } else {
            expire_waiting(now_ns, false);
            if (waiting_->empty()) return wait_for_messages(now_ns);
        }
        const auto next = next_message();
        if (!next) {
            if (waiting_) {
                // Nothing more to send: one-shot (no_wait) requests that got something end
                // here, unless what stops delivery is max_ack_pending (processWaiting(eos)).
                const bool stalled = config_.max_ack_pending > 0 &&
                                     pending_.size() >= static_cast<std::size_t>(config_.max_ack_pending);
                expire_waiting(now_ns, !stalled);
            }
            return wait_for_messages(now_ns);
        }
        nats_sdk::store::StoredMessage message;
        const bool loaded = stream_.store().load(next->sequence, [&](const nats_sdk::store::MessageView& m) {
                                message = nats_sdk::store::StoredMessage::copy_of(m);
                            }) == nats_sdk::store::LoadResult::found;
        if (!loaded) {
            // Removed meanwhile (limits, a delete): skip it.
            if (next->kind == Next::redelivery) {
                pending_.erase(next->sequence);
                rdc_.erase(next->sequence);
            } else {
                commit_next(*next);
            }
            continue;
        }
        // Replay original: wait as long as the messages were apart when stored (any message,
        // a redelivery too, while the consumer replays what the stream held at its start).
        if (replaying_ && replay_last_ts_ > 0) {
            const std::int64_t gap = message.time_ns - replay_last_ts_;
            if (gap > ms && replay_wait_until_ns_ == 0) {
                undo_next(*next);
                replay_wait_until_ns_ = now_ns + gap;
                return false;  // on_timer picks it up again
            }
        }
        replay_wait_until_ns_ = 0;

        // The ack subject carries what is left after this one (numPending after the decrement,
        // which nats-server makes for every first delivery: a last_per_subject start counts
        // down to 0 on its last subject, and the KV clients wait for that 0).
        std::uint64_t left = num_pending();
        if (next->kind != Next::redelivery && left > 0) --left;
        std::string reply = ack_prefix_;
        reply += std::to_string(next->deliveries);
        reply += '.';
        reply += std::to_string(next->sequence);
        reply += '.';
        reply += std::to_string(dseq_);
        reply += '.';
        reply += std::to_string(message.time_ns);
        reply += '.';
        reply += std::to_string(left);
        if (config_.headers_only) {
            message.headers = with_msg_size(message.headers, message.payload.size());
            message.payload.clear();
        }
        const auto size = static_cast<std::int64_t>(message.subject.size() + reply.size() + message.headers.size() +
                                                    message.payload.size());

        // The receiver: the deliver subject, or the first waiting pull request with room.
        std::string deliver_to;
        if (is_push()) {
            deliver_to = config_.deliver_subject;
        } else {
            while (PullRequest* r = waiting_->front()) {
                if (r->max_bytes > 0) {
                    if (size <= r->max_bytes) {
                        r->max_bytes -= size;
                        if (r->max_bytes == 0) r->batch = 1;
                    } else {
                        host_.send(r->reply, {}, {}, status::max_bytes_exceeded(r->batch, r->max_bytes), {});
                        waiting_->drop_front();
                        continue;
                    }
                }
                deliver_to = r->reply;
                if (r->heartbeat_ns > 0) r->next_heartbeat_ns = now_ns + r->heartbeat_ns;
                waiting_->served_front();
                break;
            }
            if (deliver_to.empty()) {
                undo_next(*next);
                return wait_for_messages(now_ns);
            }
        }
        replay_last_ts_ = message.time_ns;
        if (rate_ && !rate_reserved_) {
            // The message waits until the limiter has the bytes (only push consumers have one).
            const std::int64_t wait = rate_->reserve(size, now_ns);
            if (wait != 0) {
                undo_next(*next);
                if (wait < 0) {
                    rate_exhausted_ = true;
                } else {
                    rate_wait_until_ns_ = now_ns + wait;
                    rate_reserved_ = true;
                }
                return false;
            }
        }
        rate_reserved_ = false;
        commit_next(*next);
        send_message(*next, deliver_to, reply, message, size, now_ns);
    }
    return true;
}

// Nothing can go out now (nats-server's waitForMsgs): a replay that has caught up with
// what the stream held at the consumer's start is over; later messages go as they come.
bool Consumer::wait_for_messages(std::int64_t now_ns) {
    if (replaying_ && sseq_ > replay_last_seq_) replaying_ = false;
    if (heartbeat_pending_) {
        // The heartbeat that fell due while a message was held goes out now (nats-server's
        // timer fired during the wait and its tick waited in the channel).
        heartbeat_pending_ = false;
        if (active_) send_heartbeat(config_.deliver_subject);
        next_heartbeat_ns_ = now_ns + config_.idle_heartbeat_ns;
    }
    return false;
}

// setRateLimit: the burst is the largest message the stream takes. A message already
// held back keeps its wait (nats-server's loop sleeps through an update); a limit of 0
// that had spent its burst is let go (nats-server's would sleep for ever).
void Consumer::set_rate_limit() {
    rate_.reset();
    rate_exhausted_ = false;
    if (config_.rate_limit_bps == 0) return;
    const std::int64_t max_msg_size = stream_.config().max_msg_size;
    rate_.emplace(config_.rate_limit_bps, max_msg_size > 0 ? max_msg_size : host_.max_payload());
}

void Consumer::send_message(const Next& next, std::string_view deliver_to, std::string_view reply,
                            const nats_sdk::store::StoredMessage& m, std::int64_t size, std::int64_t now_ns) {
    const std::uint64_t dseq = dseq_++;
    host_.send(deliver_to, m.subject, reply, m.headers, m.payload);
    if (config_.ack_policy == AckPolicy::explicit_ack || config_.ack_policy == AckPolicy::all) {
        auto [it, inserted] = pending_.try_emplace(next.sequence, Pending{dseq, now_ns});
        if (!inserted) it->second.time_ns = now_ns;
        if (next_ack_check_ns_ == 0) next_ack_check_ns_ = now_ns + config_.ack_wait_ns + ack_wait_delay_ns;
    } else {
        adflr_ = dseq;
        asflr_ = next.sequence;
    }
    if (max_pending_bytes_ > 0) {
        pending_bytes_ += size;
        // needFlowControl: ask once past half the window; grow the outstanding one otherwise.
        if (fc_id_.empty() && pending_bytes_ > max_pending_bytes_ / 2) {
            fc_id_ = "$JS.FC." + stream_.name() + "." + name_ + "." + random_token(4);
            fc_size_ = pending_bytes_;
            host_.send(config_.deliver_subject, {}, fc_id_, status::flow_control(), {});
        } else if (!fc_id_.empty() && pending_bytes_ - fc_size_ >= max_pending_bytes_) {
            fc_size_ += size;
        }
    }
    if (waiting_) waiting_->last_activity_ns = now_ns;
    last_delivered_ns_ = now_ns;
    if (config_.idle_heartbeat_ns > 0) next_heartbeat_ns_ = now_ns + config_.idle_heartbeat_ns;
    dirty_ = true;
    if (config_.ack_policy == AckPolicy::none && stream_.config().retention != Retention::limits)
        stream_.consumer_acked(*this, next.sequence);
}

// ---- timers ----

std::int64_t Consumer::ack_deadline(std::uint64_t sseq, const Pending& p) const {
    std::int64_t wait = config_.ack_wait_ns;
    if (!config_.backoff_ns.empty()) {
        const auto it = rdc_.find(sseq);
        std::size_t dc = it == rdc_.end() ? 0 : static_cast<std::size_t>(it->second);
        if (dc >= config_.backoff_ns.size()) dc = config_.backoff_ns.size() - 1;
        wait = config_.backoff_ns[dc];
    }
    return p.time_ns + wait;
}

void Consumer::check_pending(std::int64_t now_ns) {
    next_ack_check_ns_ = 0;
    if (pending_.empty()) return;
    const auto first = stream_.store().state().first_sequence;
    std::int64_t next = 0;
    std::vector<std::uint64_t> expired;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->first < first) {
            // Gone from the stream (limits, purge): nothing to redeliver.
            rdc_.erase(it->first);
            dequeue_redelivery(it->first);
            it = pending_.erase(it);
            dirty_ = true;
            continue;
        }
        const std::int64_t deadline = ack_deadline(it->first, it->second);
        if (deadline <= now_ns) {
            if (rdqi_.count(it->first) == 0) expired.push_back(it->first);
        } else if (next == 0 || deadline < next) {
            next = deadline;
        }
        ++it;
    }
    if (!expired.empty()) {
        // Keep their order among later redeliveries: move the timestamps forward together.
        const std::int64_t offset = now_ns - pending_[expired.front()].time_ns;
        for (auto seq : expired) {
            queue_redelivery(seq);
            pending_[seq].time_ns += offset;
        }
        for (auto seq : expired) {
            const std::int64_t deadline = ack_deadline(seq, pending_[seq]);
            if (next == 0 || deadline < next) next = deadline;
        }
    }
    if (!pending_.empty()) next_ack_check_ns_ = (next == 0 ? now_ns + config_.ack_wait_ns : next) + ack_wait_delay_ns;
}

void Consumer::send_heartbeat(std::string_view to) {
    host_.send(to, {}, {}, status::idle_heartbeat(dseq_ - 1, sseq_ - 1, fc_id_), {});
}

void Consumer::expire_waiting(std::int64_t now_ns, bool end_of_stream) {
    if (!waiting_ || waiting_->empty()) return;
    waiting_->filter([&](PullRequest& r) {
        if ((end_of_stream && r.no_wait && r.delivered > 0) || (r.expires_ns != 0 && now_ns > r.expires_ns)) {
            host_.send(r.reply, {}, {}, status::request_timeout(r.batch, r.max_bytes), {});
            return false;
        }
        if (!host_.has_interest(r.reply)) return false;  // the requester went away
        if (r.next_heartbeat_ns != 0 && now_ns >= r.next_heartbeat_ns) {
            send_heartbeat(r.reply);
            r.next_heartbeat_ns = now_ns + r.heartbeat_ns;
        }
        return true;
    });
}

void Consumer::on_timer(std::int64_t now_ns) {
    if (next_ack_check_ns_ != 0 && now_ns >= next_ack_check_ns_) check_pending(now_ns);
    if (is_push() && config_.idle_heartbeat_ns > 0 && next_heartbeat_ns_ != 0 && now_ns >= next_heartbeat_ns_) {
        if (holding(now_ns)) {
            // nats-server sleeps with the message in hand and heartbeats nobody meanwhile;
            // the one due is sent once the consumer is idle again.
            heartbeat_pending_ = true;
            next_heartbeat_ns_ = 0;
        } else {
            if (active_) send_heartbeat(config_.deliver_subject);
            next_heartbeat_ns_ = now_ns + config_.idle_heartbeat_ns;
        }
    }
    if (waiting_ && !waiting_->empty()) {
        // No-wait requests end once nothing more is there (processWaiting at end of stream).
        const bool drained = rdq_.empty() && num_pending() == 0;
        expire_waiting(now_ns, drained);
    }
}

std::int64_t Consumer::next_deadline() const noexcept {
    std::int64_t next = 0;
    const auto take = [&](std::int64_t at) {
        if (at > 0 && (next == 0 || at < next)) next = at;
    };
    take(next_ack_check_ns_);
    if (is_push() && config_.idle_heartbeat_ns > 0) take(next_heartbeat_ns_);
    take(replay_wait_until_ns_);
    take(rate_wait_until_ns_);
    if (waiting_) {
        for (const auto& r : waiting_->requests()) {
            take(r.expires_ns);
            take(r.next_heartbeat_ns);
        }
    }
    if (config_.inactive_threshold_ns > 0) {
        if (is_push() && !active_) take(inactive_since_ns_ + config_.inactive_threshold_ns);
        if (is_pull() && waiting_) take(waiting_->last_activity_ns + config_.inactive_threshold_ns);
    }
    return next;
}

bool Consumer::inactive(std::int64_t now_ns) const {
    if (config_.inactive_threshold_ns <= 0) return false;
    if (is_push()) return !active_ && inactive_since_ns_ != 0 && now_ns - inactive_since_ns_ >= config_.inactive_threshold_ns;
    if (!waiting_->empty()) return false;
    return now_ns - waiting_->last_activity_ns >= config_.inactive_threshold_ns;
}

void Consumer::release_waiting() {
    if (!waiting_) return;
    waiting_->filter([&](PullRequest& r) {
        host_.send(r.reply, {}, {}, status::text(409, "Consumer Deleted"), {});
        return false;
    });
}

// ---- queries ----

bool Consumer::filter_matches(std::string_view subject) const {
    return config_.filter_subject.empty() || nats_sdk::subject::literal_matches(subject, config_.filter_subject);
}

bool Consumer::needs_ack(std::uint64_t sequence, std::string_view subject) const {
    if (!subject.empty() && !filter_matches(subject)) return false;
    switch (config_.ack_policy) {
        case AckPolicy::none:
        case AckPolicy::all: return sequence > asflr_;
        case AckPolicy::explicit_ack:
            if (sequence <= asflr_) return false;
            if (sequence >= sseq_) return true;
            return pending_.count(sequence) != 0;
    }
    return true;
}

void Consumer::recount_pending() {
    num_pending_ = 0;
    auto& store = stream_.store();
    const auto state = store.state();
    if (state.messages == 0 || sseq_ > state.last_sequence) {
        num_pending_valid_ = true;
        return;
    }
    if (config_.deliver_policy == DeliverPolicy::last_per_subject && !last_per_subject_.empty()) {
        // Subjects whose last message is still ahead (streamNumPending's special case).
        store.subjects_state(config_.filter_subject, [&](std::string_view, const nats_sdk::store::SubjectState& s) {
            if (s.last_sequence >= sseq_) ++num_pending_;
        });
        num_pending_valid_ = true;
        return;
    }
    if (config_.filter_subject.empty() && state.deleted == 0) {
        // No gaps: the count is a subtraction.
        const std::uint64_t from = std::max(sseq_, state.first_sequence);
        num_pending_ = state.last_sequence >= from ? state.last_sequence - from + 1 : 0;
        num_pending_valid_ = true;
        return;
    }
    if (!config_.filter_subject.empty()) {
        // Whole subjects at or after sseq count without reading; only a subject that
        // straddles sseq needs its messages walked.
        std::vector<std::pair<std::string, nats_sdk::store::SubjectState>> partial;
        store.subjects_state(config_.filter_subject, [&](std::string_view subject, const nats_sdk::store::SubjectState& s) {
            if (s.first_sequence >= sseq_) num_pending_ += s.messages;
            else if (s.last_sequence >= sseq_) partial.emplace_back(std::string(subject), s);
        });
        for (const auto& [subject, s] : partial) {
            std::uint64_t seq = sseq_;
            for (;;) {
                std::uint64_t found = 0;
                if (store.load_next(seq, subject, [&](const nats_sdk::store::MessageView& m) { found = m.sequence; }) !=
                    nats_sdk::store::LoadResult::found)
                    break;
                ++num_pending_;
                seq = found + 1;
            }
        }
        num_pending_valid_ = true;
        return;
    }
    std::uint64_t seq = sseq_;
    for (;;) {
        std::uint64_t found = 0;
        if (store.load_next(seq, {}, [&](const nats_sdk::store::MessageView& m) { found = m.sequence; }) !=
            nats_sdk::store::LoadResult::found)
            break;
        ++num_pending_;
        seq = found + 1;
    }
    num_pending_valid_ = true;
}

std::uint64_t Consumer::num_pending() {
    if (!num_pending_valid_) recount_pending();
    return num_pending_;
}

void Consumer::write_info_members(nats_sdk::GoJsonWriter& w, std::int64_t now_ns, bool with_config) {
    if (waiting_) expire_waiting(now_ns, false);
    w.field("stream_name", stream_.name()).field("name", name_).field("created", go_time_text(created_ns_));
    if (with_config) {
        w.key("config");
        write_consumer_config(w, config_);
    }
    w.key("delivered").begin_object().field("consumer_seq", dseq_ - 1).field("stream_seq", sseq_ - 1);
    if (last_delivered_ns_ != 0) w.field("last_active", go_time_text(last_delivered_ns_));
    w.end_object();
    w.key("ack_floor").begin_object().field("consumer_seq", adflr_).field("stream_seq", asflr_);
    if (last_ack_ns_ != 0) w.field("last_active", go_time_text(last_ack_ns_));
    w.end_object();
    w.field("num_ack_pending", pending_.size())
        .field("num_redelivered", rdc_.size())
        .field("num_waiting", waiting_ ? waiting_->size() : 0)
        .field("num_pending", num_pending());
    if (is_push() && active_) w.field("push_bound", true);
}

}  // namespace nmk::jetstream
