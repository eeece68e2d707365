// JetStreamCore's side of mirrors and sources: asking each origin for its consumer,
// taking what it delivers, and starting again when it falls silent or skips ahead.
// The rules are nats-server 2.9.10's (stream.go: setupMirrorConsumer, setSourceConsumer,
// processInboundMirrorMsg, processInboundSourceMsg, startingSequenceForSources); the
// pure parts are in source_link.*.
//
// Every function here runs with the core held. Answers, deliveries and timers come back
// through the Bus carrying (account, stream, index name, generation): a link that was set
// up again since, or a stream deleted since, simply no longer matches and they are dropped.

#include <chrono>
#include <random>

#include <nats_sdk/headers.hpp>
#include <nlohmann/json.hpp>

#include "consumer/consumer_config.hpp"
#include "consumer/consumer_text.hpp"
#include "jetstream_core.hpp"
#include "source/source_link.hpp"

namespace nmk::jetstream {

namespace {

using namespace std::chrono_literals;

constexpr std::int64_t ns_per_ms = 1'000'000;
// sourceConsumerRetryThreshold: at most one consumer request per link every 2 s.
constexpr std::int64_t retry_threshold_ns = 2000 * ns_per_ms;
// sourceHealthCheckInterval, and silence for three of them means stalled.
constexpr std::chrono::milliseconds health_interval = 1000ms;
constexpr std::int64_t stalled_after_ns = 3000 * ns_per_ms;
// How long a consumer request may go unanswered before it is asked again.
constexpr std::chrono::milliseconds answer_timeout = 5000ms;
constexpr std::string_view stream_source_header = "Nats-Stream-Source";

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::uint64_t header_number(std::string_view headers, std::string_view key) {
    const auto v = nats_sdk::header_value(headers, key);
    if (!v) return 0;
    std::uint64_t n = 0;
    for (char c : *v) {
        if (c < '0' || c > '9') return 0;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

// An opt_start_time as Go reads it; 0 when it does not parse (the start then falls back).
std::int64_t start_time_of(const std::string& text) {
    try {
        return parse_go_time(text).unix_ns();
    } catch (const std::exception&) {
        return 0;
    }
}

std::string describe(const SourceLink& link, const std::string& account, const Stream& stream) {
    return "'" + account + " > " + stream.name() + "' " + (link.kind() == SourceLink::Kind::mirror ? "mirror" : "source") +
           " '" + link.index_name() + "'";
}

}  // namespace

void JetStreamCore::start_sourcing(JsAccount& account, Stream& stream) {
    auto& links = stream.source_links();
    links.clear();
    const StreamConfig& cfg = stream.config();
    if (cfg.mirror) {
        links.push_back(std::make_unique<SourceLink>(SourceLink::Kind::mirror, *cfg.mirror));
    } else {
        for (const auto& source : cfg.sources)
            links.push_back(std::make_unique<SourceLink>(SourceLink::Kind::source, source));
    }
    if (links.empty()) return;
    if (cfg.mirror) {
        setup_link(account, stream, *links.front(), 0, 0);
    } else {
        find_source_positions(stream);
        for (auto& link : links) setup_link(account, stream, *link, link->stream_sequence + 1, 0);
    }
    arm_source_health(account.name(), stream);
}

void JetStreamCore::update_sourcing(JsAccount& account, Stream& stream) {
    // A mirror cannot change (refused by the update rules); sources may come and go.
    auto& links = stream.source_links();
    const auto& sources = stream.config().sources;
    std::erase_if(links, [&](const std::unique_ptr<SourceLink>& link) {
        const bool kept = std::any_of(sources.begin(), sources.end(), [&](const StreamSource& s) { return s == link->config(); });
        if (!kept) cancel_link(*link);
        return !kept;
    });
    std::vector<SourceLink*> added;
    for (const auto& source : sources) {
        const bool known = std::any_of(links.begin(), links.end(), [&](const auto& l) { return l->config() == source; });
        if (known) continue;
        links.push_back(std::make_unique<SourceLink>(SourceLink::Kind::source, source));
        added.push_back(links.back().get());
    }
    if (added.empty()) return;
    find_source_positions(stream);
    for (SourceLink* link : added) setup_link(account, stream, *link, link->stream_sequence + 1, 0);
    arm_source_health(account.name(), stream);
}

void JetStreamCore::stop_sourcing(Stream& stream) {
    for (auto& link : stream.source_links()) cancel_link(*link);
    stream.source_links().clear();
}

void JetStreamCore::cancel_link(SourceLink& link) {
    if (link.deliver_subscription != 0) bus_.unsubscribe(link.deliver_subscription);
    if (link.reply_subscription != 0) bus_.unsubscribe(link.reply_subscription);
    link.deliver_subscription = link.reply_subscription = 0;
    link.consumer.clear();
    link.setup_in_progress = false;
    link.generation = ++next_link_generation_;  // whatever is still on its way is dropped
}

// startingSequenceForSources: the newest message from each source says where it resumes;
// the stream's last message time is the fallback start when the origin lost those.
void JetStreamCore::find_source_positions(Stream& stream) {
    const auto state = stream.store().state();
    std::size_t unknown = 0;
    for (auto& link : stream.source_links()) {
        if (state.last_time_ns != 0) link->start_time_ns = state.last_time_ns;
        if (link->stream_sequence == 0) ++unknown;
    }
    if (state.messages == 0 || unknown == 0) return;
    for (std::uint64_t seq = state.last_sequence; seq >= state.first_sequence && seq != 0 && unknown > 0; --seq) {
        stream.store().load(seq, [&](const nats_sdk::store::MessageView& m) {
            const auto value = nats_sdk::header_value(m.headers, stream_source_header);
            if (!value) return;
            const auto parsed = parse_source_header(*value);
            if (!parsed) return;
            for (auto& link : stream.source_links()) {
                if (link->index_name() == parsed->first && link->stream_sequence == 0) {
                    link->stream_sequence = parsed->second;
                    link->delivery_sequence = 0;
                    --unknown;
                }
            }
        });
    }
}

void JetStreamCore::setup_link(JsAccount& account, Stream& stream, SourceLink& link, std::uint64_t start_seq,
                               std::int64_t start_time_ns) {
    const bool was_in_progress = link.setup_in_progress;
    cancel_link(link);
    const std::int64_t now = now_ns();
    if (link.kind() == SourceLink::Kind::mirror) link.stream_sequence = stream.store().state().last_sequence;

    // At most one request per threshold, and none while one is out: ask again a little later.
    if (now - link.last_request_ns < retry_threshold_ns || was_in_progress) {
        link.setup_in_progress = was_in_progress;
        const std::int64_t wait_ns = std::max<std::int64_t>(0, retry_threshold_ns - (now - link.last_request_ns));
        thread_local std::mt19937 rng{std::random_device{}()};
        const auto delay = std::chrono::milliseconds(wait_ns / ns_per_ms + 10 + rng() % 50);
        schedule_link_retry(account.name(), stream.name(), link, delay, start_seq, start_time_ns);
        return;
    }
    link.last_request_ns = now;

    // Where to start (the caller's position for a source; for a mirror its own last).
    std::uint64_t opt_seq = 0;
    std::int64_t opt_time = 0;
    const StreamSource& cfg = link.config();
    if (link.kind() == SourceLink::Kind::mirror) {
        const auto state = stream.store().state();
        opt_seq = state.last_sequence + 1;
        if (state.messages == 0 && state.first_sequence == 0 && state.last_sequence == 0) {
            opt_seq = cfg.opt_start_seq;
            if (opt_seq == 0 && !cfg.opt_start_time.empty()) opt_time = start_time_of(cfg.opt_start_time);
        }
    } else if (start_time_ns != 0 && start_seq > 1) {
        opt_time = start_time_ns;
    } else if (start_seq <= 1) {
        if (cfg.opt_start_seq > 0) {
            opt_seq = cfg.opt_start_seq;
        } else if (!cfg.opt_start_time.empty()) {
            opt_time = start_time_of(cfg.opt_start_time);
            if (link.start_time_ns != 0 && opt_time < link.start_time_ns) opt_time = link.start_time_ns;
        } else if (link.start_time_ns != 0) {
            opt_time = link.start_time_ns;  // our messages from it are gone: resume by time
        }
    } else {
        opt_seq = start_seq;
    }

    const std::string deliver = link.new_deliver_subject();
    const std::string name = std::string(link.kind() == SourceLink::Kind::mirror ? "mirror-" : "src-") + random_token(8);
    const auto request = link.consumer_request(deliver, opt_seq, opt_time, name);
    const std::string reply = "$JSC.R." + random_token(8);
    const std::uint64_t generation = link.generation;
    const std::string account_name = account.name();
    const std::string stream_name = stream.name();
    const std::string index = link.index_name();

    // The deliveries' subscription comes first: the consumer may start at once.
    link.deliver_subscription = bus_.subscribe_inline(
        account_name, deliver,
        [account_name, stream_name, index, generation](JetStreamCore& core, std::string_view subject, std::string_view r,
                                                       std::string_view headers, std::string_view payload) {
            core.link_message(account_name, stream_name, index, generation, subject, r, headers, payload);
        });
    link.reply_subscription = bus_.subscribe(
        account_name, reply,
        [account_name, stream_name, index, generation](JetStreamCore& core, std::string_view, std::string_view,
                                                       std::string_view payload) {
            core.link_answered(account_name, stream_name, index, generation, payload);
        });
    link.setup_in_progress = true;
    bus_.publish_internal(account_name, request.subject, reply, request.body);
    bus_.post(answer_timeout, [account_name, stream_name, index, generation](JetStreamCore& core) {
        JsAccount* a = core.account(account_name);
        Stream* s = a ? a->find(stream_name) : nullptr;
        SourceLink* l = s ? s->find_source_link(index, generation) : nullptr;
        if (l == nullptr || !l->setup_in_progress) return;
        // Unanswered: the origin is not there (yet), or its server is busy. Ask again.
        core.bus().unsubscribe(l->reply_subscription);
        l->reply_subscription = 0;
        l->setup_in_progress = false;
        core.retry_link(*a, *s, *l);
    });
}

void JetStreamCore::schedule_link_retry(const std::string& account, const std::string& stream, SourceLink& link,
                                        std::chrono::milliseconds delay, std::uint64_t start_seq,
                                        std::int64_t start_time_ns) {
    const std::string index = link.index_name();
    const std::uint64_t generation = link.generation;
    bus_.post(delay, [account, stream, index, generation, start_seq, start_time_ns](JetStreamCore& core) {
        JsAccount* a = core.account(account);
        Stream* s = a ? a->find(stream) : nullptr;
        SourceLink* l = s ? s->find_source_link(index, generation) : nullptr;
        if (l == nullptr) return;
        l->setup_in_progress = false;  // the wait is over
        core.setup_link(*a, *s, *l, start_seq, start_time_ns);
    });
}

void JetStreamCore::retry_link(JsAccount& account, Stream& stream, SourceLink& link) {
    if (link.kind() == SourceLink::Kind::mirror) return setup_link(account, stream, link, 0, 0);
    // retrySourceConsumer: where this source's newest message says, then the next one.
    link.stream_sequence = 0;
    find_source_positions(stream);
    setup_link(account, stream, link, link.stream_sequence + 1, 0);
}

void JetStreamCore::link_answered(const std::string& account_name, const std::string& stream_name,
                                  const std::string& index, std::uint64_t generation, std::string_view payload) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    SourceLink* link = stream ? stream->find_source_link(index, generation) : nullptr;
    if (link == nullptr || !link->setup_in_progress) return;
    bus_.unsubscribe(link->reply_subscription);
    link->reply_subscription = 0;
    link->setup_in_progress = false;
    const std::string what = describe(*link, account_name, *stream);

    nlohmann::json answer;
    try {
        answer = nlohmann::json::parse(payload);
    } catch (const std::exception&) {
        bus_.log(3, "JetStream bad " + what + " consumer create response");
        link->error = ApiError::of(ErrorId::JSInvalidJSON);
        return retry_link(*account, *stream, *link);
    }
    if (answer.contains("error") && answer["error"].is_object()) {
        const auto& e = answer["error"];
        ApiError error;
        error.code = e.value("code", 0);
        error.err_code = e.value("err_code", 0);
        error.description = e.value("description", std::string());
        bus_.log(3, "JetStream error response for create " + what + " consumer: " + error.description);
        link->error = std::move(error);
        return retry_link(*account, *stream, *link);
    }
    link->error.reset();
    link->last_heard_ns = now_ns();
    const std::string name = answer.value("name", std::string());
    if (!link->consumer.empty() && link->consumer == name) return;  // its deliveries came first and set us up
    link->consumer = name;
    std::uint64_t delivered = 0;
    if (answer.contains("delivered") && answer["delivered"].is_object())
        delivered = answer["delivered"].value("stream_seq", std::uint64_t{0});
    link->delivery_sequence = 0;
    if (link->kind() == SourceLink::Kind::mirror) {
        // The origin no longer has what comes before `delivered`: the mirror moves past it too.
        if (delivered > stream->store().state().last_sequence) {
            stream->skip_to(delivered, now_ns());
            unsynced_for(*stream);
        }
        link->stream_sequence = delivered;
    } else if (link->stream_sequence < delivered) {
        link->stream_sequence = delivered;
    }
}

void JetStreamCore::link_message(const std::string& account_name, const std::string& stream_name,
                                 const std::string& index, std::uint64_t generation, std::string_view subject,
                                 std::string_view reply, std::string_view headers, std::string_view payload) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    SourceLink* link = stream ? stream->find_source_link(index, generation) : nullptr;
    if (link == nullptr) return;
    const bool control = is_control_message(headers, payload);
    const auto info = parse_ack_reply(reply);
    if (!control) {
        if (!info) return;
        if (link->consumer.empty() && link->setup_in_progress) {
            // Deliveries may overtake the answer to the request: the first one names the
            // new consumer (nats-server takes cname from the reply the same way).
            link->consumer.assign(info->consumer);
            link->delivery_sequence = info->consumer_sequence - 1;
            link->stream_sequence = std::max<std::uint64_t>(info->stream_sequence, 1) - 1;
        }
        // Only the current consumer's messages count (isCurrentSub).
        if (info->consumer != link->consumer) return;
    }
    link->last_heard_ns = now_ns();
    const bool mirror = link->kind() == SourceLink::Kind::mirror;

