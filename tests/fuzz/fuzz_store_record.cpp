// The file store's record decoder (plugins/store_file/record_format.hpp) on arbitrary
// bytes: it never reads out of bounds, and whatever it accepts as a valid record encodes
// back to exactly the bytes it was read from (so a record is served only as written).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "record_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    store_file::RecordView record;
    if (store_file::decode_record(bytes, record) != store_file::DecodeResult::ok) return 0;
    if (record.length > size) std::abort();
    std::string again;
    if (record.kind == store_file::RecordKind::bounds) return 0;  // its own encoder, same checksum rule
    store_file::encode_record(again, record.kind, record.sequence, record.time_ns, record.subject, record.headers,
                              record.payload);
    if (again != bytes.substr(0, record.length)) std::abort();
    return 0;
}
