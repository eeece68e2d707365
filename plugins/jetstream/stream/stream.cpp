#include "stream/stream.hpp"

#include "consumer/consumer.hpp"
#include "source/source_link.hpp"
#include "stream/subject_transform.hpp"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <charconv>
#include <limits>

#include <nats_sdk/go_json.hpp>
#include <nats_sdk/headers.hpp>
#include <nats_sdk/subject.hpp>

namespace nmk::jetstream {

namespace {

namespace hn = nats_sdk::header_names;

// nats-server's parseInt64 on a header: digits only, otherwise -1 (so a garbled
// expected sequence never matches).
std::uint64_t header_sequence(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::numeric_limits<std::uint64_t>::max();
    return value;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The store's errors nats-server words this way (ErrMaxMsgs, ErrMaxBytes, ...), sent as
// JSStreamStoreFailed.
ApiError store_failed(std::string_view why) { return ApiError::with(ErrorId::JSStreamStoreFailed, why); }

}  // namespace

Stream::Stream(std::string account, StreamConfig config, std::int64_t created_ns,
               std::unique_ptr<nats_sdk::store::Stream> store, std::string domain)
    : account_(std::move(account)),
      config_(std::move(config)),
      created_ns_(created_ns),
      store_(std::move(store)),
      domain_(std::move(domain)) {
    nats_sdk::GoJsonWriter name(false);
    name.value(config_.name);
    pub_ack_prefix_ = "{\"stream\":" + name.take() + ", ";
    if (!domain_.empty()) {
        nats_sdk::GoJsonWriter d(false);
        d.value(domain_);
        pub_ack_prefix_ += "\"domain\":" + d.take() + ", ";
    }
    pub_ack_prefix_ += "\"seq\":";
    // What a store holds when it is opened is durable (recovered from disk, or new).
    durable_->store(store_->state().last_sequence);
}

Stream::~Stream() = default;

std::size_t Stream::public_consumer_count() const {
    std::size_t n = 0;
    for (const auto& [name, consumer] : consumers_) n += consumer->config().direct ? 0 : 1;
    return n;
}

SourceLink* Stream::find_source_link(const std::string& index_name, std::uint64_t generation) {
    for (auto& link : source_links_) {
        if (link->index_name() == index_name && link->generation == generation) return link.get();
    }
    return nullptr;
}

void Stream::skip_to(std::uint64_t sequence, std::int64_t now_ns) {
    const auto state = store_->state();
    if (sequence <= state.last_sequence) return;
    if (state.messages == 0) {
        store_->compact(sequence + 1);  // an empty stream simply starts after it
    } else {
        // The store has no skip record: a placeholder at `sequence`, removed at once,
        // leaves the same trace (a deleted sequence at the end).
        store_->append(sequence, now_ns, "_skip_", {}, {});
        store_->remove(sequence);
    }
}

std::string Stream::pub_ack(std::uint64_t sequence, bool duplicate) const {
    // One allocation per ack (this runs for every publish).
    const std::string_view tail = duplicate ? ",\"duplicate\": true}" : "}";
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, sequence).ptr;
    std::string out;
    out.reserve(pub_ack_prefix_.size() + static_cast<std::size_t>(end - digits) + tail.size());
    out.append(pub_ack_prefix_).append(digits, end).append(tail);
    return out;
}

std::string Stream::pub_ack_error(const ApiError& error, std::string_view stream, std::string_view domain) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object().key("error");
    error.write(w);
    w.field("stream", stream);
    if (!domain.empty()) w.field("domain", domain);
    w.field("seq", 0).end_object();
    return w.take();
}

std::uint64_t Stream::message_size(std::string_view subject, std::string_view headers, std::string_view payload) const {
    // memStoreMsgSize and fileStoreMsgSize of nats-server 2.9.10.
    const std::uint64_t body = subject.size() + headers.size() + payload.size();
    if (config_.storage == Storage::memory) return body + 16;
    return body + (headers.empty() ? 30 : 34);
}

