#include "bus/api_queue.hpp"

namespace nmk::jetstream {

ApiQueue::Pushed ApiQueue::push(ApiRequest&& request) {
    const std::size_t bytes = request.bytes();
    std::lock_guard lock(mutex_);
    Pushed out;
    if (bytes_ + bytes > max_bytes_) {
        out.first_refusal = !refusing_;
        refusing_ = true;
        return out;
    }
    refusing_ = false;
    bytes_ += bytes;
    queue_.push_back(std::move(request));
    out.accepted = true;
    out.schedule_drain = !drain_scheduled_;
    drain_scheduled_ = true;
    return out;
}

std::deque<ApiRequest> ApiQueue::take() {
    std::lock_guard lock(mutex_);
    std::deque<ApiRequest> out;
    if (queue_.empty()) {
        drain_scheduled_ = false;
        return out;
    }
    out.swap(queue_);
    bytes_ = 0;
    return out;
}

}  // namespace nmk::jetstream
