#pragma once

#include "clock.hpp"
#include "endpoint.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace nats::bench {

// An owned TCP socket, closed on destruction.
class tcp_socket {
public:
    tcp_socket() = default;
    explicit tcp_socket(int fd) : fd_(fd) {}
    tcp_socket(tcp_socket&& other) noexcept : fd_(other.release()) {}
    tcp_socket& operator=(tcp_socket&& other) noexcept;
    tcp_socket(const tcp_socket&) = delete;
    tcp_socket& operator=(const tcp_socket&) = delete;
    ~tcp_socket();

    int get() const { return fd_; }
    int release();

private:
    int fd_ = -1;
};

// Non-blocking socket helpers bounded by a deadline. Each throws setup_error
// naming the step and the system's reason; none waits past the deadline.
tcp_socket connect_tcp(const endpoint& ep, clock::time_point deadline);
void send_all(int fd, std::string_view data, clock::time_point deadline);
// Appends what is readable (waiting for at least one byte); returns false at end of stream.
bool receive_some(int fd, std::string& into, clock::time_point deadline);

}  // namespace nats::bench
