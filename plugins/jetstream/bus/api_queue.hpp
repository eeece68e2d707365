// JetStream API requests waiting for the plugin's worker thread. Handling one may
// take long (creating a stream writes and syncs files), so the subscription
// callback copies the request here and the worker handles the queue in arrival
// order. The queue is bounded in bytes so that a flood cannot grow memory without
// limit: past the bound a request is dropped unanswered (its sender's own timeout
// tells it, as when nats-server is too busy to answer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace nmk::jetstream {

struct ApiRequest {
    std::uint64_t client_id = 0;
    std::string account;
    std::string subject;
    std::string reply;
    std::string headers;
    std::string payload;

    // What it counts against the bound: its text and a fixed overhead.
    std::size_t bytes() const { return subject.size() + reply.size() + headers.size() + payload.size() + 64; }
};

class ApiQueue {
public:
    explicit ApiQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    struct Pushed {
        bool accepted = false;
        bool schedule_drain = false;  // the queue was idle: the caller posts one drain
        bool first_refusal = false;   // the first refusal since the last accepted request: log it
    };
    Pushed push(ApiRequest&& request);

    // Everything queued, in order. Empty when nothing was: the queue is then idle,
    // and the next push asks for a drain again.
    std::deque<ApiRequest> take();

private:
    const std::size_t max_bytes_;
    std::mutex mutex_;
    std::deque<ApiRequest> queue_;
    std::size_t bytes_ = 0;
    bool drain_scheduled_ = false;
    bool refusing_ = false;
};

}  // namespace nmk::jetstream
