#pragma once
// A consumer's progress, as the store keeps it between restarts (nats-server's
// ConsumerState): the last delivered and the ack floor, both as consumer and stream
// sequences, the messages delivered and not yet acked (with when), and how often
// each redelivered one went out. Encoded in a small versioned binary form with a
// checksum; decode refuses anything else rather than guess.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace nmk::jetstream {

struct ConsumerState {
    std::uint64_t delivered_consumer = 0;  // last delivered, consumer sequence
    std::uint64_t delivered_stream = 0;    // last delivered, stream sequence
    std::uint64_t ack_floor_consumer = 0;
    std::uint64_t ack_floor_stream = 0;
    struct Pending {
        std::uint64_t dseq = 0;
        std::int64_t time_ns = 0;
        friend bool operator==(const Pending&, const Pending&) = default;
    };
    std::map<std::uint64_t, Pending> pending;          // by stream sequence
    std::map<std::uint64_t, std::uint64_t> redelivered;  // stream sequence -> extra deliveries

    friend bool operator==(const ConsumerState&, const ConsumerState&) = default;
};

std::string encode_consumer_state(const ConsumerState& state);
// nullopt for bytes that are not a state this code wrote (bad magic, version,
// checksum or length).
std::optional<ConsumerState> decode_consumer_state(std::string_view bytes);

}  // namespace nmk::jetstream
