// ConsumerRecords: a file stream's consumer records in two alternating, checksummed slots
// per consumer (the scheme and its crash rules are in consumer_records.hpp), and the
// FileStream calls of jetstream.store 1.1 that reach them.

#include "consumer_records.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

#include "file_stream.hpp"

namespace store_file {

namespace fs = std::filesystem;
using nats_sdk::store::StoreError;

namespace {

constexpr std::string_view slot_magic = "NMKCONS1";
constexpr std::size_t slot_header_size = 24;  // magic, generation, two lengths
constexpr std::size_t slot_sum_size = 8;
// delete renames a record here first; leftovers go when the records load.
constexpr std::string_view deleting_prefix = ".deleted-";

template <class T>
void append_le(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);  // the store is little-endian only
}

template <class T>
T read_le(std::string_view bytes, std::size_t at) {
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof value);
    return value;
}

void check_record_name(std::string_view name) {
    if (const std::string_view problem = nats_sdk::store::consumer_name_problem(name); !problem.empty()) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store: " + std::string(problem));
    }
}

// The whole file, or nullopt when it does not exist; -errno in `error` when it cannot be read.
std::optional<std::string> read_file(FileIo& io, const std::string& path, int* error) {
    *error = 0;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT) *error = -errno;
        return std::nullopt;
    }
    const FileHandle handle(fd);
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        *error = -errno;
        return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
    if (const int result = read_all(io, fd, bytes.data(), bytes.size(), 0); result != 0) {
        *error = result;
        return std::nullopt;
    }
    return bytes;
}

}  // namespace

std::string encode_consumer_slot(std::uint64_t generation, std::string_view meta, std::string_view state) {
    std::string out;
    out.reserve(slot_header_size + meta.size() + state.size() + slot_sum_size);
    out.append(slot_magic);
    append_le<std::uint64_t>(out, generation);
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(meta.size()));
    append_le<std::uint32_t>(out, static_cast<std::uint32_t>(state.size()));
    out.append(meta);
    out.append(state);
    append_le<std::uint64_t>(out, XXH3_64bits(out.data(), out.size()));
    return out;
}

std::optional<ConsumerSlot> decode_consumer_slot(std::string_view bytes) {
    if (bytes.size() < slot_header_size + slot_sum_size || bytes.substr(0, slot_magic.size()) != slot_magic) {
        return std::nullopt;
    }
    const auto meta_size = read_le<std::uint32_t>(bytes, 16);
    const auto state_size = read_le<std::uint32_t>(bytes, 20);
    const std::uint64_t body = slot_header_size + std::uint64_t{meta_size} + state_size;
    if (body + slot_sum_size > bytes.size() ||
        XXH3_64bits(bytes.data(), static_cast<std::size_t>(body)) != read_le<std::uint64_t>(bytes, body)) {
        return std::nullopt;
    }
    return ConsumerSlot{read_le<std::uint64_t>(bytes, 8), std::string(bytes.substr(slot_header_size, meta_size)),
                        std::string(bytes.substr(slot_header_size + meta_size, state_size))};
}

ConsumerRecords::ConsumerRecords(StoreContext& context, std::string stream_dir, std::shared_ptr<SyncTarget> target)
    : context_(context),
      stream_dir_(std::move(stream_dir)),
      obs_dir_(stream_dir_ + "/" + std::string(consumers_dir_name)),
      target_(std::move(target)) {}

std::string ConsumerRecords::record_dir(std::string_view name) const { return obs_dir_ + "/" + std::string(name); }

std::string ConsumerRecords::slot_path(std::string_view name, int slot) const {
    return record_dir(name) + "/record." + std::to_string(slot);
}

// ---- reading ----

void ConsumerRecords::load() {
    if (loaded_) return;
    records_.clear();
    std::error_code error;
    if (!fs::is_directory(obs_dir_, error)) {
        loaded_ = true;
        return;
    }
    for (const auto& entry : fs::directory_iterator(obs_dir_, error)) {
        const std::string name = entry.path().filename().string();
        std::error_code ignored;
        if (name.starts_with(deleting_prefix)) {
            fs::remove_all(entry.path(), ignored);
        } else if (entry.is_directory(ignored) && nats_sdk::store::consumer_name_problem(name).empty()) {
            if (auto record = read_record(name)) records_.emplace(name, std::move(*record));
        }
    }
    if (error) {
        throw StoreError(NMK_STORE_IO_ERROR, describe_errno("file store: cannot list", obs_dir_, error.value()));
    }
    if (!records_.empty()) {
        // What is reported from here on may come from a crashed process's page cache, never
        // synced: it must be durable before a write may overwrite the other slot. One syncfs
        // makes every slot and directory read here durable with one cache flush (per file,
        // 100 records cost 200 flushes: 0.4 s on this VM).
        const auto obs = open_directory(obs_dir_);
        if (const int result = context_.io().sync_filesystem(obs->handle->fd()); result != 0) {
            fail_sync(-result, obs_dir_);
        }
    }
    loaded_ = true;
}

