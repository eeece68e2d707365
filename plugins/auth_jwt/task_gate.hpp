#pragma once
// Keeps blocking tasks (resolver fetches, claim updates) from running into a
// stopped plugin: a task enters the gate before it touches plugin state and
// leaves when done; close() refuses new entries and waits for those inside. The
// kernel drops tasks still queued at stop(), but one already running would go on.
#include <condition_variable>
#include <mutex>

namespace nats::auth_jwt {

class TaskGate {
public:
    // False once closed: the task must return without touching anything.
    bool enter() {
        std::lock_guard lock(mutex_);
        if (closed_) return false;
        ++inside_;
        return true;
    }
    void leave() {
        std::lock_guard lock(mutex_);
        if (--inside_ == 0) idle_.notify_all();
    }
    void close() {
        std::unique_lock lock(mutex_);
        closed_ = true;
        idle_.wait(lock, [this] { return inside_ == 0; });
    }

    // enter() ... leave() as a scope; check `entered`.
    class Pass {
    public:
        explicit Pass(TaskGate& gate) : gate_(gate), entered(gate.enter()) {}
        ~Pass() {
            if (entered) gate_.leave();
        }
        Pass(const Pass&) = delete;
        Pass& operator=(const Pass&) = delete;

    private:
        TaskGate& gate_;

    public:
        const bool entered;
    };

private:
    std::mutex mutex_;
    std::condition_variable idle_;
    int inside_ = 0;
    bool closed_ = false;
};

}  // namespace nats::auth_jwt
