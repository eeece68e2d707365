#include "stream/stream_json.hpp"

#include "source/source_link.hpp"

#include <chrono>
#include <map>
#include <vector>

#include <nats_sdk/go_time.hpp>

namespace nmk::jetstream {

std::string go_time_text(std::int64_t unix_ns) {
    if (unix_ns == 0) return "0001-01-01T00:00:00Z";
    return nats_sdk::rfc3339(std::chrono::system_clock::time_point(std::chrono::nanoseconds(unix_ns)));
}

void write_stream_state(nats_sdk::GoJsonWriter& w, Stream& stream, const StreamInfoOptions& options) {
    const auto s = stream.store().state();
    // An empty stream reports first_seq as nats-server does: 0 when nothing was ever
    // stored, otherwise the next sequence.
    w.begin_object()
        .field("messages", s.messages)
        .field("bytes", s.bytes)
        .field("first_seq", s.messages == 0 && s.last_sequence == 0 ? 0 : s.first_sequence)
        .field("first_ts", go_time_text(s.messages == 0 ? 0 : s.first_time_ns))
        .field("last_seq", s.last_sequence)
        .field("last_ts", go_time_text(s.last_time_ns));
    if (s.subjects > 0) w.field("num_subjects", s.subjects);
    if (!options.subjects_filter.empty()) {
        std::map<std::string, std::uint64_t> counts;  // Go writes a map's keys sorted
        stream.store().subjects_state(options.subjects_filter, [&](std::string_view subject, const auto& st) {
            counts.emplace(std::string(subject), st.messages);
        });
        if (!counts.empty()) {
            w.key("subjects").begin_object();
            for (const auto& [subject, n] : counts) w.field(subject, n);
            w.end_object();
        }
    }
    if (s.deleted > 0) w.field("num_deleted", s.deleted);
    if (options.deleted_details && s.deleted > 0) {
        w.key("deleted").begin_array();
        for (std::uint64_t seq = s.first_sequence; seq <= s.last_sequence; ++seq) {
            if (stream.store().load(seq, [](const auto&) {}) == nats_sdk::store::LoadResult::not_found) w.value(seq);
        }
        w.end_array();
    }
    w.field("consumer_count", stream.public_consumer_count()).end_object();
}

namespace {

// StreamSourceInfo: how a mirror or source is doing. `active` is the time since the
// origin was last heard from (-1: never).
void write_source_info(nats_sdk::GoJsonWriter& w, const SourceLink& link, std::int64_t now_ns) {
    w.begin_object().field("name", link.config().name);
    if (const auto& ext = link.config().external)
        w.key("external").begin_object().field("api", ext->api).field("deliver", ext->deliver).end_object();
    w.field("lag", link.lag).field("active", link.last_heard_ns == 0 ? std::int64_t{-1} : now_ns - link.last_heard_ns);
    if (link.error) {
        w.key("error");
        link.error->write(w);
    }
    w.end_object();
}

}  // namespace

void write_stream_info_members(nats_sdk::GoJsonWriter& w, Stream& stream, const StreamInfoOptions& options) {
    w.key("config");
    write_stream_config(w, stream.config());
    w.field("created", go_time_text(stream.created_ns()));
    w.key("state");
    write_stream_state(w, stream, options);
    const auto& links = stream.source_links();
    if (links.empty()) return;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    if (stream.config().mirror) {
        w.key("mirror");
        write_source_info(w, *links.front(), now);
    } else {
        w.key("sources").begin_array();
        for (const auto& link : links) write_source_info(w, *link, now);
        w.end_array();
    }
}

void write_stream_info(nats_sdk::GoJsonWriter& w, Stream& stream, const StreamInfoOptions& options) {
    w.begin_object();
    write_stream_info_members(w, stream, options);
    w.end_object();
}

}  // namespace nmk::jetstream
