#pragma once
// SDK 1.1 messaging: account handles, publish with flags and a result, batch
// publish, subscriptions that learn the publishing client, and interest (ask
// whether a subject has subscribers, watch it appear and go).
//
//   nats_sdk::Messaging messaging(host());          // throws on a 1.0 kernel
//   auto account = messaging.account("ORDERS");     // look the name up once
//   auto sub = messaging.subscribe(account, "orders.>", [&](const nats_sdk::MessageEx& m) {
//       auto r = messaging.publish(account, {m.reply(), "+ACK"}, nats_sdk::publish_no_echo);
//       if (r.pressured) { /* a receiver is filling up: slow down */ }
//   });
//
// Threads: as Host's subscribe(); publish() from an I/O thread (a callback, a
// timer, a post) delivers before it returns and reports counts; elsewhere it queues.
//
// SDK 1.2 adds publish_deliver(): routed by one subject, shown under another, as
// JetStream hands a stream message to a consumer's deliver subject:
//
//   if (host().has(&nmk_host_api::publish_deliver)) {
//       messaging.publish_deliver(account, "_INBOX.abc", {"ORDERS.new", "body", ack_reply});
//   }   // a client subscribed to _INBOX.abc reads "MSG ORDERS.new <sid> <ack_reply> 4"

#include <concepts>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/detail/registration.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/message.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/subscription.hpp"
#include "nats_sdk/version.hpp"

namespace nats_sdk {

// An account looked up once (Messaging::account); cheap to copy.
struct AccountHandle {
    nmk_account_handle value = 0;
    explicit operator bool() const noexcept { return value != 0; }
};

// Publish flags, combined with |.
inline constexpr std::uint32_t publish_no_echo = NMK_PUBLISH_NO_ECHO;
inline constexpr std::uint32_t publish_no_overflow = NMK_PUBLISH_NO_OVERFLOW;

// One message of publish_deliver_batch(): routed by deliver_subject, shown as message.subject.
struct Delivery {
    std::string_view deliver_subject;
    OutMessage message;
};

struct PublishResult {
    bool routed = false;           // delivered during the call; the counts below are exact
    std::uint32_t receivers = 0;   // subscriptions that took it (a queue group counts once)
    std::uint32_t pressured = 0;   // receiving clients past half of their max_pending
    std::uint32_t overflowed = 0;  // clients skipped under publish_no_overflow
};

// OWNERSHIP: a view of the kernel's message, valid only during the callback.
class MessageEx {
public:
    explicit MessageEx(const nmk_message_ex& raw) noexcept : raw_(&raw) {}

    AccountHandle account_handle() const noexcept { return {raw_->account_handle}; }
    std::string_view account() const noexcept { return to_view(raw_->account); }
    std::string_view subject() const noexcept { return to_view(raw_->subject); }
    std::string_view reply() const noexcept { return to_view(raw_->reply); }
    std::string_view headers() const noexcept { return to_view(raw_->headers); }
    std::string_view payload() const noexcept { return to_view(raw_->payload); }
    // The publishing client's id; 0 when the server or a plugin published it.
    std::uint64_t client_id() const noexcept { return raw_->client_id; }
    const nmk_message_ex& raw() const noexcept { return *raw_; }

private:
    const nmk_message_ex* raw_;
};

// Any watch (interest, a client, connections): destroying it stops the watch.
class Watch : public detail::registration<&nmk_host_api::unwatch> {
public:
    using registration::registration;
    void stop() noexcept { release(); }
};

namespace detail {

template <class Fn>
struct message_ex_box final : box_base {
    message_ex_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}
    static void call(void* user, const nmk_message_ex* raw) noexcept {
        auto* self = static_cast<message_ex_box*>(user);
        call_in_frame(self, "message callback", [&] { self->fn(MessageEx(*raw)); });
    }
    Fn fn;
};

template <class Fn>
struct interest_box final : box_base {
    interest_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}
    static void call(void* user, std::uint64_t, int active) noexcept {
        auto* self = static_cast<interest_box*>(user);
        call_in_frame(self, "interest callback", [&] { self->fn(active != 0); });
    }
    Fn fn;
};

}  // namespace detail

class Messaging {
public:
    // Throws Error(NMK_UNSUPPORTED) when the kernel is older than SDK 1.1.
    explicit Messaging(const Host& host) : api_(&host.api()) {
        if (!host.has(&nmk_host_api::unwatch) || host.api().unwatch == nullptr) {
            throw Error("the kernel has no SDK 1.1 messaging calls", NMK_UNSUPPORTED);
        }
    }

    // "" is the global account "$G". Creates the account when it does not exist.
    AccountHandle account(std::string_view name) const {
        nmk_account_handle handle = 0;
        detail::check_status(api_->account_handle(api_->host, to_nmk(name), &handle), "account_handle");
        return {handle};
    }