std::optional<ApiError> Stream::check_headers(std::string_view subject, std::string_view headers, std::string& msg_id,
                                              bool& rollup_subject, bool& rollup_all, PublishOutcome& duplicate) {
    // After a restart the dedup table is rebuilt on the first publish that needs it, as
    // nats-server's checkMsgId does (rebuildDedupe), not while starting.
    if (dedup_rebuild_pending_ && (nats_sdk::header_value(headers, hn::msg_id) ||
                                   nats_sdk::header_value(headers, hn::expected_last_msg_id))) {
        dedup_rebuild_pending_ = false;
        rebuild_dedup(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
    }
    using nats_sdk::header_value;
    if (auto expected = header_value(headers, hn::expected_stream); expected && !expected->empty() && *expected != config_.name)
        return ApiError::of(ErrorId::JSStreamNotMatch);
    if (auto id = header_value(headers, hn::msg_id); id && !id->empty()) {
        msg_id.assign(*id);
        if (auto it = dedup_.find(msg_id); it != dedup_.end()) {
            duplicate.ack = pub_ack(it->second.sequence, true);
            return std::nullopt;
        }
    }
    if (auto expected = header_value(headers, hn::expected_last_subject_sequence); expected && !expected->empty()) {
        std::uint64_t last = 0;
        if (auto state = store_->subject_state(subject)) last = state->last_sequence;
        if (header_sequence(*expected) != last) return ApiError::with(ErrorId::JSStreamWrongLastSequence, std::to_string(last));
    }
    if (auto expected = header_value(headers, hn::expected_last_sequence); expected && !expected->empty()) {
        const std::uint64_t last = store_->state().last_sequence;
        if (header_sequence(*expected) != last) return ApiError::with(ErrorId::JSStreamWrongLastSequence, std::to_string(last));
    }
    if (auto expected = header_value(headers, hn::expected_last_msg_id); expected && !expected->empty()) {
        if (*expected != last_msg_id_) return ApiError::with(ErrorId::JSStreamWrongLastMsgID, last_msg_id_);
    }
    if (auto rollup = header_value(headers, hn::rollup); rollup && !rollup->empty()) {
        if (!config_.allow_rollup || config_.deny_purge) return ApiError::with(ErrorId::JSStreamRollupFailed, "rollup not permitted");
        const std::string value = lower(*rollup);
        if (value == "sub") rollup_subject = true;
        else if (value == "all") rollup_all = true;
        else {
            // nats-server drops such a message without an answer.
            ApiError silent;
            return silent;
        }
    }
    return std::nullopt;
}

std::optional<ApiError> Stream::check_discard_new(std::string_view subject, std::string_view headers,
                                                  std::string_view payload) {
    // storeRawMsg's checks in nats-server 2.9.10 (both stores), quirks included: a message
    // that will replace its subject's oldest (the subject is at max_msgs_per_subject) is
    // let in at max_msgs, and at max_bytes when the message it replaces is bigger; the
    // byte check adds only headers and payload to the stored bytes. What goes over is
    // then trimmed from the front (enforce_limits), as the stores' enforce*Limit do.
    if (config_.discard != Discard::new_messages) return std::nullopt;
    std::optional<nats_sdk::store::SubjectState> at_subject_limit;
    if (config_.max_msgs_per_subject > 0) {
        if (auto s = store_->subject_state(subject); s && s->messages >= static_cast<std::uint64_t>(config_.max_msgs_per_subject)) {
            if (config_.discard_new_per_subject) return store_failed("maximum messages per subject exceeded");
            at_subject_limit = s;
        }
    }
    const auto state = store_->state();
    if (config_.max_msgs > 0 && state.messages >= static_cast<std::uint64_t>(config_.max_msgs) && !at_subject_limit)
        return store_failed("maximum messages exceeded");
    const std::uint64_t added = headers.size() + payload.size();
    if (config_.max_bytes > 0 && state.bytes + added >= static_cast<std::uint64_t>(config_.max_bytes)) {
        if (!at_subject_limit) return store_failed("maximum bytes exceeded");
        std::uint64_t replaced = 0;
        store_->load(at_subject_limit->first_sequence, [&](const nats_sdk::store::MessageView& m) {
            replaced = message_size(m.subject, m.headers, m.payload);
        });
        const bool too_small = config_.storage == Storage::memory ? replaced < added : replaced <= added;
        if (too_small) return store_failed("maximum bytes exceeded");
    }
    return std::nullopt;
}

PublishOutcome Stream::publish(std::string_view subject, std::string_view reply, std::string_view headers,
                               std::string_view payload, std::int64_t now_ns, const StorageGate& gate,
                               const OriginPosition* at) {
    PublishOutcome out;
    const bool can_respond = !config_.no_ack && !reply.empty();
    const auto refuse = [&](const ApiError& e) {
        if (can_respond && e.err_code != 0) out.ack = pub_ack_error(e);
        out.refusal = e;
        return out;
    };
    if (at != nullptr) {
        if (at->sequence <= store_->state().last_sequence) return out;  // already there
        now_ns = at->time_ns;
    }
    if (config_.sealed) return refuse(ApiError::of(ErrorId::JSStreamSealed));

    std::string msg_id;
    bool rollup_subject = false;
    bool rollup_all = false;
    if (!headers.empty()) {
        PublishOutcome duplicate;
        if (auto e = check_headers(subject, headers, msg_id, rollup_subject, rollup_all, duplicate)) return refuse(*e);
        if (!duplicate.ack.empty()) {
            if (can_respond) out.ack = std::move(duplicate.ack);
            return out;
        }
    }
    if (config_.max_msg_size >= 0 && headers.size() + payload.size() > static_cast<std::size_t>(config_.max_msg_size))
        return refuse(ApiError::of(ErrorId::JSStreamMessageExceedsMaximum));
    if (headers.size() > std::numeric_limits<std::uint16_t>::max()) return refuse(ApiError::of(ErrorId::JSStreamHeaderExceedsMaximum));

    const std::uint64_t size = message_size(subject, headers, payload);
    if (gate.check != nullptr) {
        if (auto e = gate.check(gate.user, config_.storage, size)) return refuse(*e);
    }
    if (auto e = check_discard_new(subject, headers, payload)) return refuse(*e);

    const std::uint64_t sequence = at != nullptr ? at->sequence : store_->state().last_sequence + 1;
    std::uint64_t last_for_subject = 0;
    if (config_.republish) {
        if (auto s = store_->subject_state(subject)) last_for_subject = s->last_sequence;
    }
    try {
        store_->append(sequence, now_ns, subject, headers, payload);
    } catch (const nats_sdk::store::StoreError& e) {
        return refuse(e.store_status() == NMK_STORE_NO_SPACE ? ApiError::of(ErrorId::JSInsufficientResources)
                                                              : store_failed(e.what()));
    }
    last_msg_id_ = msg_id;
    if (!msg_id.empty()) remember_msg_id(std::move(msg_id), sequence, now_ns);
    if (config_.retention == Retention::interest && !has_interest(subject)) {
        // Nobody is interested: nats-server takes the sequence (SkipMsg) and keeps nothing.
        store_->remove(sequence);
        out.sequence = sequence;
        out.needs_sync = true;
        if (can_respond) out.ack = pub_ack(sequence);
        return out;
    }

    if (rollup_subject) purge(subject, 0, 1);
    else if (rollup_all) purge({}, 0, 1);
    enforce_limits(subject);

    for (auto& [name, consumer] : consumers_) consumer->on_stored(sequence, subject);
    fill_republish(subject, headers, payload, sequence, last_for_subject, out);
    out.stored = true;
    out.sequence = sequence;
    out.needs_sync = true;
    if (can_respond) out.ack = pub_ack(sequence);
    return out;
}

// nats-server's republish: the stored message again, on the destination subject
// (wildcard tokens carried over in order), with Nats-Stream, Nats-Subject,
// Nats-Sequence and Nats-Last-Sequence (and Nats-Msg-Size instead of the payload for
// headers_only).
void Stream::fill_republish(std::string_view subject, std::string_view headers, std::string_view payload,
                            std::uint64_t sequence, std::uint64_t last_for_subject, PublishOutcome& out) const {
    if (!config_.republish) return;
    const RePublish& r = *config_.republish;
    if (!nats_sdk::subject::literal_matches(subject, r.source)) return;
    const auto transform = SubjectTransform::make(r.source, r.destination);
    if (!transform) return;  // refused when the stream was created
    out.republish_subject = transform->apply(subject);
    const std::string seq = std::to_string(sequence);
    const std::string last = std::to_string(last_for_subject);
    if (headers.empty()) {
        out.republish_headers = "NATS/1.0\r\nNats-Stream: " + config_.name + "\r\nNats-Subject: " + std::string(subject) +
                                "\r\nNats-Sequence: " + seq + "\r\nNats-Last-Sequence: " + last + "\r\n";
        if (r.headers_only) out.republish_headers += "Nats-Msg-Size: " + std::to_string(payload.size()) + "\r\n";
        out.republish_headers += "\r\n";
    } else {
        namespace hn = nats_sdk::header_names;
        std::string h = nats_sdk::set_header(headers, hn::stream, config_.name);
        h = nats_sdk::set_header(h, hn::subject, subject);
        h = nats_sdk::set_header(h, hn::sequence, seq);
        h = nats_sdk::set_header(h, "Nats-Last-Sequence", last);
        if (r.headers_only) h = nats_sdk::set_header(h, "Nats-Msg-Size", std::to_string(payload.size()));
        out.republish_headers = std::move(h);
    }
    if (!r.headers_only) out.republish_payload.assign(payload);
}

void Stream::enforce_limits(std::string_view subject) {
    if (config_.max_msgs_per_subject > 0) {
        if (auto s = store_->subject_state(subject); s && s->messages > static_cast<std::uint64_t>(config_.max_msgs_per_subject)) {
            store_->purge(subject, 0, static_cast<std::uint64_t>(config_.max_msgs_per_subject));
            removed_up_to(s->last_sequence);
        }
    }
    // With discard new too: check_discard_new lets some messages go over (as nats-server).
    auto state = store_->state();
    if (config_.max_msgs > 0 && state.messages > static_cast<std::uint64_t>(config_.max_msgs)) {
        // Remove the oldest until within the limit (they are the first sequences).
        std::uint64_t excess = state.messages - static_cast<std::uint64_t>(config_.max_msgs);
        std::uint64_t removed_to = 0;
        while (excess > 0 && store_->state().messages > 0) {
            const auto first = store_->state().first_sequence;
            if (store_->remove(first)) --excess;
            else store_->compact(first + 1);
            removed_to = first;
        }
        removed_up_to(removed_to);
        state = store_->state();
    }
    if (config_.max_bytes > 0) {
        while (state.bytes > static_cast<std::uint64_t>(config_.max_bytes) && state.messages > 0) {
            if (!store_->remove(state.first_sequence)) store_->compact(state.first_sequence + 1);
            removed_up_to(state.first_sequence);
            state = store_->state();
        }
    }
}

void Stream::remember_msg_id(std::string msg_id, std::uint64_t sequence, std::int64_t time_ns) {
    if (config_.duplicate_window_ns <= 0) return;
    dedup_order_.emplace_back(msg_id, time_ns);
    dedup_[std::move(msg_id)] = {sequence, time_ns};
}

void Stream::update(StreamConfig config) {
    config_ = std::move(config);
    enforce_limits({});
    if (config_.max_msgs_per_subject > 0) {
        std::vector<std::string> over;
        store_->subjects_state({}, [&](std::string_view s, const nats_sdk::store::SubjectState& st) {
            if (st.messages > static_cast<std::uint64_t>(config_.max_msgs_per_subject)) over.emplace_back(s);
        });
        for (const auto& s : over) store_->purge(s, 0, static_cast<std::uint64_t>(config_.max_msgs_per_subject));
        if (!over.empty()) removed_up_to(store_->state().last_sequence);
    }
}

std::uint64_t Stream::purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) {
    const std::uint64_t purged = store_->purge(filter, below_sequence, keep);
    if (purged > 0 && !consumers_.empty()) {
        // nats-server's mset.purge: consumers the purge concerns move past it.
        const auto state = store_->state();
        std::uint64_t first = state.first_sequence;
        if (!filter.empty()) {
            first = 0;
            store_->load_next(state.first_sequence, filter, [&](const nats_sdk::store::MessageView& m) { first = m.sequence; });
            if (first == 0) first = state.last_sequence + 1;
        }
        for (auto& [name, consumer] : consumers_) {
            if (!filter.empty() && !consumer->filter_matches(filter)) {
                consumer->on_removed(state.last_sequence);
                continue;
            }
            if (keep == 0 && below_sequence <= 1) consumer->on_purged(first, state.last_sequence);
            else consumer->on_removed(state.last_sequence);
        }
    }
    return purged;
}

