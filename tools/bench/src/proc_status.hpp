#pragma once

#include <cstdint>
#include <istream>
#include <optional>

namespace nats::bench {

// VmRSS in KiB from a /proc/<pid>/status-formatted stream; nullopt if absent or malformed.
std::optional<std::uint64_t> parse_vm_rss_kib(std::istream& status);

// VmRSS of a live process; nullopt if the process is gone or unreadable.
std::optional<std::uint64_t> read_vm_rss_kib(long pid);

}  // namespace nats::bench
