#pragma once
// The executors one plugin made (nmk_host_api.executor_*): SERIAL queues on
// the I/O threads and private BLOCKING pools, so a plugin keeps per-stream
// order and one plugin's slow work never waits behind another's. Every task
// passes the plugin's gate. Destroying an executor, and release() after the
// plugin's stop(), drain: queued tasks run, none is dropped.
//
// Threads: every method from any thread; `mutex_` guards the table only and
// is never held while a task runs or an executor drains.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/blocking_pool.hpp"
#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/plugin_host/serial_queue.hpp"

namespace nats::plugins {

class PluginHost;

class PluginExecutors {
public:
    // Most threads a BLOCKING executor may ask for.
    static constexpr std::uint32_t max_threads = 64;
    // Most tasks one executor holds waiting to run. A plugin that posts work for
    // each client request would otherwise queue without bound when clients ask
    // faster than it works: past this post() answers NMK_ERROR (logged once until
    // the queue has room again) and the plugin refuses the request itself.
    static constexpr std::size_t max_queued_tasks = 65536;

    PluginExecutors(PluginHost& host, std::string plugin, std::shared_ptr<CallGate> gate);
    ~PluginExecutors();  // release()
    PluginExecutors(const PluginExecutors&) = delete;
    PluginExecutors& operator=(const PluginExecutors&) = delete;

    // 0 on failure (logged): bad kind or thread count, no I/O threads yet, released.
    std::uint64_t create(nmk_executor_kind kind, std::uint32_t threads);
    nmk_status post(std::uint64_t id, nmk_task_callback callback, void* user);
    nmk_status destroy(std::uint64_t id);
    // Refuses new executors and drains every one left. Idempotent.
    void release();

private:
    struct Executor {
        std::shared_ptr<SerialQueue> serial;
        std::unique_ptr<BlockingPool> pool;
        bool full = false;  // under mutex_: the last post was refused (logged once)
    };
    // Drains `e`; a pool destroyed from one of its own threads is kept to be joined later.
    void drain(Executor e);

    PluginHost& host_;
    const std::string plugin_;
    const std::shared_ptr<CallGate> gate_;
    std::mutex mutex_;
    bool released_ = false;
    std::unordered_map<std::uint64_t, Executor> executors_;
    std::vector<std::unique_ptr<BlockingPool>> retired_;  // drained from inside: joined by release()
};

}  // namespace nats::plugins
