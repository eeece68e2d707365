// A consumer's acks: the ack subject's numbers, +ACK/-NAK/+WPI/+TERM/+NXT, ack floors,
// sampled ack metrics and the per-message advisories (nats-server's processAck,
// processAckMsg, processNak, processTerm, sampleAck). Part of Consumer; see consumer.hpp.

#include "consumer/consumer.hpp"
#include "consumer/consumer_text.hpp"

#include <chrono>
#include <random>

#include <nats_sdk/go_time.hpp>
#include <nlohmann/json.hpp>

#include "api/advisories.hpp"
#include "stream/stream.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t ack_wait_delay_ns = ms;  // ackWaitDelay

std::uint64_t parse_number(std::string_view d) {
    if (d.empty()) return 0;
    std::uint64_t n = 0;
    for (char c : d) {
        if (c < '0' || c > '9') return 0;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

// The ack subject's numbers (ackReplyInfo): 9 tokens, $JS.ACK.<stream>.<consumer>.<dc>.<sseq>.<dseq>.<ts>.<pending>.
struct AckInfo {
    std::uint64_t dc = 0, sseq = 0, dseq = 0;
};

AckInfo ack_info(std::string_view subject) {
    std::string_view tokens[9];
    std::size_t n = 0, start = 0;
    for (std::size_t i = 0; i <= subject.size(); ++i) {
        if (i == subject.size() || subject[i] == '.') {
            if (n == 9) return {};
            tokens[n++] = subject.substr(start, i - start);
            start = i + 1;
        }
    }
    if (n != 9 || tokens[0] != "$JS" || tokens[1] != "ACK") return {};
    return {parse_number(tokens[4]), parse_number(tokens[5]), parse_number(tokens[6])};
}

}  // namespace

// ---- acks ----

void Consumer::on_ack(std::string_view subject, std::string_view reply, std::string_view body, std::int64_t now_ns) {
    const AckInfo info = ack_info(subject);
    bool skip_reply = info.sseq == 0;
    if (body.empty() || body == "+ACK" || body == "+OK") {
        ack_one(info.sseq, info.dseq, info.dc, true, now_ns);
    } else if (body.substr(0, 4) == "+NXT") {
        ack_one(info.sseq, info.dseq, info.dc, true, now_ns);
        if (!reply.empty()) on_pull_request(reply, body.substr(4), now_ns);
        skip_reply = true;
    } else if (body.substr(0, 4) == "-NAK") {
        nak(info.sseq, info.dseq, info.dc, body, now_ns);
    } else if (body == "+WPI") {
        if (auto it = pending_.find(info.sseq); it != pending_.end()) {
            it->second.time_ns = now_ns;
            dirty_ = true;
            if (next_ack_check_ns_ == 0) next_ack_check_ns_ = now_ns + config_.ack_wait_ns + ack_wait_delay_ns;
        }
    } else if (body == "+TERM") {
        term(info.sseq, info.dseq, info.dc, now_ns);
    }
    if (!reply.empty() && !skip_reply) host_.send(reply, {}, {}, {}, {});
}

void Consumer::ack_one(std::uint64_t sseq, std::uint64_t dseq, std::uint64_t dc, bool sample, std::int64_t now_ns) {
    std::vector<std::uint64_t> acked;
    switch (config_.ack_policy) {
        case AckPolicy::explicit_ack: {
            if (auto it = pending_.find(sseq); it != pending_.end()) {
                if (sample && sample_percent_ > 0) {
                    thread_local std::mt19937 rng{std::random_device{}()};
                    if (sample_percent_ >= 100 || static_cast<int>(rng() % 100) <= sample_percent_) {
                        nats_sdk::GoJsonWriter w(false);
                        w.begin_object()
                            .field("type", "io.nats.jetstream.metric.v1.consumer_ack")
                            .field("id", next_event_id())
                            .field("timestamp", go_time_text(now_ns))
                            .field("stream", stream_.name())
                            .field("consumer", name_)
                            .field("consumer_seq", dseq)
                            .field("stream_seq", sseq)
                            .field("ack_time", now_ns - it->second.time_ns)
                            .field("deliveries", dc);
                        if (!host_.domain().empty()) w.field("domain", host_.domain());
                        w.end_object();
                        host_.advisory("$JS.EVENT.METRIC.CONSUMER.ACK." + stream_.name() + "." + name_, w.take());
                    }
                }
                dseq = it->second.dseq;
                pending_.erase(it);
                acked.push_back(sseq);
            }
            if (pending_.empty()) {
                adflr_ = dseq_ - 1;
                asflr_ = sseq_ - 1;
            } else if (dseq == adflr_ + 1) {
                adflr_ = dseq;
                asflr_ = sseq;
                if (auto next = pending_.upper_bound(sseq); next != pending_.end()) {
                    adflr_ = next->second.dseq - 1;
                    asflr_ = next->first - 1;
                }
            }
            rdc_.erase(sseq);
            dequeue_redelivery(sseq);
            break;
        }
        case AckPolicy::all: {
            if (dseq <= adflr_ || sseq <= asflr_) return;
            const std::uint64_t from = asflr_;
            adflr_ = dseq;
            asflr_ = sseq;
            for (auto it = pending_.begin(); it != pending_.end() && it->first <= sseq;) {
                rdc_.erase(it->first);
                dequeue_redelivery(it->first);
                it = pending_.erase(it);
            }
            for (std::uint64_t s = sseq; s > from; --s) acked.push_back(s);
            break;
        }
        case AckPolicy::none: return;
    }
    last_ack_ns_ = now_ns;
    dirty_ = true;
    if (stream_.config().retention != Retention::limits) {
        for (auto s : acked) stream_.consumer_acked(*this, s);
    }
}

void Consumer::nak(std::uint64_t sseq, std::uint64_t dseq, std::uint64_t dc, std::string_view body, std::int64_t now_ns) {
    if (dseq <= adflr_ || dseq > dseq_) return;
    if (!pending_.empty() && pending_.find(sseq) == pending_.end()) return;
    advisory("MSG_NAKED", "io.nats.jetstream.advisory.v1.nak", sseq, dseq, dc, true);
    const std::string_view arg = trim_space(body.substr(4));
    if (!arg.empty()) {
        std::optional<std::int64_t> delay;
        if (arg.front() == '{') {
            try {
                const auto doc = nlohmann::json::parse(arg);
                const auto it = doc.find("delay");
                if (it != doc.end() && it->is_number_integer()) delay = it->get<std::int64_t>();
                else if (it == doc.end() || it->is_null()) delay = 0;
            } catch (const std::exception&) {
            }
        } else if (auto d = nats_sdk::parse_go_duration(arg)) {
            delay = d->count();
        }
        if (delay) {
            dequeue_redelivery(sseq);
            if (auto it = pending_.find(sseq); it != pending_.end()) {
                // Expired now is "delivered ack_wait ago"; the delay moves it from there.
                it->second.time_ns = now_ns - config_.ack_wait_ns + *delay;
                next_ack_check_ns_ = now_ns + 10 * ms;
                dirty_ = true;
            }
            return;
        }
        // A delay nats-server cannot parse makes it a plain NAK (it logs a warning).
    }
    queue_redelivery(sseq);
}

void Consumer::term(std::uint64_t sseq, std::uint64_t dseq, std::uint64_t dc, std::int64_t now_ns) {
    ack_one(sseq, dseq, dc, false, now_ns);
    advisory("MSG_TERMINATED", "io.nats.jetstream.advisory.v1.terminated", sseq, dseq, dc, true);
}

void Consumer::advisory(std::string_view kind, std::string_view type, std::uint64_t sseq, std::uint64_t dseq,
                        std::uint64_t dc, bool with_dseq) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object()
        .field("type", type)
        .field("id", next_event_id())
        .field("timestamp", go_time_text(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count()))
        .field("stream", stream_.name())
        .field("consumer", name_);
    if (with_dseq) w.field("consumer_seq", dseq);
    w.field("stream_seq", sseq).field("deliveries", dc);
    if (!host_.domain().empty()) w.field("domain", host_.domain());
    w.end_object();
    host_.advisory("$JS.EVENT.ADVISORY.CONSUMER." + std::string(kind) + "." + stream_.name() + "." + name_, w.take());
}

}  // namespace nmk::jetstream
