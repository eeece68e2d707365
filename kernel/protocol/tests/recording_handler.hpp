#pragma once
// Test handler that records every callback as one readable line, so a test can
// compare whole callback sequences (e.g. across every split of the input).
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/protocol/parser.hpp"

namespace nats::protocol::testing {

class RecordingHandler : public ParserHandler {
public:
    std::vector<std::string> events;
    // Where the last PUB's views pointed, for zero-copy checks.
    const char* last_subject = nullptr;
    const char* last_payload = nullptr;
    // Return false from the callback with this index (0-based); -1: never.
    long stop_at = -1;

    bool on_connect(std::string_view json) override { return add("CONNECT " + std::string(json)); }
    bool on_pub(const PubArgs& a, std::string_view data) override {
        last_subject = a.subject.data();
        last_payload = data.data();
        return add("PUB " + std::string(a.subject) + " reply=" + std::string(a.reply) +
                   " hdr=" + std::to_string(a.header_size) + " total=" + std::to_string(a.total_size) + " [" +
                   std::string(data) + "]");
    }
    bool on_sub(std::string_view subject, std::string_view queue, std::string_view sid) override {
        return add("SUB " + std::string(subject) + " queue=" + std::string(queue) + " sid=" + std::string(sid));
    }
    bool on_unsub(std::string_view sid, std::optional<std::uint64_t> max) override {
        return add("UNSUB " + std::string(sid) + " max=" + (max ? std::to_string(*max) : std::string("none")));
    }
    bool on_ping() override { return add("PING"); }
    bool on_pong() override { return add("PONG"); }
    bool on_info(std::string_view json) override { return add("INFO " + std::string(json)); }
    bool on_ok() override { return add("+OK"); }
    bool on_err(std::string_view text) override { return add("-ERR " + std::string(text)); }

private:
    bool add(std::string event) {
        events.push_back(std::move(event));
        return stop_at < 0 || static_cast<long>(events.size()) - 1 != stop_at;
    }
};

// Result of feeding an input in pieces: the callbacks and the final error.
struct Outcome {
    std::vector<std::string> events;
    ParseError error = ParseError::none;
    bool operator==(const Outcome&) const = default;
};

// Feeds `input` split at the given ascending offsets; stops at the first error.
inline Outcome feed_split(std::string_view input, const std::vector<std::size_t>& cuts, ParserLimits limits = {}) {
    Parser parser(limits);
    RecordingHandler handler;
    Outcome out;
    std::size_t from = 0;
    auto feed = [&](std::size_t to) {
        if (out.error != ParseError::none) return;
        // Copy each piece into its own heap block, freed right after the call, so
        // AddressSanitizer catches any view the parser keeps into an earlier read.
        const std::size_t n = to - from;
        auto piece = std::make_unique<char[]>(n);
        std::memcpy(piece.get(), input.data() + from, n);
        out.error = parser.parse(piece.get(), n, handler);
        from = to;
    };
    for (const std::size_t cut : cuts) feed(cut);
    feed(input.size());
    out.events = handler.events;
    return out;
}

inline Outcome feed_whole(std::string_view input, ParserLimits limits = {}) {
    return feed_split(input, {}, limits);
}

}  // namespace nats::protocol::testing
