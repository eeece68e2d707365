#pragma once
// Executors (SDK 1.1): ordered queues a plugin owns.
//
//   auto wal = nats_sdk::Executor::blocking(host());   // one worker: fsyncs in order, never
//                                                     // behind another plugin's slow look-ups
//   auto stream = nats_sdk::Executor::serial(host());  // per-stream order on an I/O thread
//   stream.post([this] { ... });                       // must not block on a serial executor
//
// Destroying (or drain()ing) an Executor runs every task still queued and waits for
// them (from inside one of its own tasks it does not wait); the kernel does the same
// for executors still alive when the plugin stops, so queued work is never dropped.
// Declare an Executor after the state its tasks use, so it drains first.

#include <cstdint>
#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/timer.hpp"

namespace nats_sdk {

enum class ExecutorKind {
    serial = NMK_EXECUTOR_SERIAL,
    blocking = NMK_EXECUTOR_BLOCKING,
};

class Executor {
public:
    Executor() noexcept = default;
    // Throws Error when the kernel refuses (before start(), after stop(), bad thread count).
    static Executor serial(Host& host) { return Executor(host.api(), ExecutorKind::serial, 0); }
    // `threads` workers; 1 keeps the tasks in post order.
    static Executor blocking(Host& host, std::uint32_t threads = 1) {
        return Executor(host.api(), ExecutorKind::blocking, threads);
    }

    Executor(Executor&& other) noexcept
        : api_(std::exchange(other.api_, nullptr)), id_(std::exchange(other.id_, 0)) {}
    Executor& operator=(Executor&& other) noexcept {
        if (this != &other) {
            drain();
            api_ = std::exchange(other.api_, nullptr);
            id_ = std::exchange(other.id_, 0);
        }
        return *this;
    }
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;
    ~Executor() { drain(); }

    bool active() const noexcept { return id_ != 0; }
    std::uint64_t id() const noexcept { return id_; }

    // Queues `task`. Throws Error (NMK_NOT_FOUND) once the executor is drained or the
    // kernel destroyed it at stop.
    template <class Fn>
        requires std::invocable<Fn&>
    void post(Fn&& task) {
        if (id_ == 0) {
            throw Error("executor_post on an executor that was drained", NMK_NOT_FOUND);
        }
        using box_type = detail::task_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(task));
        detail::check_status(api_->executor_post(api_->host, id_, &box_type::call_once, box.get()), "executor_post");
        // Runs exactly once, then frees itself: the kernel never drops an executor's task.
        box.release();
    }

    // Runs what is queued, then ends the executor. Idempotent.
    void drain() noexcept {
        if (id_ == 0) {
            return;
        }
        api_->executor_destroy(api_->host, std::exchange(id_, 0));
    }

private:
    Executor(const nmk_host_api& api, ExecutorKind kind, std::uint32_t threads)
        : api_(&api) {
        id_ = api.executor_create(api.host, static_cast<nmk_executor_kind>(kind), threads);
        if (id_ == 0) {
            throw Error("executor_create failed", NMK_ERROR);
        }
    }

    const nmk_host_api* api_ = nullptr;
    std::uint64_t id_ = 0;
};

}  // namespace nats_sdk