    if (control) {
        if (!reply.empty()) {
            bus_.publish_internal(account_name, reply, {}, {});  // flow control: we keep up
            return;
        }
        // A heartbeat says what the consumer delivered last: anything missed means start again.
        const std::uint64_t last = header_number(headers, "Nats-Last-Consumer");
        if (last > 0 && last != link->delivery_sequence) {
            if (mirror) return retry_link(*account, *stream, *link);
            return setup_link(*account, *stream, *link, link->stream_sequence + 1, 0);
        }
        if (auto stalled = nats_sdk::header_value(headers, "Nats-Consumer-Stalled"); stalled && !stalled->empty())
            bus_.publish_internal(account_name, *stalled, {}, {});
        return;
    }
    if (info->delivered_count > 1) return;

    const std::uint64_t sseq = info->stream_sequence;
    const std::uint64_t dseq = info->consumer_sequence;
    if (mirror) {
        if (sseq == link->stream_sequence + 1) {
            link->delivery_sequence = dseq;
            ++link->stream_sequence;
        } else if (sseq <= link->stream_sequence) {
            return;  // older than what we have
        } else if (dseq == link->delivery_sequence + 1) {
            // The origin lost messages in between (expired, deleted): a gap here too.
            link->delivery_sequence = dseq;
            link->stream_sequence = sseq;
        } else {
            return retry_link(*account, *stream, *link);
        }
    } else {
        if (dseq == link->delivery_sequence + 1) {
            ++link->delivery_sequence;
            link->stream_sequence = sseq;
        } else if (dseq > link->delivery_sequence) {
            // Missed some: again from the one after the last taken (retrySourceConsumerAtSeq).
            return setup_link(*account, *stream, *link, link->stream_sequence + 1, 0);
        } else {
            return;
        }
    }
    link->lag = info->pending == 0 ? 0 : info->pending - 1;

