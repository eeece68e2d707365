#include "tests/support/net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace nats::test_support {

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const std::string err = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("bind to 127.0.0.1:0: " + err);
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

namespace {

// Inodes of sockets in LISTEN state on `port`, from one /proc/net/tcp* table.
void listening_inodes(const char* table, int port, std::set<std::string>& inodes) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retrans, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retrans >> uid >> timeout >> inode;
        const auto colon = local.rfind(':');
        if (colon == std::string::npos || state != "0A") continue; // 0A = LISTEN
        if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) inodes.insert(inode);
    }
}

} // namespace

bool process_listens_on(pid_t pid, int port) {
    std::set<std::string> inodes;
    listening_inodes("/proc/net/tcp", port, inodes);
    listening_inodes("/proc/net/tcp6", port, inodes);
    if (inodes.empty()) return false;
    std::error_code ec;
    const std::filesystem::path fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    // Fds come and go while the server runs, so every step tolerates errors.
    for (std::filesystem::directory_iterator it(fd_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code link_ec;
        const std::string target = std::filesystem::read_symlink(it->path(), link_ec).string();
        if (link_ec || target.rfind("socket:[", 0) != 0) continue;
        if (inodes.count(target.substr(8, target.size() - 9)) != 0) return true;
    }
    return false;
}

} // namespace nats::test_support
