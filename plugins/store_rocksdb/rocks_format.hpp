#pragma once
// The bytes the RocksDB store keeps, in four column families:
//   streams  "<account>\0<stream>"            -> u64 id, meta JSON
//   msgs     id(8, big-endian) seq(8, BE)      -> a message record
//   subjects id(8) <subject> \0 seq(8)         -> empty (the per-subject index)
//   state    id(8) "b"                         -> bounds: last sequence and time, first of an emptied stream
//            id(8) "s"                         -> snapshot at a clean close: counts and per-subject state
//            id(8) "c" <name>                  -> a consumer record (meta, state)
// Every record carries an XXH3-64 of its bytes: a damaged one is reported, never served
// (RocksDB checks its blocks too; this covers what a block checksum cannot, a bad write
// from memory included). Big-endian keys keep sequences in order for RocksDB's iterators.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/kinds/stream_store.hpp>

namespace nats::store_rocksdb {

std::string stream_key(std::string_view account, std::string_view stream);
std::string id_prefix(std::uint64_t id);
std::string message_key(std::uint64_t id, std::uint64_t sequence);
std::string subject_key(std::uint64_t id, std::string_view subject, std::uint64_t sequence);
std::string subject_prefix(std::uint64_t id, std::string_view subject);  // up to the \0
std::uint64_t read_u64_be(std::string_view bytes);
void put_u64_be(std::string& out, std::uint64_t v);

// A message record; nullopt when it fails its checksum or is cut short.
std::string encode_message(std::int64_t time_ns, std::string_view subject, std::string_view headers,
                           std::string_view payload);
struct MessageRecord {
    std::int64_t time_ns = 0;
    std::string_view subject, headers, payload;  // views into the record
};
std::optional<MessageRecord> decode_message(std::string_view record);

// A record of any other kind with its checksum: value + xxh3.
std::string seal(std::string body);
std::optional<std::string_view> unseal(std::string_view record);

struct SubjectInfo {
    std::uint64_t messages = 0;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

// What a stream knows without reading its messages.
struct StreamCounts {
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
    std::uint64_t first = 0;  // first stored sequence (0 when none)
    std::int64_t first_time_ns = 0;
    std::uint64_t last = 0;
    std::int64_t last_time_ns = 0;
    bool fresh = true;         // never held a message, never purged or compacted
    std::uint64_t empty_first = 0;  // first_sequence reported when empty and not fresh
};

// The bounds record: last sequence and time, whether fresh, first of an emptied stream.
std::string encode_bounds(const StreamCounts& c);
bool decode_bounds(std::string_view record, StreamCounts& c);

// The clean-close snapshot: counts plus every subject's state.
std::string encode_snapshot(const StreamCounts& c, const std::map<std::string, SubjectInfo, std::less<>>& subjects);
bool decode_snapshot(std::string_view record, StreamCounts& c, std::map<std::string, SubjectInfo, std::less<>>& subjects);

// A consumer record's value: meta and state.
std::string encode_consumer(std::string_view meta, std::string_view state);
bool decode_consumer(std::string_view record, std::string_view& meta, std::string_view& state);

// nats-server's fileStoreMsgSize: what state().bytes counts per message.
inline std::uint64_t message_bytes(std::string_view subject, std::string_view headers, std::string_view payload) {
    return subject.size() + headers.size() + payload.size() + (headers.empty() ? 30 : 34);
}

}  // namespace nats::store_rocksdb
