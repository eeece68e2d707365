#include "bus/outbox.hpp"

#include <iterator>
#include <utility>

namespace nmk::jetstream {

namespace {
thread_local std::vector<OutMessage> spare_list;
thread_local std::vector<std::string> spare_payloads;

constexpr std::size_t keep_list_capacity_at_most = 4096;
constexpr std::size_t reuse_payload_from = 16u << 10;
constexpr std::size_t reuse_payload_up_to = 1u << 20;
constexpr std::size_t payloads_kept_at_most = 8;

void keep_payload_buffer(std::string& payload) {
    const std::size_t c = payload.capacity();
    if (c < reuse_payload_from || c > reuse_payload_up_to || spare_payloads.size() >= payloads_kept_at_most) return;
    spare_payloads.push_back(std::move(payload));
}
}  // namespace

std::vector<OutMessage> take_spare_list() { return std::exchange(spare_list, {}); }

void recycle_list(std::vector<OutMessage>& list) {
    for (auto& m : list) keep_payload_buffer(m.payload);
    list.clear();
    if (list.capacity() > spare_list.capacity() && list.capacity() <= keep_list_capacity_at_most) spare_list.swap(list);
}

std::string copy_payload(std::string_view payload) {
    if (payload.size() < reuse_payload_from || spare_payloads.empty()) return std::string(payload);
    std::string out = std::move(spare_payloads.back());
    spare_payloads.pop_back();
    out.assign(payload);
    return out;
}

void Outbox::queue(std::vector<OutMessage>&& batch) {
    std::lock_guard lock(mutex_);
    if (box_.empty()) box_ = std::move(batch);
    else box_.insert(box_.end(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
}

}  // namespace nmk::jetstream
