// What the jetstream plugin publishes on behalf of JetStreamCore, and the order it
// leaves in. The core publishes while a thread holds it (acks, deliveries, API
// answers); those messages are collected and sent once the core is released,
// because a delivery can come back into JetStream on the same thread. On the I/O
// threads they pass through the Outbox, which one thread at a time empties in the
// order the core produced them, so a consumer's messages never overtake each other.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nmk::jetstream {

struct OutMessage {
    std::string account, subject, headers, payload;
    std::string deliver_subject;  // routed here, shown as `subject` (empty: route by subject)
    std::string reply;
    // Whether this plugin's own subscriptions receive it too (deliveries, API answers,
    // a mirror's requests): never for what a store's sync thread sends (acks,
    // republished copies), whose receivers could be waiting for the core it waits on.
    bool echo = false;
};

// Per-thread reuse, because a fresh heap block per batch was measurable: an emptied
// list keeps its capacity for the next turn on this thread (a new one per batch of
// acks made glibc consolidate its fast bins every time), and large payload copies
// (an Object Store chunk is 128 KiB) reuse the buffers of sent deliveries (fresh
// blocks that size came from newly faulted pages, a tenth of the server's CPU on an
// object get). At most 8 buffers of 16 KiB..1 MiB are kept per thread.
std::vector<OutMessage> take_spare_list();
void recycle_list(std::vector<OutMessage>& list);  // empties `list`, keeping what can be reused
std::string copy_payload(std::string_view payload);

class Outbox {
public:
    // Appends `batch` in order (call with the core still held, so the order is the core's).
    void queue(std::vector<OutMessage>&& batch);

    // Sends everything queued with `send`, in order, until the box is empty. A thread
    // that finds another one sending returns at once: that one sends these too.
    template <class Send>
    void drain(Send&& send) {
        for (;;) {
            std::vector<OutMessage> batch;
            {
                std::lock_guard lock(mutex_);
                if (box_.empty() || sending_) return;
                sending_ = true;
                batch.swap(box_);
            }
            for (const auto& m : batch) send(m);
            recycle_list(batch);
            std::lock_guard lock(mutex_);
            sending_ = false;
        }
    }

private:
    std::mutex mutex_;
    std::vector<OutMessage> box_;
    bool sending_ = false;
};

}  // namespace nmk::jetstream
