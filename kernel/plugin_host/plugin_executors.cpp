#include "kernel/plugin_host/plugin_executors.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/plugin_host.hpp"

namespace nats::plugins {

PluginExecutors::PluginExecutors(PluginHost& host, std::string plugin, std::shared_ptr<CallGate> gate)
    : host_(host), plugin_(std::move(plugin)), gate_(std::move(gate)) {}

PluginExecutors::~PluginExecutors() { release(); }

std::uint64_t PluginExecutors::create(nmk_executor_kind kind, std::uint32_t threads) {
    // A plugin may pass any number: look at the bytes (an out-of-range enum value is UB).
    std::underlying_type_t<nmk_executor_kind> raw;
    std::memcpy(&raw, &kind, sizeof raw);
    Executor e;
    if (raw == NMK_EXECUTOR_SERIAL) {
        auto& server = host_.server();
        if (server.thread_count() == 0) {
            NMK_ERROR("{}: executors are available from start() on", plugin_);
            return 0;
        }
        e.serial = std::make_shared<SerialQueue>(server.next_thread(), max_queued_tasks);
    } else if (raw == NMK_EXECUTOR_BLOCKING) {
        if (threads > max_threads) {
            NMK_ERROR("{}: a blocking executor has at most {} threads, not {}", plugin_, max_threads, threads);
            return 0;
        }
        e.pool = std::make_unique<BlockingPool>(threads == 0 ? 1 : threads, max_queued_tasks);
    } else {
        NMK_ERROR("{}: unknown executor kind {}", plugin_, raw);
        return 0;
    }
    const auto id = host_.next_id();
    std::lock_guard lock(mutex_);
    if (released_) return 0;
    executors_.emplace(id, std::move(e));
    return id;
}

nmk_status PluginExecutors::post(std::uint64_t id, nmk_task_callback callback, void* user) {
    if (!callback) return NMK_INVALID_ARGUMENT;
    auto task = [gate = gate_, callback, user, plugin = plugin_] {
        CallGate::Pass pass(*gate);
        if (!pass) return;
        try {
            callback(user);
        } catch (...) {
            NMK_ERROR("{}: executor task threw an exception", plugin);
        }
    };
    std::lock_guard lock(mutex_);
    auto it = executors_.find(id);
    if (it == executors_.end()) return NMK_NOT_FOUND;
    // Submitting under the table lock keeps a destroy from slipping in between;
    // neither call runs a task.
    Executor& e = it->second;
    const Submitted result = e.serial ? e.serial->post(std::move(task)) : e.pool->submit(std::move(task));
    if (result == Submitted::closed) return NMK_NOT_FOUND;
    if (result == Submitted::full) {
        if (!e.full) NMK_WARN("{}: executor {} has {} tasks waiting: further posts are refused until it catches up",
                              plugin_, id, max_queued_tasks);
        e.full = true;
        return NMK_ERROR;
    }
    e.full = false;
    return NMK_OK;
}

nmk_status PluginExecutors::destroy(std::uint64_t id) {
    Executor e;
    {
        std::lock_guard lock(mutex_);
        auto it = executors_.find(id);
        if (it == executors_.end()) return NMK_NOT_FOUND;
        e = std::move(it->second);
        executors_.erase(it);
    }
    drain(std::move(e));
    return NMK_OK;
}

void PluginExecutors::drain(Executor e) {
    if (e.serial) {
        e.serial->close();
        return;
    }
    if (!e.pool->drain()) {
        std::lock_guard lock(mutex_);
        retired_.push_back(std::move(e.pool));
    }
}

void PluginExecutors::release() {
    std::unordered_map<std::uint64_t, Executor> executors;
    {
        std::lock_guard lock(mutex_);
        released_ = true;
        executors.swap(executors_);
    }
    // In creation order (ids grow), so what a plugin made first drains first.
    std::vector<std::uint64_t> ids;
    for (auto& [id, e] : executors) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (auto id : ids) drain(std::move(executors[id]));
    std::vector<std::unique_ptr<BlockingPool>> retired;
    {
        std::lock_guard lock(mutex_);
        retired.swap(retired_);
    }
    retired.clear();  // joins: their queues were drained by their own workers
}

}  // namespace nats::plugins
