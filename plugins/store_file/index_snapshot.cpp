// FileStream: the index snapshot (msgs/index.snap), so that a stream closed cleanly
// reopens without scanning its blocks.
//
// Block files are append-only (only the active block grows; blocks are deleted from the
// front), so the indexes as they were at a clean close stay a valid description of a
// prefix of the files: on open the snapshot is loaded and only what was written after it
// is replayed. It is refused, and every block scanned instead, when its checksum fails or
// when any block it describes is gone or shorter (front blocks deleted, purge, damage).
// It is removed once loaded, and written without fsync: it only saves time, never holds
// data the blocks do not.
//
//   "NMKSNAP2" | u64 payload length | u64 XXH3-64 of the payload | payload
//   payload: u32 first block id, u32 block count,
//            per block (u64 end, live, first, last, i64 first time, u8 has time),
//            u64 first, last, i64 last time, u64 messages, bytes, corrupt,
//            u64 first-time sequence, i64 its time,
//            u64 live bits base, u64 word count, the words,
//            u64 corrupt marker count, the markers,
//            u32 subject count, per subject (u32 id, u16 length, bytes,
//            u64 messages, first, last, u8 stale flags)
//
// Nothing in it is per message but one bit: opening after a clean close reads about
// 125 KB per million messages plus the subjects, and no block (their caches are loaded
// when they are used).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstring>

#include "file_stream.hpp"

namespace store_file {
namespace {

constexpr std::string_view snapshot_magic = "NMKSNAP2";
constexpr std::string_view snapshot_name = "index.snap";
constexpr std::string_view snapshot_temp_name = "index.snap.tmp";

template <typename T>
void put(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}


// Reads fields in order; any read past the end makes ok() false.
class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    template <typename T>
    T get() {
        T value{};
        if (bytes_.size() - at_ < sizeof value || at_ > bytes_.size()) {
            ok_ = false;
            return value;
        }
        std::memcpy(&value, bytes_.data() + at_, sizeof value);
        at_ += sizeof value;
        return value;
    }
    std::string_view take(std::size_t size) {
        if (bytes_.size() - at_ < size) {
            ok_ = false;
            return {};
        }
        const std::string_view view = bytes_.substr(at_, size);
        at_ += size;
        return view;
    }
    bool ok() const noexcept { return ok_; }
    bool done() const noexcept { return at_ == bytes_.size(); }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

}  // namespace

void FileStream::write_snapshot() const {
    if (blocks_.empty()) return;
    std::string payload;
    put<std::uint32_t>(payload, first_block_id_);
    put<std::uint32_t>(payload, static_cast<std::uint32_t>(blocks_.size()));
    for (const Block& block : blocks_) {
        if (!block.file) return;  // a block missing on disk: always scan
        for (const std::uint64_t value : {block.file->end(), block.live, block.first, block.last,
                                          static_cast<std::uint64_t>(block.first_time_ns)}) {
            put<std::uint64_t>(payload, value);
        }
        put<std::uint8_t>(payload, block.has_time ? 1 : 0);
    }
    for (const std::uint64_t value : {first_, last_, static_cast<std::uint64_t>(last_time_ns_), messages_, bytes_,
                                      corrupt_, first_time_sequence_, static_cast<std::uint64_t>(first_time_ns_),
                                      live_.base(), static_cast<std::uint64_t>(live_.words().size())}) {
        put<std::uint64_t>(payload, value);
    }
    payload.reserve(payload.size() + live_.words().size() * 8 + subjects_.size() * 48);
    for (const std::uint64_t word : live_.words()) put<std::uint64_t>(payload, word);
    put<std::uint64_t>(payload, corrupt_markers_.size());
    for (const std::uint64_t q : corrupt_markers_) put<std::uint64_t>(payload, q);
    put<std::uint32_t>(payload, static_cast<std::uint32_t>(subjects_.size()));
    for (std::uint32_t id = 0; id < subjects_.id_limit(); ++id) {
        if (!subjects_.in_use(id)) continue;
        const SubjectInfo& info = subjects_.info(id);
        put<std::uint32_t>(payload, id);
        put<std::uint16_t>(payload, static_cast<std::uint16_t>(info.subject.size()));
        payload.append(info.subject);
        put<std::uint64_t>(payload, info.messages);
        put<std::uint64_t>(payload, info.first);
        put<std::uint64_t>(payload, info.last);
        put<std::uint8_t>(payload, static_cast<std::uint8_t>((info.first_stale ? 1 : 0) | (info.last_stale ? 2 : 0)));
    }
    std::string bytes(snapshot_magic);
    put<std::uint64_t>(bytes, payload.size());
    put<std::uint64_t>(bytes, XXH3_64bits(payload.data(), payload.size()));
    bytes += payload;

    const std::string temp = msgs_dir_ + "/" + std::string(snapshot_temp_name);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return;
    const int result = write_all(context_->io(), fd, bytes.data(), bytes.size(), 0);
    ::close(fd);
    if (result != 0 || ::rename(temp.c_str(), (msgs_dir_ + "/" + std::string(snapshot_name)).c_str()) != 0) {
        ::unlink(temp.c_str());
    }
}

std::optional<std::pair<std::size_t, std::uint64_t>> FileStream::load_snapshot() {
    const std::string path = msgs_dir_ + "/" + std::string(snapshot_name);
    ::unlink((msgs_dir_ + "/" + std::string(snapshot_temp_name)).c_str());
    std::string bytes;
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return std::nullopt;
        FileHandle handle(fd);
        struct stat st {};
        if (::fstat(fd, &st) != 0) return std::nullopt;
        bytes.resize(static_cast<std::size_t>(st.st_size));
        if (read_all(context_->io(), fd, bytes.data(), bytes.size(), 0) != 0) return std::nullopt;
    }
    ::unlink(path.c_str());  // used once: a later crash must not find it describing an older state

