#pragma once
// The bytes of a stream snapshot (STREAM.SNAPSHOT sends them, STREAM.RESTORE reads them).
//
// nats-server's snapshot is an s2-compressed tarball of its block files; ours cannot be
// that (our stores have other files), so the content is our own, built from the store
// contract's iteration and therefore the same whatever backend the stream lives in:
//
//   header  "NMKJSBAK" | u32 format version (1) | u32 flags (0)
//   record  u8 type | u32 body length | body | u64 XXH3-64 of (type, length, body)
//     'S'   stream: JSON {"config":{..},"created_ns":N,"first_seq":F,"last_seq":L,"last_ts_ns":T}
//     'M'   message: u64 sequence | i64 time (Unix ns) | u32 subject length | u32 headers
//           length | subject | headers | payload (the rest)
//     'C'   consumer: JSON (reserved for consumer records; none are written yet)
//     'E'   end: u64 messages | u64 message bytes | u64 XXH3-64 of every byte before
//           this record (header included)
//
// Integers are little-endian. The order is header, one S, M in rising sequence, C, one E,
// and nothing after it. Sequences are kept, so gaps (deleted messages) survive, and F/L/T
// restore the stream's first and last sequence even when messages at either end are gone.
// A reader refuses a wrong magic, a newer version, a bad checksum, a record out of order,
// a missing end (truncation) and trailing bytes, each with one sentence.

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nats_sdk/kinds/stream_store.hpp>
#include <nlohmann/json.hpp>

namespace nmk::jetstream::snapshot {

inline constexpr std::uint32_t format_version = 1;
inline constexpr std::string_view magic = "NMKJSBAK";

// The stream the snapshot is of.
struct StreamRecord {
    nlohmann::ordered_json config;  // StreamConfig JSON as the stream had it
    std::int64_t created_ns = 0;
    std::uint64_t first_sequence = 0;
    std::uint64_t last_sequence = 0;
    std::int64_t last_time_ns = 0;
};

// A snapshot that cannot be restored; what() is the reason, for "restore failed: <reason>".
class FormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Appends a snapshot's bytes to a string the caller drains (one chunk at a time).
class Encoder {
public:
    Encoder();
    ~Encoder();
    Encoder(const Encoder&) = delete;
    Encoder& operator=(const Encoder&) = delete;

    void begin(std::string& out, const StreamRecord& stream);
    void message(std::string& out, const nats_sdk::store::MessageView& message);
    void consumer(std::string& out, std::string_view json);
    void end(std::string& out);

    std::uint64_t messages() const noexcept { return messages_; }

private:
    void record(std::string& out, char type, std::string_view body);
    void emit(std::string& out, std::string_view bytes);

    struct Hash;
    std::unique_ptr<Hash> hash_;  // of every byte emitted so far
    std::uint64_t messages_ = 0;
    std::uint64_t message_bytes_ = 0;
};

// Reads a snapshot from a byte source. Throws FormatError (or what `read` throws).
class Decoder {
public:
    // Fills `into` with up to `n` bytes; returns how many (fewer only at the end).
    using Read = std::function<std::size_t(char* into, std::size_t n)>;

    explicit Decoder(Read read);
    ~Decoder();
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    // The header and the stream record (first call).
    StreamRecord begin();

    enum class Item { message, consumer, end };
    // The next record; for `end`, every count and checksum has been verified.
    Item next(nats_sdk::store::StoredMessage& message, std::string& consumer_json);

    std::uint64_t messages() const noexcept { return messages_; }
    std::uint64_t message_bytes() const noexcept { return message_bytes_; }

private:
    void read_exact(char* into, std::size_t n, const char* what);
    std::string read_body(std::uint32_t length, const char* what);

    Read read_;
    struct Hash;
    std::unique_ptr<Hash> hash_;
    std::uint64_t messages_ = 0;
    std::uint64_t message_bytes_ = 0;
    std::uint64_t last_sequence_ = 0;
    std::uint64_t stream_last_sequence_ = 0;
    bool seen_consumer_ = false;
    bool ended_ = false;
};

}  // namespace nmk::jetstream::snapshot
