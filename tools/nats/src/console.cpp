#include "console.hpp"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <mutex>

namespace nats::cli {
namespace {

std::mutex& output_mutex() {
    static std::mutex m;
    return m;
}

void write_all(std::FILE* stream, std::string_view text) {
    std::lock_guard lock(output_mutex());
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fflush(stream);
}

} // namespace

void log_line(std::string_view message) {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[16];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S ", &local);
    std::string line = stamp;
    line.append(message);
    if (line.back() != '\n') line += '\n';
    write_all(stderr, line);
}

void out(std::string_view text) { write_all(stdout, text); }

void err(std::string_view text) { write_all(stderr, text); }

std::string body_block(std::string_view data) {
    if (data.empty()) return "nil body\n\n\n";
    std::string block(data);
    const bool ends_in_newline = block.back() == '\n';
    if (!ends_in_newline) block += '\n';
    block += '\n';
    if (!ends_in_newline) block += '\n';
    return block;
}

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

} // namespace nats::cli
