// The I/O threads' event loop: Asio's run(), plus a short poll before sleeping.
//
// A request/response peer (a synchronous JetStream publisher, a KV get, a
// service call) sends its next message a few tens of microseconds after our
// answer. Sleeping in epoll_wait in between costs a context switch and a
// wake-up each way, which on a virtual machine is most of the round trip (a
// memory-stream sync publish measured 83 µs p50 sleeping, 37 µs polling). So
// after the loop runs out of work it keeps polling (epoll_wait with a zero
// timeout, sched_yield between polls so that a runnable thread on this core
// still goes first) for up to a window, and only then sleeps.
//
// Whether it polls at all is predicted from the last sleep: after a short one
// (under four windows) it polls again, after a long one (an idle or slow peer)
// it sleeps at once. So an idle server spends nothing on it, and a busy one
// spends at most one window per message it waits for.
#pragma once

#include <asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nats::server {

// The default window, and the bound on NMK_IO_POLL_US.
inline constexpr std::chrono::microseconds default_io_poll_window{50};
inline constexpr std::chrono::microseconds max_io_poll_window{1000};

// NMK_IO_POLL_US's value as a window: whole microseconds, 0 turns polling off,
// above the maximum is the maximum; nullopt for text that is not a number.
std::optional<std::chrono::microseconds> parse_io_poll_window(std::string_view text);

// The window the I/O threads use: NMK_IO_POLL_US, or the default (with a
// warning) when it is unset or not a number.
std::chrono::microseconds io_poll_window();

struct PollLoopCounts {
    std::uint64_t sleeps = 0;       // times the loop blocked in the reactor
    std::uint64_t poll_found = 0;   // times polling found work before the window ran out
};

// Runs `context` until it is stopped, polling for up to `window` before a sleep
// while the previous sleep was short. `counts`, when given, is updated by the
// running thread only.
void run_polling(asio::io_context& context, std::chrono::microseconds window, PollLoopCounts* counts = nullptr);

}  // namespace nats::server
