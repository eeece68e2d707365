#pragma once
// One record in a block file. Every block file is a sequence of these, written
// back to back from offset 0; the preallocated rest of the file is zeros, so a
// record length of 0 marks the logical end.
//
//   offset size  field (little-endian)
//   0      4     record length, checksum included
//   4      4     headers length
//   8      8     sequence
//   16     8     time (Unix ns)
//   24     2     subject length
//   26     1     kind (RecordKind)
//   27     1     reserved, 0
//   28     ...   subject, headers, payload
//   end-8  8     XXH3-64 of every byte before it
//
// The checksum covers the header too, so a flipped length or sequence is caught.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace store_file {

enum class RecordKind : std::uint8_t {
    // A stored message.
    message = 1,
    // A tombstone: the message at `sequence` was removed (remove, filtered purge).
    tombstone = 2,
    // The stream's bounds: every sequence below `first` and above `sequence` (the last)
    // is gone, the last message's time is `time`. The payload is `first` (8 bytes).
    // Written at the start of every block, and by compact, purge-all and truncate.
    bounds = 3,
};

inline constexpr std::size_t record_header_size = 28;
inline constexpr std::size_t record_checksum_size = 8;
inline constexpr std::size_t record_overhead = record_header_size + record_checksum_size;
// Subjects longer than this cannot be stored (the length field has 16 bits).
inline constexpr std::size_t max_subject_size = 0xFFFF;

// A record's fields as views into the buffer it was decoded from.
struct RecordView {
    RecordKind kind = RecordKind::message;
    std::uint64_t sequence = 0;
    std::int64_t time_ns = 0;
    std::string_view subject;
    std::string_view headers;
    std::string_view payload;
    std::uint32_t length = 0;  // the whole record, checksum included
};

// The bytes a message occupies on disk.
constexpr std::size_t record_size(std::size_t subject, std::size_t headers, std::size_t payload) noexcept {
    return record_overhead + subject + headers + payload;
}

// nats-server 2.9.10's fileStoreMsgSize (server/filestore.go): what state().bytes counts
// for one message: 22 + subject + payload + 8, plus 4 + headers when there are headers.
constexpr std::uint64_t accounted_size(std::size_t subject, std::size_t headers, std::size_t payload) noexcept {
    return 22 + subject + payload + 8 + (headers > 0 ? 4 + headers : 0);
}

// Appends the encoded record to `out`. The caller checks the subject size.
void encode_record(std::string& out, RecordKind kind, std::uint64_t sequence, std::int64_t time_ns,
                   std::string_view subject, std::string_view headers, std::string_view payload);

// A bounds record (see RecordKind::bounds).
void encode_bounds(std::string& out, std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns);
std::uint64_t bounds_first(const RecordView& bounds) noexcept;

// The length field at the start of `bytes` (at least 4 bytes), and whether a record of
// that length is possible at all.
std::uint32_t peek_length(const char* bytes) noexcept;
constexpr bool plausible_length(std::uint64_t length) noexcept {
    return length >= record_overhead && length <= 0x7FFFFFFFu;
}

// What checking a record found.
enum class DecodeResult { ok, bad_length, bad_checksum };

// Decodes the record at the start of `bytes`, verifying its checksum. On bad_checksum
// `record` still holds the (untrusted) header fields and length.
DecodeResult decode_record(std::string_view bytes, RecordView& record) noexcept;

// Whether a record that checks out starts at `at` of `data` (used to step over a
// damaged one).
bool valid_record_at(std::string_view data, std::size_t at) noexcept;

// Whether the record's 8 checksum bytes are all zero: the end of a record that was
// never completely written (the file is zero-filled ahead of the logical end).
bool checksum_missing(std::string_view record_bytes) noexcept;

}  // namespace store_file
