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
//   "NMKSNAP1" | u64 payload length | u64 XXH3-64 of the payload | payload
//   payload: u32 first block id, u32 block count, per block (u64 end, u64 live),
//            u64 first, last, i64 last time, u64 messages, bytes, corrupt,
//            u64 index base, u64 slot count, the slots (varint coded, below),
//            u32 subject count, per subject (u32 id, u16 length, bytes,
//            u64 messages, first, last, u8 stale flags)
//
// A slot is a varint tag: 0 empty, 1 corrupt, 2 a message at an explicit place (then
// block, offset, subject id, length bits), 3 + subject id a message right after the
// previous one in the same block (then length bits). Most messages are the last kind, so
// a million slots take about 3 MB instead of 16: the snapshot is read at every open.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstring>

#include "file_stream.hpp"

namespace store_file {
namespace {

constexpr std::string_view snapshot_magic = "NMKSNAP1";
constexpr std::string_view snapshot_name = "index.snap";
constexpr std::string_view snapshot_temp_name = "index.snap.tmp";

template <typename T>
void put(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_varint(std::string& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<char>(value | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

enum SlotTag : std::uint64_t { tag_empty = 0, tag_corrupt = 1, tag_placed = 2, tag_next = 3 };

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
    std::uint64_t varint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at_ >= bytes_.size()) break;
            const auto byte = static_cast<std::uint8_t>(bytes_[at_++]);
            value |= std::uint64_t{byte & 0x7Fu} << shift;
            if ((byte & 0x80) == 0) return value;
        }
        ok_ = false;
        return 0;
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
        put<std::uint64_t>(payload, block.file->end());
        put<std::uint64_t>(payload, block.live);
    }
    for (const std::uint64_t value : {first_, last_, static_cast<std::uint64_t>(last_time_ns_), messages_, bytes_,
                                      corrupt_, index_.base(), index_.end() - index_.base()}) {
        put<std::uint64_t>(payload, value);
    }
    payload.reserve(payload.size() + (index_.end() - index_.base()) * 4 + subjects_.size() * 48);
    std::uint32_t block = 0;
    std::uint64_t next_offset = 0;
    index_.for_each([&](const Slot& slot) {
        if (slot.subject == Slot::empty) {
            put_varint(payload, tag_empty);
            return;
        }
        if (slot.is_corrupt()) {
            put_varint(payload, tag_corrupt);
            return;
        }
        if (slot.block == block && slot.offset == next_offset) {
            put_varint(payload, tag_next + slot.subject);
        } else {
            put_varint(payload, tag_placed);
            put_varint(payload, slot.block);
            put_varint(payload, slot.offset);
            put_varint(payload, slot.subject);
        }
        put_varint(payload, slot.length_bits);
        block = slot.block;
        next_offset = std::uint64_t{slot.offset} + slot.length();
    });
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
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ends_and_lives;
    for (std::uint32_t i = 0; i < block_count; ++i) {
        const auto end = in.get<std::uint64_t>();
        const auto live = in.get<std::uint64_t>();
        struct stat st {};
        if (!in.ok() || !blocks_[i].file || ::stat(blocks_[i].file->path().c_str(), &st) != 0 ||
            static_cast<std::uint64_t>(st.st_size) < end) {
            return std::nullopt;  // the blocks changed under the snapshot
        }
        ends_and_lives.emplace_back(end, live);
    }
    const auto first = in.get<std::uint64_t>();
    const auto last = in.get<std::uint64_t>();
    const auto last_time = static_cast<std::int64_t>(in.get<std::uint64_t>());
    const auto messages = in.get<std::uint64_t>();
    const auto bytes_total = in.get<std::uint64_t>();
    const auto corrupt = in.get<std::uint64_t>();
    const auto base = in.get<std::uint64_t>();
    const auto slot_count = in.get<std::uint64_t>();
    if (!in.ok() || slot_count > payload.size()) return std::nullopt;  // at least a byte each
    std::deque<Slot> slots;
    Slot previous;
    for (std::uint64_t i = 0; i < slot_count && in.ok(); ++i) {
        Slot slot;
        const std::uint64_t tag = in.varint();
        if (tag == tag_corrupt) {
            slot.subject = Slot::corrupt;
        } else if (tag == tag_placed) {
            slot.block = static_cast<std::uint32_t>(in.varint());
            slot.offset = static_cast<std::uint32_t>(in.varint());
            slot.subject = static_cast<std::uint32_t>(in.varint());
        } else if (tag >= tag_next) {
            slot.block = previous.block;
            slot.offset = previous.offset + previous.length();
            slot.subject = static_cast<std::uint32_t>(tag - tag_next);
        }
        if (tag >= tag_placed) {
            slot.length_bits = static_cast<std::uint32_t>(in.varint());
            if (!slot.live()) return std::nullopt;
            previous = slot;
        }
        slots.push_back(slot);
    }
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
        blocks_[i].file->set_end(ends_and_lives[i].first);
        blocks_[i].live = ends_and_lives[i].second;
    }
    fresh_ = false;  // blocks exist: something was written
    first_ = first;
    last_ = last;
    last_time_ns_ = last_time;
    messages_ = messages;
    bytes_ = bytes_total;
    corrupt_ = corrupt;
    index_.restore(base, std::move(slots));
    subjects_ = std::move(subjects);
    return std::make_pair(static_cast<std::size_t>(block_count - 1), ends_and_lives.back().first);
}

}  // namespace store_file
