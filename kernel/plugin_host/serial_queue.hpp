#pragma once
// A plugin's SERIAL executor: tasks run one at a time, in the order they were
// posted, on one I/O thread (chosen when the queue is made), a batch of them
// per turn of that thread's loop so other work is not starved. Closing refuses
// new tasks and runs what is queued: if the I/O thread is not at it, the
// closing thread runs the rest itself, in order, so a close never waits for a
// loop that has stopped.
//
// Threads: post and close from any thread. `mutex_` is a leaf: tasks run
// without it.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "kernel/plugin_host/blocking_pool.hpp"  // Submitted
#include "kernel/server/io_thread.hpp"

namespace nats::plugins {

class SerialQueue : public std::enable_shared_from_this<SerialQueue> {
public:
    // `max_queued`: most tasks waiting to run (0: no bound), see post().
    explicit SerialQueue(server::IoThread& thread, std::size_t max_queued = 0)
        : thread_(thread), max_queued_(max_queued) {}
    SerialQueue(const SerialQueue&) = delete;
    SerialQueue& operator=(const SerialQueue&) = delete;

    // closed once closed; full when max_queued tasks already wait (not taken).
    Submitted post(std::function<void()> task);
    // Refuses new tasks, runs every queued one and returns when none is left
    // or running; from inside one of its own tasks it returns at once (the
    // rest runs after that task).
    void close();
    // Whether the calling thread is running one of this queue's tasks.
    bool running_here() const;

private:
    void run_batch();
    void schedule_locked();

    server::IoThread& thread_;
    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable idle_;
    std::deque<std::function<void()>> tasks_;
    bool scheduled_ = false;  // a run_batch is posted to thread_
    bool running_ = false;    // some thread is running a task
    bool closed_ = false;
};

}  // namespace nats::plugins
