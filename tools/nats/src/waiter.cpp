#include "waiter.hpp"

#include <atomic>
#include <csignal>

namespace nats::cli {
namespace {

std::atomic<bool> g_stop{false};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" void on_stop_signal(int) { g_stop.store(true); }

} // namespace

waiter::waiter() {
    g_stop.store(false);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &g_previous_int);
    sigaction(SIGTERM, &action, &g_previous_term);
}

waiter::~waiter() {
    sigaction(SIGINT, &g_previous_int, nullptr);
    sigaction(SIGTERM, &g_previous_term, nullptr);
}

void waiter::notify() {
    { std::lock_guard lock(mutex_); }
    cv_.notify_all();
}

bool waiter::interrupted() const { return g_stop.load(); }

wait_result waiter::wait(const std::function<bool()>& done, std::optional<std::chrono::steady_clock::duration> limit) {
    using namespace std::chrono;
    const bool bounded = limit.has_value();
    const auto deadline = steady_clock::now() + limit.value_or(steady_clock::duration::zero());
    std::unique_lock lock(mutex_);
    for (;;) {
        if (done()) return wait_result::done;
        if (g_stop.load()) return wait_result::interrupted;
        auto slice = steady_clock::now() + milliseconds(50);  // how often a signal is noticed
        if (bounded) {
            if (steady_clock::now() >= deadline) return wait_result::timed_out;
            slice = std::min(slice, deadline);
        }
        cv_.wait_until(lock, slice);
    }
}

} // namespace nats::cli