std::optional<ConsumerRecords::Record> ConsumerRecords::read_record(const std::string& name) {
    std::optional<ConsumerSlot> copies[2];
    bool present[2] = {false, false};
    for (int slot = 0; slot < 2; ++slot) {
        int error = 0;
        const auto bytes = read_file(context_.io(), slot_path(name, slot), &error);
        if (error != 0) {
            context_.log(NMK_LOG_ERROR, "file store: consumer record " + record_dir(name) + " left out: " +
                                            describe_errno("cannot read", slot_path(name, slot), -error));
            return std::nullopt;
        }
        present[slot] = bytes && !bytes->empty();
        if (present[slot]) copies[slot] = decode_consumer_slot(*bytes);
    }
    if (!copies[0] && !copies[1]) {
        if (!present[0] && !present[1]) {
            // Created, but no sync ever covered its first write: it was never promised.
            std::error_code ignored;
            fs::remove_all(record_dir(name), ignored);
        } else {
            context_.log(NMK_LOG_WARN, "file store: consumer record " + record_dir(name) +
                                           " left out: no copy of it passes its checksum");
        }
        return std::nullopt;
    }
    const int chosen = !copies[1] || (copies[0] && copies[0]->generation >= copies[1]->generation) ? 0 : 1;
    if (present[1 - chosen] && !copies[1 - chosen]) {
        context_.log(NMK_LOG_INFO, "file store: consumer record " + record_dir(name) +
                                       ": one copy is damaged (a write torn by a crash?); using the other, generation " +
                                       std::to_string(copies[chosen]->generation));
    }
    Record record;  // made durable by load() before any write builds on it
    record.meta = std::move(copies[chosen]->meta);
    record.state = std::move(copies[chosen]->state);
    record.generation = copies[chosen]->generation;
    record.write_slot = 1 - chosen;
    return record;
}

// ---- writing ----

std::shared_ptr<SideFile> ConsumerRecords::open_directory(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int error_number = errno;
        throw StoreError(status_for_errno(error_number), describe_errno("file store: cannot open", path, error_number));
    }
    return std::make_shared<SideFile>(std::make_shared<FileHandle>(fd), true);
}

void ConsumerRecords::make_record_directory(const std::string& name, Record& record) {
    if (::mkdir(obs_dir_.c_str(), 0750) == 0) {
        target_->wrote(open_directory(stream_dir_));
    } else if (errno != EEXIST) {
        const int error_number = errno;
        throw StoreError(status_for_errno(error_number), describe_errno("file store: cannot create", obs_dir_, error_number));
    }
    if (!obs_directory_) obs_directory_ = open_directory(obs_dir_);
    const std::string dir = record_dir(name);
    if (::mkdir(dir.c_str(), 0750) != 0) {
        const int error_number = errno;
        if (error_number != EEXIST) {
            throw StoreError(status_for_errno(error_number), describe_errno("file store: cannot create", dir, error_number));
        }
        // The remains of a record that was left out (damaged, or a creation that failed):
        // the new record replaces it.
        for (int slot = 0; slot < 2; ++slot) ::unlink(slot_path(name, slot).c_str());
    }
    target_->wrote(obs_directory_);
    record.directory = open_directory(dir);
}

SideFile& ConsumerRecords::pending_file(const std::string& name, Record& record) {
    if (record.slot && record.slot->written.load() > 0 && record.slot->settled()) {
        // A sync covered every write to this slot: it now holds the durable copy.
        record.write_slot = 1 - record.write_slot;
        record.slot.reset();
    }
    if (!record.slot) {
        const std::string path = slot_path(name, record.write_slot);
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        const bool created = fd >= 0;
        if (!created && errno == EEXIST) fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            const int error_number = errno;
            throw StoreError(status_for_errno(error_number),
                             describe_errno("file store: cannot open consumer record", path, error_number));
        }
        record.slot = std::make_shared<SideFile>(std::make_shared<FileHandle>(fd), false);
        if (created) {
            if (!record.directory) record.directory = open_directory(record_dir(name));
            target_->wrote(record.directory);  // the new file's entry
        }
    }
    return *record.slot;
}

