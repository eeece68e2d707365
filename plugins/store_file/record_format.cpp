#include "record_format.hpp"

#include <xxhash.h>

#include <bit>
#include <cstring>

namespace store_file {
namespace {

template <typename T>
void put(char* at, T value) noexcept {
    std::memcpy(at, &value, sizeof value);  // the store runs on little-endian Linux only
}

template <typename T>
T get(const char* at) noexcept {
    T value;
    std::memcpy(&value, at, sizeof value);
    return value;
}

static_assert(std::endian::native == std::endian::little, "the record format is little-endian");

}  // namespace

void encode_record(std::string& out, RecordKind kind, std::uint64_t sequence, std::int64_t time_ns,
                   std::string_view subject, std::string_view headers, std::string_view payload) {
    const std::size_t length = record_size(subject.size(), headers.size(), payload.size());
    const std::size_t start = out.size();
    out.resize(start + length);
    char* p = out.data() + start;
    put<std::uint32_t>(p, static_cast<std::uint32_t>(length));
    put<std::uint32_t>(p + 4, static_cast<std::uint32_t>(headers.size()));
    put<std::uint64_t>(p + 8, sequence);
    put<std::int64_t>(p + 16, time_ns);
    put<std::uint16_t>(p + 24, static_cast<std::uint16_t>(subject.size()));
    p[26] = static_cast<char>(kind);
    p[27] = 0;
    char* body = p + record_header_size;
    if (!subject.empty()) std::memcpy(body, subject.data(), subject.size());
    body += subject.size();
    if (!headers.empty()) std::memcpy(body, headers.data(), headers.size());
    body += headers.size();
    if (!payload.empty()) std::memcpy(body, payload.data(), payload.size());
    const XXH64_hash_t sum = XXH3_64bits(p, length - record_checksum_size);
    put<std::uint64_t>(p + length - record_checksum_size, sum);
}

void encode_bounds(std::string& out, std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns) {
    char first_bytes[8];
    put<std::uint64_t>(first_bytes, first);
    encode_record(out, RecordKind::bounds, last, last_time_ns, {}, {}, std::string_view(first_bytes, 8));
}

std::uint64_t bounds_first(const RecordView& bounds) noexcept {
    return bounds.payload.size() == 8 ? get<std::uint64_t>(bounds.payload.data()) : 0;
}

std::uint32_t peek_length(const char* bytes) noexcept { return get<std::uint32_t>(bytes); }

DecodeResult decode_record(std::string_view bytes, RecordView& record) noexcept {
    if (bytes.size() < record_header_size) return DecodeResult::bad_length;
    const char* p = bytes.data();
    const std::uint32_t length = get<std::uint32_t>(p);
    if (!plausible_length(length) || length > bytes.size()) return DecodeResult::bad_length;
    const std::uint32_t headers_size = get<std::uint32_t>(p + 4);
    const std::uint16_t subject_size = get<std::uint16_t>(p + 24);
    const std::uint64_t body = std::uint64_t{subject_size} + headers_size;
    if (body > length - record_overhead) return DecodeResult::bad_length;
    record.length = length;
    record.sequence = get<std::uint64_t>(p + 8);
    record.time_ns = get<std::int64_t>(p + 16);
    record.kind = static_cast<RecordKind>(static_cast<std::uint8_t>(p[26]));
    const char* b = p + record_header_size;
    record.subject = std::string_view(b, subject_size);
    record.headers = std::string_view(b + subject_size, headers_size);
    record.payload = std::string_view(b + body, length - record_overhead - body);
    const std::uint64_t stored = get<std::uint64_t>(p + length - record_checksum_size);
    if (XXH3_64bits(p, length - record_checksum_size) != stored) return DecodeResult::bad_checksum;
    if (record.kind != RecordKind::message && record.kind != RecordKind::tombstone &&
        record.kind != RecordKind::bounds) {
        return DecodeResult::bad_checksum;  // a kind this version never writes: not ours to serve
    }
    return DecodeResult::ok;
}

bool checksum_missing(std::string_view record_bytes) noexcept {
    if (record_bytes.size() < record_checksum_size) return true;
    const char* tail = record_bytes.data() + record_bytes.size() - record_checksum_size;
    for (std::size_t i = 0; i < record_checksum_size; ++i) {
        if (tail[i] != 0) return false;
    }
    return true;
}

bool valid_record_at(std::string_view data, std::size_t at) noexcept {
    if (at + record_overhead > data.size()) return false;
    const char* p = data.data() + at;
    const std::uint32_t length = peek_length(p);
    const auto kind = static_cast<std::uint8_t>(p[26]);
    if (!plausible_length(length) || length > data.size() - at || kind < 1 || kind > 3 || p[27] != 0) return false;
    RecordView record;
    return decode_record(data.substr(at), record) == DecodeResult::ok;
}

}  // namespace store_file
