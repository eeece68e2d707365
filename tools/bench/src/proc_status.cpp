#include "proc_status.hpp"

#include <charconv>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace nats::bench {

std::optional<std::uint64_t> parse_vm_rss_kib(std::istream& status) {
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) != 0) continue;
        const auto first = line.find_first_of("0123456789", 6);
        if (first == std::string::npos) return std::nullopt;
        std::uint64_t kib = 0;
        const char* end = line.data() + line.size();
        auto [ptr, ec] = std::from_chars(line.data() + first, end, kib);
        if (ec != std::errc{}) return std::nullopt;
        std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
        while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
        if (unit != "kB") return std::nullopt;
        return kib;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> read_vm_rss_kib(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    if (!in) return std::nullopt;
    return parse_vm_rss_kib(in);
}

std::optional<double> parse_stat_cpu_seconds(const std::string& stat_line, long ticks_per_second) {
    // The command name (field 2) may hold spaces and parentheses: fields resume
    // after the last ')'. utime and stime are fields 14 and 15.
    const auto close = stat_line.rfind(')');
    if (close == std::string::npos || ticks_per_second <= 0) return std::nullopt;
    std::istringstream rest(stat_line.substr(close + 1));
    std::string field;
    std::uint64_t utime = 0;
    std::uint64_t stime = 0;
    for (int index = 3; index <= 15; ++index) {
        if (!(rest >> field)) return std::nullopt;
        if (index < 14) continue;
        std::uint64_t value = 0;
        auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
        if (ec != std::errc{} || ptr != field.data() + field.size()) return std::nullopt;
        (index == 14 ? utime : stime) = value;
    }
    return static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
}

std::optional<double> read_cpu_seconds(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    return parse_stat_cpu_seconds(line, ::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace nats::bench
