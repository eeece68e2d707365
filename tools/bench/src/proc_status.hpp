#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace nats::bench {

// VmRSS in KiB from a /proc/<pid>/status-formatted stream; nullopt if absent or malformed.
std::optional<std::uint64_t> parse_vm_rss_kib(std::istream& status);

// VmRSS of a live process; nullopt if the process is gone or unreadable.
std::optional<std::uint64_t> read_vm_rss_kib(long pid);

// User plus system CPU seconds from one /proc/<pid>/stat line; nullopt if malformed.
std::optional<double> parse_stat_cpu_seconds(const std::string& stat_line, long ticks_per_second);

// CPU seconds a live process has used so far; nullopt if it is gone or unreadable.
std::optional<double> read_cpu_seconds(long pid);

// CPU seconds this process has used so far.
double own_cpu_seconds();

}  // namespace nats::bench
