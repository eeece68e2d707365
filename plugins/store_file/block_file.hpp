#pragma once
// One append-only block file (msgs/<id>.blk). It is preallocated (fallocate) to its
// capacity when created, so an append inside it changes no file metadata and
// fdatasync writes only the data; the logical end (where the next record goes) is kept
// here and found again by recovery (the first zero length field).
//
// Not thread-safe: the owning stream serializes calls. The descriptor is shared with
// the syncer (handle()), which only fdatasyncs it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "file_io.hpp"

namespace store_file {

class BlockFile {
public:
    // Creates <dir>/<id>.blk with `capacity` bytes reserved and syncs the directory so
    // the file survives a power cut. Returns nullptr and sets *error_number on failure
    // (nothing is left behind then).
    static std::unique_ptr<BlockFile> create(FileIo& io, const std::string& dir, std::uint32_t id,
                                             std::uint64_t capacity, int* error_number);
    // Opens an existing block; its logical end is set by recovery (set_end).
    static std::unique_ptr<BlockFile> open(FileIo& io, const std::string& path, std::uint32_t id,
                                           int* error_number);

    static std::string file_name(std::uint32_t id);

    std::uint32_t id() const noexcept { return id_; }
    const std::string& path() const noexcept { return path_; }
    std::uint64_t end() const noexcept { return end_; }
    // The bytes this block may hold: what was reserved when it was created, or the
    // file's size when reopened (recovery appends only while records fit).
    std::uint64_t capacity() const noexcept { return capacity_; }
    void set_end(std::uint64_t end) noexcept { end_ = end; }
    // The open descriptor (the active block always has one).
    const std::shared_ptr<FileHandle>& handle() const noexcept { return handle_; }

    // Whether `size` more bytes fit in the reserved space.
    bool fits(std::uint64_t size) const noexcept { return end_ + size <= capacity_; }

    // Writes `bytes` at the logical end and moves the end past them. On failure
    // (-errno) the end does not move and the partial bytes are zeroed again, so
    // nothing half-written can be mistaken for a record later. Writes what is pending
    // first (a failure there is returned and nothing of `bytes` is written).
    int append(std::string_view bytes);

    // Write batching: `buffer` adds records after the logical end in memory only (the end
    // moves past them; reads see them); `flush` writes everything pending with one pwrite.
    // A failed flush zeroes what part of it landed and keeps the bytes pending (reads still
    // see them); the caller must then treat them as never written. Only preallocated blocks
    // batch (elsewhere a write may run out of space, which append reports per record).
    bool batches() const noexcept { return preallocated_; }
    void buffer(std::string_view bytes) {
        pending_.append(bytes.data(), bytes.size());
        end_ += bytes.size();
    }
    std::size_t pending_bytes() const noexcept { return pending_.size(); }
    void reserve_buffer(std::size_t bytes) {
        if (pending_.capacity() < bytes) pending_.reserve(bytes);
    }
    // Gives the buffer's memory back (a block the stream has moved on from). Nothing pending.
    void release_buffer() noexcept {
        if (pending_.empty()) std::string().swap(pending_);
    }
    int flush();
    // Reads `size` bytes at `offset` (inside the logical end), reopening the file if
    // its descriptor was closed.
    int read(std::uint64_t offset, std::size_t size, char* out);
    // Full blocks are only read: the stream closes their descriptors when it has more
    // than a few open (a store with many streams and blocks stays under the fd limit).
    void close_descriptor() noexcept { handle_.reset(); }
    bool has_descriptor() const noexcept { return handle_ != nullptr; }
    // The file from `from` to its end (recovery).
    int read_from(std::uint64_t from, std::string& out);
    // Writes zeros over [from, to): drops a torn tail. Synced.
    int zero_range(std::uint64_t from, std::uint64_t to);
    int sync() { return io_.fdatasync(handle_->fd()); }  // of what was written (flush first)

private:
    int ensure_open();

    BlockFile(FileIo& io, std::string path, std::uint32_t id, std::shared_ptr<FileHandle> handle,
              std::uint64_t capacity, bool preallocated)
        : io_(io), path_(std::move(path)), id_(id), handle_(std::move(handle)), capacity_(capacity),
          preallocated_(preallocated) {}

    FileIo& io_;
    std::string path_;
    std::uint32_t id_;
    std::shared_ptr<FileHandle> handle_;
    std::uint64_t capacity_;
    // false on a filesystem without fallocate: the file then grows with each append.
    bool preallocated_;
    std::uint64_t end_ = 0;      // the logical end: pending bytes included
    std::string pending_;        // buffered records, which belong at end_ - pending_.size()
};

}  // namespace store_file
