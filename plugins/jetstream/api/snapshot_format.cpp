#include "api/snapshot_format.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace nmk::jetstream::snapshot {

namespace {

constexpr std::size_t header_size = 16;          // magic, version, flags
constexpr std::size_t record_head_size = 5;      // type, body length
constexpr std::size_t record_tail_size = 8;      // checksum
constexpr std::size_t message_fixed_size = 24;   // sequence, time, subject and headers lengths
// A body larger than this is a corrupt length, not a message (nats-server's max_payload
// is at most 64 MiB): refused before anything is allocated for it.
constexpr std::uint32_t max_body = 256u << 20;

template <class T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) bytes[i] = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
    out.append(bytes, sizeof(T));
}

template <class T>
T get(const char* p) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return static_cast<T>(v);
}

std::uint64_t record_checksum(char type, std::uint32_t length, std::string_view body) {
    XXH3_state_t* state = XXH3_createState();
    if (state == nullptr) throw std::bad_alloc();
    XXH3_64bits_reset(state);
    std::string head;
    head.push_back(type);
    put<std::uint32_t>(head, length);
    XXH3_64bits_update(state, head.data(), head.size());
    XXH3_64bits_update(state, body.data(), body.size());
    const std::uint64_t sum = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return sum;
}

// A stream's bytes as nats-server counts them toward limits is the store's business;
// here "message bytes" is what the restore must find room for.
std::uint64_t message_size(std::string_view subject, std::string_view headers, std::string_view payload) {
    return subject.size() + headers.size() + payload.size();
}

// XXH3-64 over everything seen so far.
struct RunningHash {
    XXH3_state_t* state = XXH3_createState();
    RunningHash() {
        if (state == nullptr) throw std::bad_alloc();
        XXH3_64bits_reset(state);
    }
    ~RunningHash() { XXH3_freeState(state); }
    RunningHash(const RunningHash&) = delete;
    RunningHash& operator=(const RunningHash&) = delete;
};

}  // namespace

struct Encoder::Hash : RunningHash {};
struct Decoder::Hash : RunningHash {};

Encoder::Encoder() : hash_(std::make_unique<Hash>()) {}
Encoder::~Encoder() = default;

void Encoder::emit(std::string& out, std::string_view bytes) {
    XXH3_64bits_update(hash_->state, bytes.data(), bytes.size());
    out.append(bytes);
}

void Encoder::record(std::string& out, char type, std::string_view body) {
    std::string head;
    head.push_back(type);
    put<std::uint32_t>(head, static_cast<std::uint32_t>(body.size()));
    std::string tail;
    put<std::uint64_t>(tail, record_checksum(type, static_cast<std::uint32_t>(body.size()), body));
    emit(out, head);
    emit(out, body);
    emit(out, tail);
}

void Encoder::begin(std::string& out, const StreamRecord& stream) {
    std::string header(magic);
    put<std::uint32_t>(header, format_version);
    put<std::uint32_t>(header, 0);
    emit(out, header);
    nlohmann::ordered_json doc;
    doc["config"] = stream.config;
    doc["created_ns"] = stream.created_ns;
    doc["first_seq"] = stream.first_sequence;
    doc["last_seq"] = stream.last_sequence;
    doc["last_ts_ns"] = stream.last_time_ns;
    record(out, 'S', doc.dump());
}

void Encoder::message(std::string& out, const nats_sdk::store::MessageView& m) {
    std::string body;
    body.reserve(message_fixed_size + m.subject.size() + m.headers.size() + m.payload.size());
    put<std::uint64_t>(body, m.sequence);
    put<std::int64_t>(body, m.time_ns);
    put<std::uint32_t>(body, static_cast<std::uint32_t>(m.subject.size()));
    put<std::uint32_t>(body, static_cast<std::uint32_t>(m.headers.size()));
    body.append(m.subject).append(m.headers).append(m.payload);
    record(out, 'M', body);
    ++messages_;
    message_bytes_ += message_size(m.subject, m.headers, m.payload);
}

void Encoder::consumer(std::string& out, std::string_view json) { record(out, 'C', json); }

void Encoder::end(std::string& out) {
    std::string body;
    put<std::uint64_t>(body, messages_);
    put<std::uint64_t>(body, message_bytes_);
    put<std::uint64_t>(body, XXH3_64bits_digest(hash_->state));
    record(out, 'E', body);
}

Decoder::Decoder(Read read) : read_(std::move(read)), hash_(std::make_unique<Hash>()) {}
Decoder::~Decoder() = default;

void Decoder::read_exact(char* into, std::size_t n, const char* what) {
    std::size_t got = 0;
    while (got < n) {
        const std::size_t r = read_(into + got, n - got);
        if (r == 0) throw FormatError(std::string("snapshot is truncated (in ") + what + ")");
        got += r;
    }
}

// A record body of `length` bytes, grown as its bytes arrive: a corrupt length in a small
// (uploaded) snapshot costs what the snapshot holds, not the 256 MiB the length may claim.
std::string Decoder::read_body(std::uint32_t length, const char* what) {
    constexpr std::size_t step = 1u << 20;
    std::string body;
    while (body.size() < length) {
        const std::size_t at = body.size();
        const std::size_t n = std::min<std::size_t>(step, length - at);
        body.resize(at + n);
        read_exact(body.data() + at, n, what);
    }
    return body;
}

