#include "kernel/server/io_thread.hpp"

#include "kernel/log/logging.hpp"
#include "kernel/server/client.hpp"
#include "kernel/server/outbound_chunks.hpp"
#include "kernel/server/poll_loop.hpp"

namespace nats::server {

namespace {
constexpr std::size_t read_buffer_size = 64 * 1024;  // nats-server's maximum read size
thread_local IoThread* current_thread = nullptr;
}  // namespace

IoThread* IoThread::current() { return current_thread; }

IoThread::IoThread(unsigned index)
    : index_(index),
      // One thread per io_context: Asio skips scheduler locking for work posted
      // from the owning thread.
      context_(1),
      work_(asio::make_work_guard(context_)),
      read_buffer_(read_buffer_size),
      batch_token_((static_cast<std::uint64_t>(index) + 1) << 48),
      tick_timer_(context_) {}

IoThread::~IoThread() { stop(); }

void IoThread::start(std::chrono::milliseconds tick, std::chrono::microseconds poll_window) {
    tick_interval_ = tick;
    thread_ = std::thread([this, poll_window] {
        thread_id_ = std::this_thread::get_id();
        current_thread = this;
        schedule_tick();
        run_polling(context_, poll_window);
    });
}

void IoThread::stop() {
    if (!thread_.joinable()) return;
    work_.reset();
    context_.stop();
    thread_.join();
    // Break the client <-> subscription cycles of anything still registered.
    clients_.clear();
    dirty_.clear();
}

bool IoThread::reserve_handoff(std::size_t bytes, std::size_t limit) {
    // Optimistic add: two publishers racing for the last room may both be
    // refused, never both admitted past the limit.
    const std::size_t before = handoff_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    if (before + bytes <= limit) {
        if (handoff_full_.load(std::memory_order_relaxed) && handoff_full_.exchange(false, std::memory_order_relaxed))
            NMK_INFO("I/O thread {} takes publishes from other threads again", index_);
        return true;
    }
    handoff_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    if (!handoff_full_.exchange(true, std::memory_order_relaxed))
        NMK_WARN("I/O thread {} refuses {} bytes of publishes from other threads: {} bytes wait already, limit {}; "
                 "refused until it catches up",
                 index_, bytes, before, limit);
    return false;
}

void IoThread::schedule_tick() {
    tick_timer_.expires_after(tick_interval_);
    tick_timer_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;
        auto now = std::chrono::steady_clock::now();
        // on_tick may close a client, which removes it from clients_: iterate a copy.
        std::vector<ClientPtr> snapshot(clients_.begin(), clients_.end());
        for (auto& c : snapshot) c->on_tick(now);
        chunk_pool::trim_if_idle(now);
        end_batch();
        schedule_tick();
    });
}

void IoThread::end_batch() {
    // The token changes so the next batch marks subscribers afresh.
    ++batch_token_;
    if (dirty_.empty()) return;
    std::vector<ClientPtr> batch;
    batch.swap(dirty_);
    for (auto& c : batch) {
        if (&c->thread() == this) {
            c->flush();
        } else if (!c->flush_posted.exchange(true, std::memory_order_acq_rel)) {
            asio::post(c->thread().context(), [c] {
                c->flush_posted.store(false, std::memory_order_release);
                c->flush();
            });
        }
    }
    batch.clear();
    if (dirty_.empty()) dirty_.swap(batch);  // keep the capacity
}

}  // namespace nats::server
