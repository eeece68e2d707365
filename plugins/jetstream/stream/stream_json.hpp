#pragma once
// StreamInfo and StreamState in nats-server 2.9.10's JSON (server/stream.go, store.go).

#include <cstdint>
#include <string>
#include <string_view>

#include <nats_sdk/go_json.hpp>

#include "stream/stream.hpp"

namespace nmk::jetstream {

// Go's time.Time as JSON text: RFC 3339 with nanoseconds; the zero time for 0.
std::string go_time_text(std::int64_t unix_ns);

struct StreamInfoOptions {
    bool deleted_details = false;
    std::string subjects_filter;  // non-empty: the per-subject counts ("subjects")
};

// StreamState as an object.
void write_stream_state(nats_sdk::GoJsonWriter& w, Stream& stream, const StreamInfoOptions& options);

// The members of StreamInfo (config, created, state) written into an open object.
void write_stream_info_members(nats_sdk::GoJsonWriter& w, Stream& stream, const StreamInfoOptions& options);

// A whole StreamInfo object.
void write_stream_info(nats_sdk::GoJsonWriter& w, Stream& stream, const StreamInfoOptions& options);

}  // namespace nmk::jetstream
