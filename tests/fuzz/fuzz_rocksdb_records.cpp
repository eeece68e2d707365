// The RocksDB store's record decoders (plugins/store_rocksdb/rocks_format.hpp): message
// records, stream bounds, the clean-close snapshot and consumer records.
//
// Every record ends in an XXH3-64 of its body, so random bytes are nearly always refused
// by the checksum. The target therefore decodes the input twice: as it is (a damaged
// value: a clean refusal, no read past the end) and sealed with a correct checksum, so
// that what lies behind the checksum (sizes, counts, subject lengths) is what the fuzzer
// varies. Whatever a decoder accepts must encode back to the same record or, where a
// record may carry bytes its decoder ignores, decode again to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "plugins/store_rocksdb/rocks_format.hpp"

namespace {

namespace rocks = nats::store_rocksdb;

bool same_counts(const rocks::StreamCounts& a, const rocks::StreamCounts& b) {
    return a.messages == b.messages && a.bytes == b.bytes && a.first == b.first &&
           a.first_time_ns == b.first_time_ns && a.last == b.last && a.last_time_ns == b.last_time_ns &&
           a.fresh == b.fresh && a.empty_first == b.empty_first;
}

bool same_subjects(const std::map<std::string, rocks::SubjectInfo, std::less<>>& a,
                   const std::map<std::string, rocks::SubjectInfo, std::less<>>& b) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (i->first != j->first || i->second.messages != j->second.messages || i->second.first != j->second.first ||
            i->second.last != j->second.last)
            return false;
    }
    return true;
}

void check(std::string_view record) {
    if (const auto m = rocks::decode_message(record)) {
        if (rocks::encode_message(m->time_ns, m->subject, m->headers, m->payload) != record) std::abort();
    }
    rocks::StreamCounts bounds;
    if (rocks::decode_bounds(record, bounds)) {
        rocks::StreamCounts again;
        if (!rocks::decode_bounds(rocks::encode_bounds(bounds), again)) std::abort();
        if (again.last != bounds.last || again.last_time_ns != bounds.last_time_ns ||
            again.empty_first != bounds.empty_first || again.fresh != bounds.fresh)
            std::abort();
    }
    rocks::StreamCounts counts;
    std::map<std::string, rocks::SubjectInfo, std::less<>> subjects;
    if (rocks::decode_snapshot(record, counts, subjects)) {
        rocks::StreamCounts counts_again;
        std::map<std::string, rocks::SubjectInfo, std::less<>> subjects_again;
        if (!rocks::decode_snapshot(rocks::encode_snapshot(counts, subjects), counts_again, subjects_again))
            std::abort();
        if (!same_counts(counts, counts_again) || !same_subjects(subjects, subjects_again)) std::abort();
    }
    std::string_view meta, state;
    if (rocks::decode_consumer(record, meta, state)) {
        if (rocks::encode_consumer(meta, state) != record) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);  // exact size for ASan
    check(input);
    const std::string sealed = rocks::seal(input);
    check(sealed);
    return 0;
}
