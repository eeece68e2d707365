#include "kernel/plugin_host/serial_queue.hpp"

#include <asio/post.hpp>

namespace nats::plugins {

namespace {

// Tasks per turn of the I/O thread's loop before it lets other work in.
constexpr int batch_size = 64;

thread_local const SerialQueue* current_queue = nullptr;

// Marks the calling thread as inside `queue` for the duration of a task.
struct Inside {
    explicit Inside(const SerialQueue* queue) : outer(current_queue) { current_queue = queue; }
    ~Inside() { current_queue = outer; }
    const SerialQueue* outer;
};

}  // namespace

bool SerialQueue::running_here() const { return current_queue == this; }

Submitted SerialQueue::post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    if (closed_) return Submitted::closed;
    if (max_queued_ != 0 && tasks_.size() >= max_queued_) return Submitted::full;
    tasks_.push_back(std::move(task));
    schedule_locked();
    return Submitted::queued;
}

void SerialQueue::schedule_locked() {
    if (scheduled_ || running_) return;
    scheduled_ = true;
    asio::post(thread_.context(), [self = shared_from_this()] { self->run_batch(); });
}

void SerialQueue::run_batch() {
    for (int done = 0; done < batch_size; ++done) {
        std::function<void()> task;
        {
            std::lock_guard lock(mutex_);
            if (done == 0) scheduled_ = false;
            // A closing thread is draining the queue itself.
            if (running_ || tasks_.empty()) break;
            running_ = true;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        {
            Inside inside(this);
            task();
        }
        std::lock_guard lock(mutex_);
        running_ = false;
        idle_.notify_all();
    }
    {
        std::lock_guard lock(mutex_);
        if (!tasks_.empty()) schedule_locked();
    }
    thread_.end_batch();  // what the tasks published goes out
}

void SerialQueue::close() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    if (running_here()) return;
    for (;;) {
        idle_.wait(lock, [this] { return !running_; });
        if (tasks_.empty()) return;
        running_ = true;
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        {
            Inside inside(this);
            task();
        }
        lock.lock();
        running_ = false;
        idle_.notify_all();
    }
}

}  // namespace nats::plugins
