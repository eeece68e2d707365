#pragma once
// Lets the kernel call into a plugin (or one of its subscriptions or timers)
// only while it is live. Every callback passes the gate; close() shuts it and
// waits for the calls still inside on other threads, so once it returns
// nothing reaches the callback any more: after a plugin's stop() the plugin
// can be destroyed, and after unsubscribe()/cancel_timer() the plugin may free
// the callback's state. A call on the closing thread itself (close() from
// inside the callback) is not waited for.
//
// Passing a gate is on the per-message path of every plugin subscription, so it
// writes nothing shared: each thread announces the gates it is inside of in its
// own slot (a cache line only it writes), and close(), which is rare, scans the
// slots of all threads. Enter stores the gate in the slot, then reads open_;
// close stores open_ = false, then reads the slots. Both are sequentially
// consistent, so either the caller sees the gate closed or close() sees the
// caller inside. The per-message cost therefore stays the same however many
// I/O threads deliver to one plugin.
#include <atomic>
#include <cstddef>

namespace nats::plugins {

class CallGate {
public:
    // While a Pass is true the callback may run. Passes nest (LIFO) per thread.
    class Pass {
    public:
        explicit Pass(CallGate& gate) : gate_(gate), open_(gate.enter()) {}
        ~Pass() {
            if (open_) gate_.leave();
        }
        Pass(const Pass&) = delete;
        Pass& operator=(const Pass&) = delete;
        explicit operator bool() const { return open_; }

    private:
        CallGate& gate_;
        bool open_;
    };

    bool is_open() const { return open_.load(); }
    // Refuses new calls and waits for the ones in flight on other threads
    // (they are short: callbacks must not block).
    void close();

    // One thread's announcements; see call_gate.cpp. Public for the registry only.
    static constexpr std::size_t max_depth = 32;
    struct alignas(64) ThreadSlot {
        std::atomic<const CallGate*> gates[max_depth] = {};
        std::size_t depth = 0;  // written and read by the owning thread only
        ThreadSlot* next_free = nullptr;
    };

private:
    bool enter();
    void leave();

    std::atomic<bool> open_{true};
    // Calls that found their thread's slot full (deeper nesting than max_depth):
    // counted here instead. Never reached in practice.
    std::atomic<int> overflow_calls_{0};
};

}  // namespace nats::plugins
