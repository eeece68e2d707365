#include "proc_status.hpp"

#include <charconv>
#include <fstream>
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

}  // namespace nats::bench
