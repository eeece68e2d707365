#pragma once
// A counter or gauge that the kernel's monitoring reads.

#include <cstdint>

#include "nats_sdk/abi.hpp"

namespace nats_sdk {

class Metric {
public:
    Metric() noexcept = default;
    Metric(const nmk_host_api* api, std::uint64_t id) noexcept : api_(api), id_(id) {}

    void add(std::int64_t delta) const noexcept {
        if (api_ != nullptr) {
            api_->metric_add(api_->host, id_, delta);
        }
    }
    void increment() const noexcept { add(1); }
    void set(std::int64_t value) const noexcept {
        if (api_ != nullptr) {
            api_->metric_set(api_->host, id_, value);
        }
    }
    std::uint64_t id() const noexcept { return id_; }
    explicit operator bool() const noexcept { return api_ != nullptr; }

private:
    const nmk_host_api* api_ = nullptr;
    std::uint64_t id_ = 0;
};

}  // namespace nats_sdk
