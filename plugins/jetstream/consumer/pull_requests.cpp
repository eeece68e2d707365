#include "consumer/pull_requests.hpp"

#include "consumer/consumer_text.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "api/go_decode.hpp"

namespace nmk::jetstream {

std::variant<PullRequest, std::string> parse_pull_request(std::string_view body, std::int64_t now_ns) {
    PullRequest r;
    r.received_ns = now_ns;
    const std::string_view req = trim_space(body);
    if (req.empty()) return r;
    if (req.front() == '{') {
        std::int64_t expires = 0;
        try {
            const auto doc = nlohmann::ordered_json::parse(req);
            go_decode::members(doc, "request", [&](std::string_view key, const nlohmann::ordered_json& v) {
                if (key == "expires") expires = go_decode::signed_int(v, key);
                else if (key == "batch") r.batch = go_decode::signed_int(v, key);
                else if (key == "max_bytes") r.max_bytes = go_decode::signed_int(v, key);
                else if (key == "no_wait") r.no_wait = go_decode::boolean(v, key);
                else if (key == "idle_heartbeat") r.heartbeat_ns = go_decode::signed_int(v, key);
            });
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        // A JSON request without "batch" asks for 0 messages in Go; nats-server then
        // treats it as done at once. Keep its number as given.
        if (r.heartbeat_ns > 0) {
            if (r.heartbeat_ns * 2 > expires) return std::string("heartbeat value too large");
            r.next_heartbeat_ns = now_ns + r.heartbeat_ns;
        }
        if (expires != 0) r.expires_ns = now_ns + expires;
        return r;
    }
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(req.data(), req.data() + req.size(), n);
    if (ec == std::errc() && end == req.data() + req.size()) r.batch = n;
    return r;
}

bool PullQueue::add(PullRequest request) {
    if (full()) return false;
    last_activity_ns = request.received_ns;
    requests_.push_back(std::move(request));
    return true;
}

void PullQueue::served_front() {
    PullRequest r = std::move(requests_.front());
    requests_.pop_front();
    ++r.delivered;
    --r.batch;
    if (r.batch > 0) requests_.push_back(std::move(r));
}

std::int64_t PullQueue::wanted() const {
    std::int64_t n = 0;
    for (const auto& r : requests_) n += r.batch;
    return n;
}

namespace status {

std::string no_messages() { return "NATS/1.0 404 No Messages\r\n\r\n"; }

std::string request_timeout(std::int64_t msgs, std::int64_t bytes) {
    return "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: " + std::to_string(msgs) +
           "\r\nNats-Pending-Bytes: " + std::to_string(bytes) + "\r\n\r\n";
}

std::string requests_pending() { return "NATS/1.0 408 Requests Pending\r\n\r\n"; }

std::string max_bytes_exceeded(std::int64_t msgs, std::int64_t bytes) {
    return "NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: " + std::to_string(msgs) +
           "\r\nNats-Pending-Bytes: " + std::to_string(bytes) + "\r\n\r\n";
}

std::string text(int code, std::string_view description) {
    return "NATS/1.0 " + std::to_string(code) + " " + std::string(description) + "\r\n\r\n";
}

std::string idle_heartbeat(std::uint64_t last_consumer, std::uint64_t last_stream, std::string_view stalled) {
    std::string h = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: " + std::to_string(last_consumer) +
                    "\r\nNats-Last-Stream: " + std::to_string(last_stream) + "\r\n";
    if (!stalled.empty()) h += "Nats-Consumer-Stalled: " + std::string(stalled) + "\r\n";
    return h + "\r\n";
}

std::string flow_control() { return "NATS/1.0 100 FlowControl Request\r\n\r\n"; }

}  // namespace status

}  // namespace nmk::jetstream
