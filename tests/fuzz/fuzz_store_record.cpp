// The file store's decoders (plugins/store_file): a block file's record
// (record_format.hpp) and a consumer record's slot (consumer_records.hpp).
//
// Byte 0 chooses how the rest is used:
//  - even: as it is, the way a damaged file hands it over. The checksums make almost any
//    such input a refusal, which must be clean: no read past the input.
//  - odd: with its length field and checksum made right by the target first, so the
//    fields behind the checksum (kinds, sizes, subject and header lengths) are what the
//    fuzzer varies: a bad write from memory or a bug of our own looks like this.
// Whatever a decoder accepts must encode back to exactly the bytes it came from, so a
// record is only ever served as it was written.
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "consumer_records.hpp"
#include "record_format.hpp"

namespace {

void put_le(std::string& bytes, std::size_t at, std::uint64_t value, int width) {
    for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

void check_record(std::string_view bytes) {
    store_file::RecordView record;
    if (store_file::decode_record(bytes, record) != store_file::DecodeResult::ok) return;
    if (record.length > bytes.size()) std::abort();
    // Bounds records too: encode_bounds() is encode_record() with the first sequence as
    // payload. Byte 27 is reserved: written as 0 and not checked on read, so a record
    // with another value there (and the checksum over it) compares without byte 27 and
    // the checksum.
    std::string again;
    store_file::encode_record(again, record.kind, record.sequence, record.time_ns, record.subject, record.headers,
                              record.payload);
    std::string read(bytes.substr(0, record.length));
    if (read[27] == 0 && again != read) std::abort();
    read[27] = 0;
    const std::size_t covered = record.length - store_file::record_checksum_size;
    if (again.size() != read.size() || again.compare(0, covered, read, 0, covered) != 0) std::abort();
}

void check_slot(std::string_view bytes) {
    const auto slot = store_file::decode_consumer_slot(bytes);
    if (!slot) return;
    const std::string again = store_file::encode_consumer_slot(slot->generation, slot->meta, slot->state);
    if (again != bytes.substr(0, again.size())) std::abort();
}

// The record with length = its size and the XXH3 of all but its last 8 bytes at the end.
std::string sealed_record(std::string_view rest) {
    std::string bytes(rest);
    if (bytes.size() < store_file::record_overhead) return bytes;
    put_le(bytes, 0, bytes.size(), 4);
    put_le(bytes, bytes.size() - 8, XXH3_64bits(bytes.data(), bytes.size() - 8), 8);
    return bytes;
}

// The slot with its magic, and the checksum after the sizes its header claims (when they fit).
std::string sealed_slot(std::string_view rest) {
    const std::string valid = store_file::encode_consumer_slot(0, "", "");
    std::string bytes(valid.substr(0, 8));  // the magic
    bytes.append(rest);
    if (bytes.size() < 24 + 8) return bytes;
    std::uint32_t meta = 0, state = 0;
    std::memcpy(&meta, bytes.data() + 16, 4);
    std::memcpy(&state, bytes.data() + 20, 4);
    const std::uint64_t body = 24 + std::uint64_t{meta} + state;
    if (body + 8 > bytes.size()) return bytes;
    put_le(bytes, body, XXH3_64bits(bytes.data(), body), 8);
    return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        check_record(rest);
        check_slot(rest);
    } else {
        // Exact-size copies, so ASan sees a read past the end.
        const std::string record = sealed_record(rest);
        check_record(std::string_view(record));
        const std::string slot = sealed_slot(rest);
        check_slot(std::string_view(slot));
    }
    return 0;
}
