#pragma once
// A subscription as an RAII handle: destroying it unsubscribes.

#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/detail/registration.hpp"
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

class Subscription : public detail::registration<&nmk_host_api::unsubscribe> {
public:
    using registration::registration;

    // Safe to call from inside this subscription's own callback.
    void unsubscribe() noexcept { release(); }
};

}  // namespace nats_sdk