bool Stream::remove_message(std::uint64_t sequence) {
    const bool removed = store_->remove(sequence);
    if (removed) removed_up_to(sequence);
    return removed;
}

Consumer* Stream::find_consumer(const std::string& name) {
    auto it = consumers_.find(name);
    return it == consumers_.end() ? nullptr : it->second.get();
}

void Stream::removed_up_to(std::uint64_t max_sequence) {
    for (auto& [name, consumer] : consumers_) consumer->on_removed(max_sequence);
}

bool Stream::has_interest(std::string_view subject) const {
    // nats-server's processJetStreamMsg: with no consumer, or only filtered ones that
    // do not match, nobody is interested.
    for (const auto& [name, consumer] : consumers_) {
        if (consumer->filter_matches(subject)) return true;
    }
    return false;
}

void Stream::consumer_acked(const Consumer& by, std::uint64_t sequence) {
    if (config_.retention == Retention::limits) return;
    const auto state = store_->state();
    if (sequence < state.first_sequence || sequence > state.last_sequence) return;
    bool remove = true;
    if (config_.retention == Retention::interest) {
        // checkInterest: another consumer that still needs it keeps it.
        std::string subject;
        if (consumers_.size() > 1) {
            store_->load(sequence, [&](const nats_sdk::store::MessageView& m) { subject.assign(m.subject); });
        }
        for (const auto& [name, consumer] : consumers_) {
            if (consumer.get() != &by && consumer->needs_ack(sequence, subject)) {
                remove = false;
                break;
            }
        }
    }
    if (remove && store_->remove(sequence)) removed_up_to(sequence);
}

