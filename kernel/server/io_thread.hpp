#pragma once
// One event-loop thread. Every connection is pinned to one IoThread for its whole
// life, so a connection's socket, parser and subscriptions are touched by one
// thread only; other threads reach it only through its OutboundBuffer (under a
// mutex) and by posting work to this thread's io_context.
#include <asio.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <unordered_set>
#include <vector>

#include "kernel/routing/sublist.hpp"

namespace nats::server {

class Client;
using ClientPtr = std::shared_ptr<Client>;

// Counters kept per thread and summed on demand (no shared cache line per message).
struct ThreadStats {
    std::atomic<std::uint64_t> in_msgs{0}, in_bytes{0}, out_msgs{0}, out_bytes{0};
    std::atomic<std::uint64_t> slow_consumers{0};
};

class IoThread {
public:
    IoThread(unsigned index);
    ~IoThread();

    unsigned index() const { return index_; }
    asio::io_context& context() { return context_; }
    ThreadStats& stats() { return stats_; }
    routing::ThreadMatchCache& match_cache() { return match_cache_; }

    // The IoThread running the calling thread, null elsewhere.
    static IoThread* current();

    // `poll_window`: how long the loop polls before it sleeps (poll_loop.hpp; 0: never).
    void start(std::chrono::milliseconds tick, std::chrono::microseconds poll_window);
    void stop();   // stops the loop and joins; pending handlers are dropped
    bool in_this_thread() const { return std::this_thread::get_id() == thread_id_; }

    // The shared read buffer: plain connections drain their socket into it and
    // keep only a split tail, so idle connections hold no read buffer.
    std::vector<char>& read_buffer() { return read_buffer_; }

    // Buffers for one plain connection's writev of its outbound blocks, shared like
    // the read buffer (a plain write completes or gives up within one call). Asio
    // passes at most 64 to the kernel.
    static constexpr std::size_t max_write_buffers = 64;
    std::array<asio::const_buffer, max_write_buffers>& write_buffers() { return write_buffers_; }

    // Owner-thread registry of this thread's connections, visited by the tick.
    void add_client(ClientPtr c) { clients_.insert(std::move(c)); }
    void remove_client(const ClientPtr& c) { clients_.erase(c); }
    const std::unordered_set<ClientPtr>& clients() const { return clients_; }

    // Delivery batching: while a read batch is processed, each subscriber that
    // received data is noted once; at the end of the batch it is flushed
    // directly (same thread) or woken once (other thread).
    std::uint64_t batch_token() const { return batch_token_; }
    void note_dirty(const ClientPtr& c) { dirty_.push_back(c); }
    void end_batch();

    // The time of the current batch in steady-clock nanoseconds, for activity
    // stamps (monitoring): the clock is read at most once per batch, never per
    // message. A reader that has just read the clock hands it over instead.
    std::int64_t batch_clock() {
        if (clock_token_ != batch_token_) set_batch_clock(std::chrono::steady_clock::now());
        return clock_ns_;
    }
    void set_batch_clock(std::chrono::steady_clock::time_point t) {
        clock_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
        clock_token_ = batch_token_;
    }

    // How deeply routing is nested on this thread: an internal subscriber that
    // publishes from its callback routes again inside the outer fan-out. Nested
    // routing must not use match_cache() (the outer loop holds its result) and
    // is bounded, so a plugin answering its own subject cannot recurse forever.
    int routing_depth() const { return routing_depth_; }
    struct RoutingScope {
        explicit RoutingScope(IoThread& t) : thread(t) { ++thread.routing_depth_; }
        ~RoutingScope() { --thread.routing_depth_; }
        RoutingScope(const RoutingScope&) = delete;
        RoutingScope& operator=(const RoutingScope&) = delete;
        IoThread& thread;
    };

    // Messages other threads handed to this thread for routing (Server::publish
    // from a plugin's own thread or a link) wait in its io_context. Their bytes
    // are counted so a plugin that publishes faster than the thread routes gets
    // refused instead of growing the queue without bound (Server::handoff_limit).
    // Any thread: true when `bytes` fit under `limit` and are now counted.
    bool reserve_handoff(std::size_t bytes, std::size_t limit);
    // This thread, once the handed-off messages are routed.
    void release_handoff(std::size_t bytes) { handoff_bytes_.fetch_sub(bytes, std::memory_order_relaxed); }
    std::size_t handoff_bytes() const { return handoff_bytes_.load(std::memory_order_relaxed); }

private:
    void schedule_tick();

    unsigned index_;
    asio::io_context context_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::thread thread_;
    std::thread::id thread_id_;
    ThreadStats stats_;
    routing::ThreadMatchCache match_cache_;
    std::vector<char> read_buffer_;
    std::array<asio::const_buffer, max_write_buffers> write_buffers_;
    std::unordered_set<ClientPtr> clients_;
    std::vector<ClientPtr> dirty_;
    std::uint64_t batch_token_;
    std::uint64_t clock_token_ = 0;  // the batch clock_ns_ was read in
    std::int64_t clock_ns_ = 0;
    int routing_depth_ = 0;
    std::atomic<std::size_t> handoff_bytes_{0};
    std::atomic<bool> handoff_full_{false};  // refusing: logged once until a hand-off fits again
    asio::steady_timer tick_timer_;
    std::chrono::milliseconds tick_interval_{100};
};

}  // namespace nats::server
