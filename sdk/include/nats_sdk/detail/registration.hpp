#pragma once
// The RAII core of Subscription and Timer: something registered with the kernel
// under an id, plus the callback box the kernel calls. Moving hands both over;
// release() (and the destructor) first takes the registration back from the
// kernel through `Remove`, then frees the box.

#include <cstdint>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"

namespace nats_sdk::detail {

// Remove: the host API member that undoes the registration, e.g. &nmk_host_api::unsubscribe.
template <auto Remove>
class registration {
public:
    registration() noexcept = default;
    // Takes ownership of `box`, already registered with the kernel under `id`.
    registration(const nmk_host_api* api, std::uint64_t id, box_base* box) noexcept : api_(api), id_(id), box_(box) {}
    registration(registration&& other) noexcept
        : api_(std::exchange(other.api_, nullptr)), id_(std::exchange(other.id_, 0)),
          box_(std::exchange(other.box_, nullptr)) {}
    registration& operator=(registration&& other) noexcept {
        if (this != &other) {
            release();
            api_ = std::exchange(other.api_, nullptr);
            id_ = std::exchange(other.id_, 0);
            box_ = std::exchange(other.box_, nullptr);
        }
        return *this;
    }
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
    ~registration() { release(); }

    bool active() const noexcept { return box_ != nullptr; }
    std::uint64_t id() const noexcept { return id_; }

protected:
    // Safe from inside the registration's own callback: the kernel's removal
    // does not wait for a callback running on the calling thread.
    void release() noexcept {
        if (box_ == nullptr) {
            return;
        }
        (api_->*Remove)(api_->host, id_);
        release_box(std::exchange(box_, nullptr));
        id_ = 0;
    }

private:
    const nmk_host_api* api_ = nullptr;
    std::uint64_t id_ = 0;
    box_base* box_ = nullptr;
};

}  // namespace nats_sdk::detail