    PublishOutcome outcome;
    if (mirror) {
        const OriginPosition at{sseq, info->time_ns};
        outcome = store_from_origin(*account, *stream, subject, headers, payload, &at);
    } else {
        // Where it came from, replacing what an origin that is itself sourced wrote.
        const std::string tagged =
            nats_sdk::set_header(headers, stream_source_header, source_header_value(link->index_name(), reply));
        outcome = store_from_origin(*account, *stream, subject, tagged, payload, nullptr);
    }
    if (outcome.refusal) {
        bus_.log(3, "Error processing inbound " + describe(*link, account_name, *stream) + " message: " +
                        outcome.refusal->description);
        if (!mirror) retry_link(*account, *stream, *link);
    }
}

void JetStreamCore::arm_source_health(const std::string& account, Stream& stream) {
    const std::uint64_t token = ++next_link_generation_;
    stream.source_health_token = token;
    const std::string name = stream.name();
    bus_.post(health_interval, [account, name, token](JetStreamCore& core) { core.check_source_health(account, name, token); });
}

void JetStreamCore::check_source_health(const std::string& account_name, const std::string& stream_name, std::uint64_t token) {
    JsAccount* account = this->account(account_name);
    Stream* stream = account ? account->find(stream_name) : nullptr;
    if (stream == nullptr || stream->source_health_token != token || stream->source_links().empty()) return;
    const std::int64_t now = now_ns();
    for (auto& link : stream->source_links()) {
        // Stalled: a consumer that should be sending heartbeats has said nothing for 3 s.
        if (!link->setup_in_progress && !link->consumer.empty() && now - link->last_heard_ns > stalled_after_ns)
            retry_link(*account, *stream, *link);
    }
    bus_.post(health_interval,
              [account_name, stream_name, token](JetStreamCore& core) { core.check_source_health(account_name, stream_name, token); });
}

}  // namespace nmk::jetstream