    // message.account is ignored: `account` says where it goes.
    PublishResult publish(AccountHandle account, const OutMessage& message, std::uint32_t flags = 0) const {
        const nmk_message raw = message.raw();
        nmk_publish_result result{};
        result.struct_size = sizeof result;
        detail::check_status(api_->publish_ex(api_->host, account.value, &raw, flags, &result), "publish_ex");
        return {result.routed != 0, result.receivers, result.pressured, result.overflowed};
    }

    // In order, as one hand-off to an I/O thread when called from another thread.
    void publish_batch(AccountHandle account, std::span<const OutMessage> messages, std::uint32_t flags = 0) const {
        std::vector<nmk_message> raw;
        raw.reserve(messages.size());
        for (const auto& m : messages) {
            raw.push_back(m.raw());
        }
        detail::check_status(api_->publish_batch(api_->host, account.value, raw.data(), raw.size(), flags),
                             "publish_batch");
    }

    // SDK 1.2: matched against the account's subscriptions by `deliver_subject` (a
    // literal subject), while every receiver sees message.subject (abi.h's
    // publish_deliver). Flags, result and threads as publish(). Throws
    // Error(NMK_UNSUPPORTED) when the kernel is older than SDK 1.2.
    PublishResult publish_deliver(AccountHandle account, std::string_view deliver_subject, const OutMessage& message,
                                  std::uint32_t flags = 0) const {
        require_sdk12(&nmk_host_api::publish_deliver, "publish_deliver");
        const nmk_message raw = message.raw();
        nmk_publish_result result{};
        result.struct_size = sizeof result;
        detail::check_status(
            api_->publish_deliver(api_->host, account.value, to_nmk(deliver_subject), &raw, flags, &result),
            "publish_deliver");
        return {result.routed != 0, result.receivers, result.pressured, result.overflowed};
    }

    // SDK 1.2: publish_batch() of Delivery items, in order, one hand-off to an I/O
    // thread when called from another thread; nothing is published when one is invalid.
    void publish_deliver_batch(AccountHandle account, std::span<const Delivery> deliveries,
                               std::uint32_t flags = 0) const {
        require_sdk12(&nmk_host_api::publish_deliver_batch, "publish_deliver_batch");
        std::vector<nmk_str> subjects;
        std::vector<nmk_message> raw;
        subjects.reserve(deliveries.size());
        raw.reserve(deliveries.size());
        for (const auto& d : deliveries) {
            subjects.push_back(to_nmk(d.deliver_subject));
            raw.push_back(d.message.raw());
        }
        detail::check_status(api_->publish_deliver_batch(api_->host, account.value, subjects.data(), raw.data(),
                                                         raw.size(), flags),
                             "publish_deliver_batch");
    }

    // `callback(const MessageEx&)` runs on a kernel thread for each message.
    template <class Fn>
        requires std::invocable<Fn&, const MessageEx&>
    [[nodiscard]] Subscription subscribe(AccountHandle account, std::string_view subject, Fn&& callback,
                                         std::string_view queue = {}) const {
        using box_type = detail::message_ex_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        detail::check_status(api_->subscribe_ex(api_->host, account.value, to_nmk(subject), to_nmk(queue),
                                                &box_type::call, box.get(), &id),
                             "subscribe_ex");
        return Subscription(api_, id, box.release());
    }

    bool has_interest(AccountHandle account, std::string_view subject) const {
        int answer = 0;
        detail::check_status(api_->has_interest(api_->host, account.value, to_nmk(subject), &answer), "has_interest");
        return answer != 0;
    }

    // `callback(bool active)` each time the literal subject's first subscriber
    // appears and its last one goes; *active_now (optional) is the state at the start.
    template <class Fn>
        requires std::invocable<Fn&, bool>
    [[nodiscard]] Watch watch_interest(AccountHandle account, std::string_view subject, Fn&& callback,
                                       bool* active_now = nullptr) const {
        using box_type = detail::interest_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        int now = 0;
        detail::check_status(api_->watch_interest(api_->host, account.value, to_nmk(subject), &box_type::call,
                                                  box.get(), &id, &now),
                             "watch_interest");
        if (active_now != nullptr) {
            *active_now = now != 0;
        }
        return Watch(api_, id, box.release());
    }

private:
    template <class Member>
    void require_sdk12(Member nmk_host_api::*member, const char* call) const {
        if (!has_member(*api_, member)) {
            throw Error(std::string("the kernel has no SDK 1.2 call ") + call, NMK_UNSUPPORTED);
        }
    }

    const nmk_host_api* api_;
};

}  // namespace nats_sdk
