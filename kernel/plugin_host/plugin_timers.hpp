#pragma once
// Plugin timers: Asio timers on an I/O thread whose callback passes the
// plugin's gate and ends the thread's batch (so what it published goes out).
// A table per plugin maps ids to timers; a fired one-shot timer leaves it.
#include <asio.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/server/io_thread.hpp"

namespace nats::plugins {

struct TimerTable;

struct PluginTimer {
    PluginTimer(server::IoThread& t) : thread(t), timer(t.context()) {}
    server::IoThread& thread;
    asio::steady_timer timer;  // touched on `thread` only
    std::atomic<bool> cancelled{false};
    std::uint64_t id = 0;
    std::chrono::milliseconds repeat{0};
    nmk_task_callback callback = nullptr;
    void* user = nullptr;
    std::shared_ptr<CallGate> gate;  // the plugin's
    CallGate own_gate;               // this timer's: closed by cancel
    std::string plugin;
    std::weak_ptr<TimerTable> table;
};

struct TimerTable {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, std::shared_ptr<PluginTimer>> timers;
    void erase(std::uint64_t id) {
        std::lock_guard lock(mutex);
        timers.erase(id);
    }
};

// Posts the arming to the timer's thread.
void start_timer(const std::shared_ptr<PluginTimer>& timer, std::chrono::milliseconds delay);
// Any thread: no more callbacks from this timer once it returns (it waits for
// one running on another thread).
void cancel_timer(const std::shared_ptr<PluginTimer>& timer);

}  // namespace nats::plugins
