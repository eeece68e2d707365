#pragma once
// A subscription as an RAII handle: destroying it unsubscribes.

#include <cstdint>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/message.hpp"

namespace nats_sdk {

namespace detail {

template <class Fn>
struct message_box final : box_base {
    message_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}

    static void call(void* user, const nmk_message* raw) noexcept {
        auto* self = static_cast<message_box*>(user);
        call_in_frame(self, "message callback", [&] { self->fn(Message(*raw)); });
    }

    Fn fn;
};

}  // namespace detail

class Subscription {
public:
    Subscription() noexcept = default;
    // Takes ownership of `box`, already registered with the kernel under `id`.
    Subscription(const nmk_host_api* api, std::uint64_t id, detail::box_base* box) noexcept
        : api_(api), id_(id), box_(box) {}
    Subscription(Subscription&& other) noexcept
        : api_(std::exchange(other.api_, nullptr)), id_(std::exchange(other.id_, 0)),
          box_(std::exchange(other.box_, nullptr)) {}
    Subscription& operator=(Subscription&& other) noexcept {
        if (this != &other) {
            unsubscribe();
            api_ = std::exchange(other.api_, nullptr);
            id_ = std::exchange(other.id_, 0);
            box_ = std::exchange(other.box_, nullptr);
        }
        return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { unsubscribe(); }

    // Safe to call from inside this subscription's own callback.
    void unsubscribe() noexcept {
        if (box_ == nullptr) {
            return;
        }
        api_->unsubscribe(api_->host, id_);
        detail::release_box(std::exchange(box_, nullptr));
        id_ = 0;
    }

    bool active() const noexcept { return box_ != nullptr; }
    std::uint64_t id() const noexcept { return id_; }

private:
    const nmk_host_api* api_ = nullptr;
    std::uint64_t id_ = 0;
    detail::box_base* box_ = nullptr;
};

}  // namespace nats_sdk
