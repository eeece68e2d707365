#include "block_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace store_file {

std::string BlockFile::file_name(std::uint32_t id) { return std::to_string(id) + ".blk"; }

std::unique_ptr<BlockFile> BlockFile::create(FileIo& io, const std::string& dir, std::uint32_t id,
                                             std::uint64_t capacity, int* error_number) {
    std::string path = dir + "/" + file_name(id);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) {
        *error_number = errno;
        return nullptr;
    }
    auto handle = std::make_shared<FileHandle>(fd);
    bool preallocated = true;
    int result = io.preallocate(fd, capacity);
    if (result == -EOPNOTSUPP) {
        preallocated = false;  // e.g. an old filesystem: appends then grow the file
        result = 0;
    }
    // The new name must survive a power cut before any record in it is acknowledged.
    if (result == 0) result = sync_directory(io, dir);
    if (result != 0) {
        *error_number = -result;
        ::unlink(path.c_str());
        return nullptr;
    }
    return std::unique_ptr<BlockFile>(new BlockFile(io, std::move(path), id, std::move(handle), capacity,
                                                    preallocated));
}

std::unique_ptr<BlockFile> BlockFile::open(FileIo& io, const std::string& path, std::uint32_t id,
                                           int* error_number) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        *error_number = errno;
        return nullptr;
    }
    auto handle = std::make_shared<FileHandle>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        *error_number = errno;
        return nullptr;
    }
    // Reopened blocks are treated as preallocated up to their size; a record that does
    // not fit goes to a new block.
    return std::unique_ptr<BlockFile>(
        new BlockFile(io, path, id, std::move(handle), static_cast<std::uint64_t>(st.st_size), true));
}

namespace {

// Undoes whatever part of a failed write at `at` landed: a later record overwrites it, but
// a crash before that must not find a half record that looks like a corrupt one.
void undo_partial_write(FileIo& io, int fd, bool preallocated, std::uint64_t at, std::size_t size) {
    if (preallocated) {
        const std::vector<char> zeros(size, 0);
        (void)write_all(io, fd, zeros.data(), zeros.size(), at);
    } else {
        (void)io.ftruncate(fd, at);
    }
}

}  // namespace

int BlockFile::append(std::string_view bytes) {
    if (const int result = flush(); result != 0) return result;
    const int result = write_all(io_, handle_->fd(), bytes.data(), bytes.size(), end_);
    if (result != 0) {
        undo_partial_write(io_, handle_->fd(), preallocated_, end_, bytes.size());
        return result;
    }
    end_ += bytes.size();
    return 0;
}

int BlockFile::flush() {
    if (pending_.empty()) return 0;
    const std::uint64_t at = end_ - pending_.size();
    if (const int result = write_all(io_, handle_->fd(), pending_.data(), pending_.size(), at); result != 0) {
        undo_partial_write(io_, handle_->fd(), preallocated_, at, pending_.size());
        return result;
    }
    pending_.clear();  // the capacity stays: the next batch reuses it
    return 0;
}

int BlockFile::ensure_open() {
    if (handle_) return 0;
    const int fd = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return -errno;
    handle_ = std::make_shared<FileHandle>(fd);
    return 0;
}

int BlockFile::read(std::uint64_t offset, std::size_t size, char* out) {
    if (const int result = ensure_open(); result != 0) return result;
    const std::uint64_t written = end_ - pending_.size();
    if (pending_.empty() || offset + size <= written) return read_all(io_, handle_->fd(), out, size, offset);
    if (offset + size > end_) return -ENODATA;  // as reading past the file's end
    // Partly or wholly in the pending bytes: the file up to them, then the buffer.
    std::size_t from_file = 0;
    if (offset < written) {
        from_file = static_cast<std::size_t>(written - offset);
        if (const int result = read_all(io_, handle_->fd(), out, from_file, offset); result != 0) return result;
    }
    const auto in_pending = static_cast<std::size_t>(offset + from_file - written);
    std::memcpy(out + from_file, pending_.data() + in_pending, size - from_file);
    return 0;
}

int BlockFile::read_from(std::uint64_t from, std::string& out) {
    if (const int result = ensure_open(); result != 0) return result;
    struct stat st {};
    if (::fstat(handle_->fd(), &st) != 0) return -errno;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    out.resize(static_cast<std::size_t>(size > from ? size - from : 0));
    return out.empty() ? 0 : read_all(io_, handle_->fd(), out.data(), out.size(), from);
}

int BlockFile::zero_range(std::uint64_t from, std::uint64_t to) {
    if (to <= from) return 0;
    const std::vector<char> zeros(static_cast<std::size_t>(std::min<std::uint64_t>(to - from, 1 << 20)), 0);
    for (std::uint64_t at = from; at < to;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(to - at, zeros.size()));
        if (const int result = write_all(io_, handle_->fd(), zeros.data(), n, at); result != 0) return result;
        at += n;
    }
    return io_.fdatasync(handle_->fd());
}

}  // namespace store_file