void Stream::consumer_removed(const Consumer& gone) {
    if (config_.retention != Retention::interest) return;
    const auto state = store_->state();
    std::uint64_t seq = std::max(gone.ack_floor_stream(), state.first_sequence);
    std::vector<std::uint64_t> drop;
    for (; seq != 0 && seq <= state.last_sequence; ++seq) {
        std::string subject;
        if (store_->load(seq, [&](const nats_sdk::store::MessageView& m) { subject.assign(m.subject); }) !=
            nats_sdk::store::LoadResult::found)
            continue;
        bool needed = false;
        for (const auto& [name, consumer] : consumers_) {
            if (consumer.get() != &gone && consumer->needs_ack(seq, subject)) {
                needed = true;
                break;
            }
        }
        if (!needed) drop.push_back(seq);
    }
    for (auto s : drop) store_->remove(s);
    if (!drop.empty()) removed_up_to(drop.back());
}

void Stream::rebuild_dedup(std::int64_t now_ns) {
    if (config_.duplicate_window_ns <= 0) return;
    std::uint64_t seq = store_->sequence_for_time(now_ns - config_.duplicate_window_ns);
    const std::uint64_t last = store_->state().last_sequence;
    while (seq != 0 && seq <= last) {
        std::uint64_t found = 0;
        const auto result = store_->load_next(seq, {}, [&](const nats_sdk::store::MessageView& m) {
            found = m.sequence;
            auto id = nats_sdk::header_value(m.headers, nats_sdk::header_names::msg_id);
            if (id && !id->empty()) {
                last_msg_id_.assign(*id);
                remember_msg_id(std::string(*id), m.sequence, m.time_ns);
            }
        });
        if (result != nats_sdk::store::LoadResult::found || found == 0) break;
        seq = found + 1;
    }
}

std::int64_t Stream::expire(std::int64_t now_ns) {
    std::int64_t next = 0;
    const auto earliest = [&](std::int64_t at) { next = next == 0 ? at : std::min(next, at); };
    if (config_.duplicate_window_ns > 0) {
        while (!dedup_order_.empty() && dedup_order_.front().second + config_.duplicate_window_ns <= now_ns) {
            auto it = dedup_.find(dedup_order_.front().first);
            if (it != dedup_.end() && it->second.time_ns == dedup_order_.front().second) dedup_.erase(it);
            dedup_order_.pop_front();
        }
        if (!dedup_order_.empty()) earliest(dedup_order_.front().second + config_.duplicate_window_ns);
    }
    if (config_.max_age_ns > 0) {
        const std::uint64_t keep_from = store_->sequence_for_time(now_ns - config_.max_age_ns);
        if (keep_from > store_->state().first_sequence && store_->state().messages > 0) {
            store_->compact(keep_from);
            removed_up_to(keep_from - 1);
        }
        const auto state = store_->state();
        if (state.messages > 0) earliest(state.first_time_ns + config_.max_age_ns);
    }
    return next;
}

}  // namespace nmk::jetstream
