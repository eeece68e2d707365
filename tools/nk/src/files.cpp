#include "files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace nats::nk {
namespace {

// Go prints syscall errors in lower case: "no such file or directory".
std::string errno_text(int error) {
    std::string text = std::strerror(error);
    if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

class Fd {
public:
    explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
        if (fd_ < 0) throw Fatal("open " + path + ": " + errno_text(errno));
    }
    ~Fd() { ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Up to `limit` bytes (0 = no limit) until end of file.
std::string read_up_to(const std::string& path, std::size_t limit) {
    const Fd fd(path);
    std::string data;
    char buffer[4096];
    while (limit == 0 || data.size() < limit) {
        const std::size_t want = limit == 0 ? sizeof buffer : std::min(sizeof buffer, limit - data.size());
        const ssize_t n = ::read(fd.get(), buffer, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Fatal("read " + path + ": " + errno_text(errno));
        }
        if (n == 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
}

} // namespace

std::string read_whole_file(const std::string& path) { return read_up_to(path, 0); }

std::string read_prefix(const std::string& path, std::size_t count) {
    std::string data = read_up_to(path, count);
    if (data.size() < count) throw Fatal(data.empty() ? "EOF" : "unexpected EOF");
    return data;
}

} // namespace nats::nk
