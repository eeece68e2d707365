#pragma once
// Lets the kernel call into a plugin (or one of its subscriptions or timers)
// only while it is live. Every callback passes the gate; close() shuts it and
// waits for the calls still inside on other threads, so once it returns
// nothing reaches the callback any more: after a plugin's stop() the plugin
// can be destroyed, and after unsubscribe()/cancel_timer() the plugin may free
// the callback's state. A call on the closing thread itself (close() from
// inside the callback) is not waited for.
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace nats::plugins {

class CallGate {
public:
    // While a Pass is true the callback may run. Passes nest (LIFO) per thread.
    class Pass {
    public:
        explicit Pass(CallGate& gate) : gate_(gate), open_(gate.enter()) {
            if (open_) inside().push_back(&gate_);
        }
        ~Pass() {
            if (!open_) return;
            inside().pop_back();
            gate_.leave();
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
    void close() {
        open_.store(false);
        const auto& mine = inside();
        const auto own = static_cast<int>(std::count(mine.begin(), mine.end(), this));
        while (calls_.load() > own) std::this_thread::yield();
    }

private:
    bool enter() {
        calls_.fetch_add(1);
        if (open_.load()) return true;
        leave();
        return false;
    }
    void leave() { calls_.fetch_sub(1); }
    // The gates the calling thread is inside of, innermost last.
    static std::vector<const CallGate*>& inside() {
        thread_local std::vector<const CallGate*> gates;
        return gates;
    }

    std::atomic<bool> open_{true};
    std::atomic<int> calls_{0};
};

}  // namespace nats::plugins
