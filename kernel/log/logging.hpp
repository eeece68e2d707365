#pragma once
// Logging in nats-server's format: "[pid] 2026/11/26 04:40:00.123456 [INF] text".
// Levels: INF, WRN, ERR, FTL always; DBG with -D; TRC with -V (-DV for both).
#include <spdlog/spdlog.h>

#include <string>

namespace nats::log {

struct LogSettings {
    std::string file;          // empty: stderr
    bool debug = false;
    bool trace = false;
    bool timestamps = true;
    std::int64_t size_limit = 0;  // rotate the file past this many bytes (0: never)
};

// (Re)configures the process-wide logger. Safe to call again on reload or SIGUSR1.
void configure(const LogSettings& settings);
bool trace_enabled();
bool debug_enabled();

}  // namespace nats::log

// Short forms used throughout the kernel. fmt-style format strings.
#define NMK_INFO(...) ::spdlog::info(__VA_ARGS__)
#define NMK_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define NMK_ERROR(...) ::spdlog::error(__VA_ARGS__)
#define NMK_FATAL(...) ::spdlog::critical(__VA_ARGS__)
#define NMK_DEBUG(...) do { if (::nats::log::debug_enabled()) ::spdlog::debug(__VA_ARGS__); } while (0)
#define NMK_TRACE(...) do { if (::nats::log::trace_enabled()) ::spdlog::trace(__VA_ARGS__); } while (0)
