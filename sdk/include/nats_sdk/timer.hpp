#pragma once
// Timers as RAII handles (destroying one cancels it), and the one-shot tasks behind
// Host::post() and Host::post_blocking().

#include <cstdint>
#include <mutex>
#include <unordered_set>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/detail/registration.hpp"

namespace nats_sdk {

namespace detail {

// Posted tasks not yet run. The kernel drops the tasks still queued when a plugin stops,
// so the Host frees what is left here when the plugin is destroyed.
class task_tracker {
public:
    task_tracker() = default;
    task_tracker(const task_tracker&) = delete;
    task_tracker& operator=(const task_tracker&) = delete;
    ~task_tracker() {
        for (auto* box : boxes_) {
            delete box;
        }
    }
    void add(box_base* box) {
        const std::lock_guard lock(mutex_);
        boxes_.insert(box);
    }
    void remove(box_base* box) noexcept {
        const std::lock_guard lock(mutex_);
        boxes_.erase(box);
    }

private:
    std::mutex mutex_;
    std::unordered_set<box_base*> boxes_;
};

template <class Fn>
struct task_box final : box_base {
    task_box(const nmk_host_api* host_api, Fn callable, task_tracker* owner = nullptr)
        : box_base(host_api), fn(std::move(callable)), tracker(owner) {}

    // A timer: the box lives until its Timer handle lets go.
    static void call(void* user) noexcept {
        auto* self = static_cast<task_box*>(user);
        call_in_frame(self, "timer callback", [&] { self->fn(); });
    }

    // A posted task: runs once, then the box is gone.
    static void call_once(void* user) noexcept {
        auto* self = static_cast<task_box*>(user);
        call_in_frame(self, "posted task", [&] { self->fn(); });
        if (self->tracker != nullptr) {
            self->tracker->remove(self);
        }
        delete self;
    }

    Fn fn;
    task_tracker* tracker;
};

}  // namespace detail

class Timer : public detail::registration<&nmk_host_api::cancel_timer> {
public:
    using registration::registration;

    // Safe to call from inside this timer's own callback, and after a one-shot timer fired.
    void cancel() noexcept { release(); }
};

}  // namespace nats_sdk
