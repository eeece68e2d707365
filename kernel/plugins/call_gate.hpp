#pragma once
// Lets the kernel call into one plugin only while it runs. Every callback
// (messages, timers, posts, authenticators, links, HTTP) passes the gate; once
// the plugin has stopped, close() shuts it and waits for the calls still inside,
// so nothing reaches the plugin between its stop() and its destroy().
#include <atomic>
#include <thread>

namespace nats::plugins {

class CallGate {
public:
    // While a Pass is true the plugin may be called.
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
    // Refuses new calls and waits for the ones inside (they are short: plugin
    // callbacks must not block). Must not be called from inside a Pass.
    void close() {
        open_.store(false);
        while (calls_.load() != 0) std::this_thread::yield();
    }

private:
    bool enter() {
        calls_.fetch_add(1);
        if (open_.load()) return true;
        leave();
        return false;
    }
    void leave() { calls_.fetch_sub(1); }

    std::atomic<bool> open_{true};
    std::atomic<int> calls_{0};
};

}  // namespace nats::plugins
