#include "file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace store_file {
namespace {

class SystemFileIo final : public FileIo {
public:
    long pwrite(int fd, const void* data, std::size_t size, std::uint64_t offset) override {
        for (;;) {
            const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
            if (n >= 0) return n;
            if (errno != EINTR) return -errno;
        }
    }
    long pread(int fd, void* data, std::size_t size, std::uint64_t offset) override {
        for (;;) {
            const ssize_t n = ::pread(fd, data, size, static_cast<off_t>(offset));
            if (n >= 0) return n;
            if (errno != EINTR) return -errno;
        }
    }
    int fdatasync(int fd) override { return retry([&] { return ::fdatasync(fd); }); }
    int fsync(int fd) override { return retry([&] { return ::fsync(fd); }); }
    int preallocate(int fd, std::uint64_t size) override {
        return retry([&] { return ::fallocate(fd, 0, 0, static_cast<off_t>(size)); });
    }
    int ftruncate(int fd, std::uint64_t size) override {
        return retry([&] { return ::ftruncate(fd, static_cast<off_t>(size)); });
    }

private:
    template <typename Call>
    static int retry(Call call) {
        for (;;) {
            if (call() == 0) return 0;
            if (errno != EINTR) return -errno;
        }
    }
};

}  // namespace

std::shared_ptr<FileIo> system_file_io() {
    static const std::shared_ptr<FileIo> io = std::make_shared<SystemFileIo>();
    return io;
}

int FileIo::sync_filesystem(int fd) {
    for (;;) {
        if (::syncfs(fd) == 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

int write_all(FileIo& io, int fd, const void* data, std::size_t size, std::uint64_t offset) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const long n = io.pwrite(fd, bytes, size, offset);
        if (n < 0) return static_cast<int>(n);
        if (n == 0) return -EIO;
        bytes += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
    return 0;
}

int read_all(FileIo& io, int fd, void* data, std::size_t size, std::uint64_t offset) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        const long n = io.pread(fd, bytes, size, offset);
        if (n < 0) return static_cast<int>(n);
        if (n == 0) return -ENODATA;
        bytes += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
    return 0;
}

int sync_directory(FileIo& io, const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    const int result = io.fsync(fd);
    ::close(fd);
    return result;
}

nmk_store_status status_for_errno(int error_number) noexcept {
    return is_no_space(error_number) ? NMK_STORE_NO_SPACE : NMK_STORE_IO_ERROR;
}

std::string describe_errno(std::string_view what, std::string_view path, int error_number) {
    std::string text(what);
    text += ' ';
    text += path;
    text += ": ";
    text += std::strerror(error_number);
    return text;
}

FileHandle::~FileHandle() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace store_file
