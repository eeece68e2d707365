#include "consumer/consumer_state.hpp"

#include <cstring>

#include <xxhash.h>

namespace nmk::jetstream {

namespace {

// "NMKCS1" + version byte; then varints; then XXH3-64 of everything before it.
constexpr std::string_view magic = "NMKCS";
constexpr char version = 1;

void put_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

struct Reader {
    std::string_view in;
    bool ok = true;

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (in.empty()) {
                ok = false;
                return 0;
            }
            const auto b = static_cast<unsigned char>(in.front());
            in.remove_prefix(1);
            v |= std::uint64_t{b & 0x7fu} << shift;
            if ((b & 0x80) == 0) return v;
        }
        ok = false;
        return 0;
    }
};

}  // namespace

std::string encode_consumer_state(const ConsumerState& s) {
    std::string out(magic);
    out.push_back(version);
    put_varint(out, s.delivered_consumer);
    put_varint(out, s.delivered_stream);
    put_varint(out, s.ack_floor_consumer);
    put_varint(out, s.ack_floor_stream);
    put_varint(out, s.pending.size());
    // Sequences as deltas from the ack floor keep the common case to a few bytes.
    for (const auto& [sseq, p] : s.pending) {
        put_varint(out, sseq - s.ack_floor_stream);
        put_varint(out, p.dseq - s.ack_floor_consumer);
        put_varint(out, static_cast<std::uint64_t>(p.time_ns));
    }
    put_varint(out, s.redelivered.size());
    for (const auto& [sseq, count] : s.redelivered) {
        put_varint(out, sseq);
        put_varint(out, count);
    }
    const std::uint64_t sum = XXH3_64bits(out.data(), out.size());
    char tail[8];
    std::memcpy(tail, &sum, 8);
    out.append(tail, 8);
    return out;
}

std::optional<ConsumerState> decode_consumer_state(std::string_view bytes) {
    if (bytes.size() < magic.size() + 1 + 8) return std::nullopt;
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    std::uint64_t sum = 0;
    std::memcpy(&sum, bytes.data() + body.size(), 8);
    if (sum != XXH3_64bits(body.data(), body.size())) return std::nullopt;
    if (body.substr(0, magic.size()) != magic || body[magic.size()] != version) return std::nullopt;
    Reader r{body.substr(magic.size() + 1)};
    ConsumerState s;
    s.delivered_consumer = r.varint();
    s.delivered_stream = r.varint();
    s.ack_floor_consumer = r.varint();
    s.ack_floor_stream = r.varint();
    const std::uint64_t pending = r.varint();
    if (!r.ok || pending > r.in.size()) return std::nullopt;  // each entry takes at least 3 bytes
    for (std::uint64_t i = 0; i < pending && r.ok; ++i) {
        const std::uint64_t sseq = r.varint() + s.ack_floor_stream;
        const std::uint64_t dseq = r.varint() + s.ack_floor_consumer;
        const auto time = static_cast<std::int64_t>(r.varint());
        s.pending[sseq] = {dseq, time};
    }
    const std::uint64_t redelivered = r.varint();
    if (!r.ok || redelivered > r.in.size()) return std::nullopt;
    for (std::uint64_t i = 0; i < redelivered && r.ok; ++i) {
        const std::uint64_t sseq = r.varint();
        s.redelivered[sseq] = r.varint();
    }
    if (!r.ok || !r.in.empty()) return std::nullopt;
    return s;
}

}  // namespace nmk::jetstream