StreamRecord Decoder::begin() {
    char header[header_size];
    std::size_t got = 0;
    while (got < header_size) {
        const std::size_t r = read_(header + got, header_size - got);
        if (r == 0) break;
        got += r;
    }
    if (got == 0) throw FormatError("snapshot is empty");
    // nats-server's snapshots are s2 streams, which start with this frame.
    static constexpr std::string_view s2_stream = "\xff\x06\x00\x00S2sTwO";
    if (got >= s2_stream.size() && std::string_view(header, s2_stream.size()) == s2_stream)
        throw FormatError("snapshot is a nats-server snapshot (its block files), which this server cannot read");
    if (got < header_size || std::string_view(header, magic.size()) != magic) throw FormatError("not a stream snapshot");
    const auto version = get<std::uint32_t>(header + 8);
    if (version != format_version)
        throw FormatError("snapshot format version " + std::to_string(version) + " is not supported (this server reads " +
                          std::to_string(format_version) + ")");
    XXH3_64bits_update(hash_->state, header, header_size);

    // The first record must be the stream record.
    char head[record_head_size];
    read_exact(head, record_head_size, "the stream record");
    const std::uint32_t length = get<std::uint32_t>(head + 1);
    if (head[0] != 'S' || length > max_body) throw FormatError("snapshot does not start with its stream record");
    std::string body = read_body(length, "the stream record");
    char tail[record_tail_size];
    read_exact(tail, record_tail_size, "the stream record");
    if (get<std::uint64_t>(tail) != record_checksum('S', length, body))
        throw FormatError("snapshot is corrupt (stream record checksum)");
    XXH3_64bits_update(hash_->state, head, record_head_size);
    XXH3_64bits_update(hash_->state, body.data(), body.size());
    XXH3_64bits_update(hash_->state, tail, record_tail_size);

    StreamRecord out;
    try {
        const auto doc = nlohmann::ordered_json::parse(body);
        out.config = doc.at("config");
        out.created_ns = doc.at("created_ns").get<std::int64_t>();
        out.first_sequence = doc.at("first_seq").get<std::uint64_t>();
        out.last_sequence = doc.at("last_seq").get<std::uint64_t>();
        out.last_time_ns = doc.at("last_ts_ns").get<std::int64_t>();
        if (!out.config.is_object()) throw std::invalid_argument("config");
    } catch (const std::exception&) {
        throw FormatError("snapshot's stream record is not valid");
    }
    if (out.first_sequence > out.last_sequence + 1) throw FormatError("snapshot's stream record is not valid");
    last_sequence_ = out.first_sequence == 0 ? 0 : out.first_sequence - 1;
    stream_last_sequence_ = out.last_sequence;
    return out;
}

Decoder::Item Decoder::next(nats_sdk::store::StoredMessage& message, std::string& consumer_json) {
    if (ended_) throw FormatError("snapshot has bytes after its end record");
    // The hash of everything before the end record is needed before that record is read.
    const std::uint64_t running = XXH3_64bits_digest(hash_->state);
    char head[record_head_size];
    read_exact(head, record_head_size, "a record header");
    const char type = head[0];
    const std::uint32_t length = get<std::uint32_t>(head + 1);
    if (length > max_body) throw FormatError("snapshot is corrupt (record length)");
    std::string body = read_body(length, "a record");
    char tail[record_tail_size];
    read_exact(tail, record_tail_size, "a record");
    if (get<std::uint64_t>(tail) != record_checksum(type, length, body)) throw FormatError("snapshot is corrupt (record checksum)");
    XXH3_64bits_update(hash_->state, head, record_head_size);
    XXH3_64bits_update(hash_->state, body.data(), body.size());
    XXH3_64bits_update(hash_->state, tail, record_tail_size);

    switch (type) {
        case 'M': {
            if (seen_consumer_) throw FormatError("snapshot has a message after its consumers");
            if (body.size() < message_fixed_size) throw FormatError("snapshot is corrupt (message record)");
            const auto sequence = get<std::uint64_t>(body.data());
            const auto subject_len = get<std::uint32_t>(body.data() + 16);
            const auto headers_len = get<std::uint32_t>(body.data() + 20);
            if (static_cast<std::uint64_t>(subject_len) + headers_len > body.size() - message_fixed_size || subject_len == 0)
                throw FormatError("snapshot is corrupt (message record)");
            if (sequence <= last_sequence_ || sequence > stream_last_sequence_)
                throw FormatError("snapshot's messages are out of order");
            last_sequence_ = sequence;
            message.sequence = sequence;
            message.time_ns = get<std::int64_t>(body.data() + 8);
            message.subject.assign(body, message_fixed_size, subject_len);
            message.headers.assign(body, message_fixed_size + subject_len, headers_len);
            message.payload.assign(body, message_fixed_size + subject_len + headers_len);
            ++messages_;
            message_bytes_ += message_size(message.subject, message.headers, message.payload);
            return Item::message;
        }
        case 'C':
            seen_consumer_ = true;
            consumer_json = std::move(body);
            return Item::consumer;
        case 'E': {
            if (body.size() != 24) throw FormatError("snapshot is corrupt (end record)");
            if (get<std::uint64_t>(body.data()) != messages_ || get<std::uint64_t>(body.data() + 8) != message_bytes_)
                throw FormatError("snapshot is incomplete (message count does not match its end record)");
            if (get<std::uint64_t>(body.data() + 16) != running) throw FormatError("snapshot is corrupt (checksum of the whole)");
            ended_ = true;
            char extra;
            if (read_(&extra, 1) != 0) throw FormatError("snapshot has bytes after its end record");
            return Item::end;
        }
        default:
            throw FormatError("snapshot is corrupt (unknown record type)");
    }
}

}  // namespace nmk::jetstream::snapshot
