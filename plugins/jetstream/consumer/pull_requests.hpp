#pragma once
// A pull consumer's waiting requests (nats-server 2.9.10's waitQueue and
// nextReqFromMsg): each asks for up to `batch` messages, optionally bounded by bytes
// and a deadline, and is served in arrival order; one that still wants more after a
// message goes to the back, so concurrent pullers share the stream.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace nmk::jetstream {

struct PullRequest {
    std::string reply;            // where messages and statuses go
    std::int64_t batch = 1;       // messages still wanted
    std::int64_t delivered = 0;   // messages sent so far
    std::int64_t max_bytes = 0;   // bytes still allowed (0: no limit)
    std::int64_t expires_ns = 0;  // absolute (unix ns); 0: never
    std::int64_t received_ns = 0;
    std::int64_t heartbeat_ns = 0;       // idle heartbeat interval (0: none)
    std::int64_t next_heartbeat_ns = 0;  // absolute
    bool no_wait = false;
};

// The body of a CONSUMER.MSG.NEXT request: empty (batch 1), a number (batch), or
// JSApiConsumerGetNextRequest JSON. The error is the text after "Bad Request - ".
std::variant<PullRequest, std::string> parse_pull_request(std::string_view body, std::int64_t now_ns);

class PullQueue {
public:
    explicit PullQueue(std::size_t max) : max_(max) {}

    bool full() const noexcept { return requests_.size() >= max_; }
    bool empty() const noexcept { return requests_.empty(); }
    std::size_t size() const noexcept { return requests_.size(); }
    // False when full (the caller answers 409 Exceeded MaxWaiting).
    bool add(PullRequest request);

    PullRequest* front() { return requests_.empty() ? nullptr : &requests_.front(); }
    // Counts one delivery to the front request: done ones leave, others go to the back.
    void served_front();
    void drop_front() { requests_.pop_front(); }

    // Visits every request; `keep(request)` false removes it.
    template <class Fn>
    void filter(Fn&& keep) {
        for (auto it = requests_.begin(); it != requests_.end();) {
            if (keep(*it)) ++it;
            else it = requests_.erase(it);
        }
    }
    const std::deque<PullRequest>& requests() const noexcept { return requests_; }
    // Messages all waiting requests still want.
    std::int64_t wanted() const;

    std::int64_t last_activity_ns = 0;  // when a request last arrived (inactive threshold)

private:
    std::size_t max_;
    std::deque<PullRequest> requests_;
};

// Status messages (header-only) a pull requester or push subscriber receives.
namespace status {
std::string no_messages();                                      // 404 No Messages
std::string request_timeout(std::int64_t msgs, std::int64_t bytes);  // 408 Request Timeout + pending
std::string requests_pending();                                 // 408 Requests Pending
std::string max_bytes_exceeded(std::int64_t msgs, std::int64_t bytes);
std::string text(int code, std::string_view description);       // NATS/1.0 <code> <description>
std::string idle_heartbeat(std::uint64_t last_consumer, std::uint64_t last_stream, std::string_view stalled);
std::string flow_control();
}  // namespace status

}  // namespace nmk::jetstream