    Reader head(bytes);
    const std::string_view magic = head.take(snapshot_magic.size());
    const auto length = head.get<std::uint64_t>();
    const auto sum = head.get<std::uint64_t>();
    if (!head.ok() || magic != snapshot_magic || length != bytes.size() - snapshot_magic.size() - 16) {
        return std::nullopt;
    }
    const std::string_view payload = std::string_view(bytes).substr(snapshot_magic.size() + 16);
    if (XXH3_64bits(payload.data(), payload.size()) != sum) return std::nullopt;

    Reader in(payload);
    const auto first_block = in.get<std::uint32_t>();
    const auto block_count = in.get<std::uint32_t>();
    if (!in.ok() || block_count == 0 || first_block != first_block_id_ || block_count > blocks_.size()) {
        return std::nullopt;
    }
    std::vector<std::uint64_t> ends;
    std::vector<Block> described(block_count);  // their counts, applied once all is read
    for (std::uint32_t i = 0; i < block_count; ++i) {
        const auto end = in.get<std::uint64_t>();
        described[i].live = in.get<std::uint64_t>();
        described[i].first = in.get<std::uint64_t>();
        described[i].last = in.get<std::uint64_t>();
        described[i].first_time_ns = static_cast<std::int64_t>(in.get<std::uint64_t>());
        described[i].has_time = in.get<std::uint8_t>() != 0;
        struct stat st {};
        if (!in.ok() || !blocks_[i].file || ::stat(blocks_[i].file->path().c_str(), &st) != 0 ||
            static_cast<std::uint64_t>(st.st_size) < end) {
            return std::nullopt;  // the blocks changed under the snapshot
        }
        ends.push_back(end);
    }
    const auto first = in.get<std::uint64_t>();
    const auto last = in.get<std::uint64_t>();
    const auto last_time = static_cast<std::int64_t>(in.get<std::uint64_t>());
    const auto messages = in.get<std::uint64_t>();
    const auto bytes_total = in.get<std::uint64_t>();
    const auto corrupt = in.get<std::uint64_t>();
    const auto first_time_sequence = in.get<std::uint64_t>();
    const auto first_time = static_cast<std::int64_t>(in.get<std::uint64_t>());
    const auto bits_base = in.get<std::uint64_t>();
    const auto word_count = in.get<std::uint64_t>();
    if (!in.ok() || word_count > payload.size() / 8) return std::nullopt;
    std::deque<std::uint64_t> words;
    for (std::uint64_t i = 0; i < word_count; ++i) words.push_back(in.get<std::uint64_t>());
    const auto marker_count = in.get<std::uint64_t>();
    if (!in.ok() || marker_count > payload.size() / 8) return std::nullopt;
    std::set<std::uint64_t> markers;
    for (std::uint64_t i = 0; i < marker_count; ++i) markers.insert(in.get<std::uint64_t>());
    SubjectIndex subjects;
    const auto subject_count = in.get<std::uint32_t>();
    for (std::uint32_t i = 0; i < subject_count && in.ok(); ++i) {
        const auto id = in.get<std::uint32_t>();
        const std::string_view subject = in.take(in.get<std::uint16_t>());
        SubjectInfo info;
        info.messages = in.get<std::uint64_t>();
        info.first = in.get<std::uint64_t>();
        info.last = in.get<std::uint64_t>();
        const auto stale = in.get<std::uint8_t>();
        info.first_stale = (stale & 1) != 0;
        info.last_stale = (stale & 2) != 0;
        if (id >= (1u << 28) || info.messages == 0) return std::nullopt;
        subjects.restore(id, subject, info);
    }
    if (!in.ok() || !in.done()) return std::nullopt;
    subjects.finish_restore();

    for (std::uint32_t i = 0; i < block_count; ++i) {
        Block& block = blocks_[i];
        block.file->set_end(ends[i]);
        block.live = described[i].live;
        block.first = described[i].first;
        block.last = described[i].last;
        block.first_time_ns = described[i].first_time_ns;
        block.has_time = described[i].has_time;
    }
    fresh_ = false;  // blocks exist: something was written
    first_ = first;
    last_ = last;
    last_time_ns_ = last_time;
    messages_ = messages;
    bytes_ = bytes_total;
    corrupt_ = corrupt;
    first_time_sequence_ = first_time_sequence;
    first_time_ns_ = first_time;
    live_.restore(bits_base, std::move(words));
    corrupt_markers_ = std::move(markers);
    subjects_ = std::move(subjects);
    return std::make_pair(static_cast<std::size_t>(block_count - 1), ends.back());
}

}  // namespace store_file
