#include "kernel/server/poll_loop.hpp"

#include <sched.h>

#include <charconv>
#include <cstdlib>

#include "kernel/log/logging.hpp"

namespace nats::server {

std::optional<std::chrono::microseconds> parse_io_poll_window(std::string_view text) {
    long long us = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), us);
    if (ec == std::errc::result_out_of_range && !text.empty() && text.front() != '-') return max_io_poll_window;
    if (ec != std::errc() || end != text.data() + text.size() || us < 0) return std::nullopt;
    return std::min(std::chrono::microseconds(us), max_io_poll_window);
}

std::chrono::microseconds io_poll_window() {
    const char* env = std::getenv("NMK_IO_POLL_US");
    if (!env) return default_io_poll_window;
    if (auto window = parse_io_poll_window(env)) return *window;
    NMK_WARN("NMK_IO_POLL_US=\"{}\" is not a number of microseconds; using {} µs", env,
             default_io_poll_window.count());
    return default_io_poll_window;
}

void run_polling(asio::io_context& context, std::chrono::microseconds window, PollLoopCounts* counts) {
    if (window.count() <= 0) {
        context.run();
        return;
    }
    using clock = std::chrono::steady_clock;
    const auto worth_polling = window * 4;
    bool poll_before_sleeping = true;
    while (!context.stopped()) {
        if (context.poll() > 0) continue;
        if (poll_before_sleeping) {
            const auto until = clock::now() + window;
            bool found = false;
            while (!found && clock::now() < until) {
                sched_yield();
                found = context.poll() > 0;
            }
            if (found) {
                if (counts) ++counts->poll_found;
                continue;
            }
        }
        const auto slept_at = clock::now();
        if (counts) ++counts->sleeps;
        if (context.run_one() == 0) break;  // stopped
        poll_before_sleeping = clock::now() - slept_at < worth_polling;
    }
}

}  // namespace nats::server