void ConsumerRecords::write(const std::string& name, Record& record, std::string_view meta, std::string_view state) {
    constexpr std::size_t limit = std::numeric_limits<std::uint32_t>::max();
    if (meta.size() > limit || state.size() > limit) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store: a consumer record's meta and state must each be under 4 GiB");
    }
    // Copies first: after the write succeeds, nothing may fail before the record matches it.
    std::string new_meta(meta);
    std::string new_state(state);
    const std::string bytes = encode_consumer_slot(record.generation + 1, new_meta, new_state);
    SideFile& file = pending_file(name, record);
    if (const int result = write_all(context_.io(), file.handle->fd(), bytes.data(), bytes.size(), 0); result != 0) {
        // The pending slot may be torn now. Put the current copy back (it fitted there
        // before, or it is a fresh slot: nothing to keep), so a sync never covers a torn slot.
        int restored = 0;
        if (record.generation == 0) {
            restored = context_.io().ftruncate(file.handle->fd(), 0);
        } else {
            const std::string current = encode_consumer_slot(record.generation, record.meta, record.state);
            restored = write_all(context_.io(), file.handle->fd(), current.data(), current.size(), 0);
        }
        if (restored != 0) {
            context_.fail(describe_errno("cannot restore consumer record", slot_path(name, record.write_slot), -restored));
        } else {
            target_->wrote(record.slot);
        }
        throw StoreError(status_for_errno(-result),
                         describe_errno("file store: cannot write consumer record", slot_path(name, record.write_slot),
                                        -result));
    }
    record.generation += 1;
    record.meta.swap(new_meta);
    record.state.swap(new_state);
    target_->wrote(record.slot);
    sync_if_always();
}

void ConsumerRecords::sync_if_always() {
    if (context_.options().sync != SyncMode::always) return;
    if (const int result = target_->sync_now(context_.io()); result != 0) fail_sync(-result, stream_dir_);
}

void ConsumerRecords::fail_sync(int error_number, const std::string& what) {
    const std::string error = describe_errno("fsync failed for consumer records of", what, error_number);
    context_.fail(error);
    throw StoreError(NMK_STORE_IO_ERROR, error);
}

// ---- the operations ----

void ConsumerRecords::put(std::string_view name, std::string_view meta, std::string_view state) {
    check_record_name(name);
    load();
    if (const auto it = records_.find(name); it != records_.end()) {
        write(it->first, it->second, meta, state);
        return;
    }
    const std::string key(name);
    Record record;
    make_record_directory(key, record);
    write(key, record, meta, state);
    records_.emplace(key, std::move(record));
}

bool ConsumerRecords::put_state(std::string_view name, std::string_view state) {
    check_record_name(name);
    load();
    const auto it = records_.find(name);
    if (it == records_.end()) return false;
    write(it->first, it->second, it->second.meta, state);
    return true;
}

void ConsumerRecords::list(const std::function<void(const nats_sdk::store::ConsumerRecordView&)>& found) {
    load();
    for (const auto& [name, record] : records_) found({name, record.meta, record.state});
}

bool ConsumerRecords::remove(std::string_view name) {
    check_record_name(name);
    load();
    const auto it = records_.find(name);
    if (it == records_.end()) return false;
    const fs::path dir = record_dir(name);
    const fs::path doomed = obs_dir_ + "/" + std::string(deleting_prefix) + std::string(name);
    std::error_code error;
    fs::remove_all(doomed, error);
    fs::rename(dir, doomed, error);
    if (error) {
        throw StoreError(status_for_errno(error.value()),
                         describe_errno("file store: cannot delete consumer record", dir.string(), error.value()));
    }
    records_.erase(it);
    if (!obs_directory_) obs_directory_ = open_directory(obs_dir_);
    target_->wrote(obs_directory_);  // the rename is what the next sync makes durable
    fs::remove_all(doomed, error);
    sync_if_always();
    return true;
}

int ConsumerRecords::pending_slot(std::string_view name) {
    load();
    const auto it = records_.find(name);
    if (it == records_.end()) return -1;
    const Record& r = it->second;
    const bool moves = r.slot && r.slot->written.load() > 0 && r.slot->settled();
    return moves ? 1 - r.write_slot : r.write_slot;
}

// ---- FileStream's calls (jetstream.store 1.1) ----

ConsumerRecords& FileStream::consumers() {
    if (!consumers_) consumers_ = std::make_unique<ConsumerRecords>(*context_, dir_, target_);
    return *consumers_;
}

void FileStream::consumer_put(std::string_view name, std::string_view meta, std::string_view state) {
    check_writable();
    consumers().put(name, meta, state);
}

bool FileStream::consumer_put_state(std::string_view name, std::string_view state) {
    check_writable();
    return consumers().put_state(name, state);
}

void FileStream::consumer_list(const std::function<void(const nats_sdk::store::ConsumerRecordView&)>& found) {
    consumers().list(found);
}

bool FileStream::consumer_delete(std::string_view name) {
    check_writable();
    return consumers().remove(name);
}

}  // namespace store_file
