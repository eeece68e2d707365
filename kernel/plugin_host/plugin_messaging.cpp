#include "kernel/plugin_host/plugin_messaging.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"
#include "kernel/plugin_host/plugin_host.hpp"
#include "kernel/server/importing_subscription.hpp"
#include <nats_sdk/subject.hpp>

namespace nats::plugins {

namespace {

constexpr std::uint32_t known_publish_flags = NMK_PUBLISH_NO_ECHO | NMK_PUBLISH_NO_OVERFLOW;

// A subscribe_ex subscription: delivery is a direct virtual call (no
// std::function), and the callback learns which client published.
class PluginSubscription final : public server::ImportingSubscription,
                                 public std::enable_shared_from_this<PluginSubscription> {
public:
    PluginSubscription(std::shared_ptr<CallGate> plugin_gate, nmk_message_ex_callback callback, void* user,
                       nmk_account_handle handle, std::string account, const std::string& plugin)
        : plugin_gate_(std::move(plugin_gate)), callback_(callback), user_(user), handle_(handle),
          account_(std::move(account)), plugin_(plugin) {}

    bool deliver(const server::RoutedMessage& m, server::IoThread&, server::Client* publisher) override {
        CallGate::Pass pass(*plugin_gate_);
        if (!pass) return false;
        CallGate::Pass own(gate);
        if (!own) return false;
        const nmk_message_ex message{sizeof(nmk_message_ex), handle_,           to_nmk(account_),
                                     to_nmk(m.subject),      to_nmk(m.reply),   to_nmk(m.headers),
                                     to_nmk(m.payload),      publisher ? publisher->id() : 0};
        try {
            callback_(user_, &message);
        } catch (...) {
            NMK_ERROR("{}: message callback threw an exception", plugin_);
        }
        return true;
    }

    std::shared_ptr<server::ServerSubscription> shared_self() const override {
        return std::const_pointer_cast<PluginSubscription>(shared_from_this());
    }

    CallGate gate;  // closed by unsubscribe: no callback after it returns

private:
    std::shared_ptr<CallGate> plugin_gate_;
    nmk_message_ex_callback callback_;
    void* user_;
    nmk_account_handle handle_;
    std::string account_;
    std::string plugin_;
};

bool valid_message(const nmk_message& m) {
    const std::string_view reply = view(m.reply);
    return nats_sdk::subject::is_valid_publish_subject(view(m.subject)) &&
           (reply.empty() || nats_sdk::subject::is_valid_publish_subject(reply));
}

server::RoutedMessage routed(const nmk_message& m) {
    return {view(m.subject), view(m.reply), view(m.headers), view(m.payload)};
}

}  // namespace

PluginMessaging::PluginMessaging(PluginHost& host, std::string plugin, std::shared_ptr<CallGate> plugin_gate,
                                 const void* origin)
    : host_(host), plugin_(std::move(plugin)), plugin_gate_(std::move(plugin_gate)), origin_(origin),
      handles_(host.server()),
      watches_(std::make_shared<PluginWatches>(host.server(), plugin_, plugin_gate_)) {}

PluginMessaging::~PluginMessaging() { release(); }

void PluginMessaging::release() {
    std::unordered_map<std::uint64_t, Subscription> subscriptions;
    {
        std::lock_guard lock(mutex_);
        if (released_.exchange(true)) return;
        subscriptions.swap(subscriptions_);
    }
    watches_->release();
    for (auto& [id, s] : subscriptions) {
        host_.server().remove_internal_subscription(s.account, s.subscription);
        static_cast<PluginSubscription&>(*s.subscription).gate.close();
    }
}

nmk_status PluginMessaging::account_handle(std::string_view name, nmk_account_handle* handle) {
    if (!handle) return NMK_INVALID_ARGUMENT;
    *handle = handles_.open(name);
    if (*handle == 0) {
        NMK_ERROR("{}: too many account handles", plugin_);
        return NMK_ERROR;
    }
    return NMK_OK;
}

nmk_status PluginMessaging::publish_ex(nmk_account_handle account, const nmk_message* message, std::uint32_t flags,
                                       nmk_publish_result* result) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc || !message || (flags & ~known_publish_flags) || !valid_message(*message)) return NMK_INVALID_ARGUMENT;
    if (result && result->struct_size < offsetof(nmk_publish_result, routed) + sizeof(result->routed))
        return NMK_INVALID_ARGUMENT;
    return publish_checked(*acc, routed(*message), flags, result);
}

nmk_status PluginMessaging::publish_deliver(nmk_account_handle account, std::string_view deliver_subject,
                                            const nmk_message* message, std::uint32_t flags,
                                            nmk_publish_result* result) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc || !message || (flags & ~known_publish_flags) || !valid_message(*message) ||
        !nats_sdk::subject::is_valid_publish_subject(deliver_subject))
        return NMK_INVALID_ARGUMENT;
    if (result && result->struct_size < offsetof(nmk_publish_result, routed) + sizeof(result->routed))
        return NMK_INVALID_ARGUMENT;
    server::RoutedMessage m = routed(*message);
    m.route_subject = deliver_subject;
    return publish_checked(*acc, m, flags, result);
}

nmk_status PluginMessaging::publish_checked(const server::AccountPtr& account, const server::RoutedMessage& message,
                                            std::uint32_t flags, nmk_publish_result* result) {
    if (!accepting()) return NMK_ERROR;
    const auto outcome = host_.server().publish_reported(account, message,
                                                         (flags & NMK_PUBLISH_NO_ECHO) ? origin_ : nullptr,
                                                         (flags & NMK_PUBLISH_NO_OVERFLOW) != 0);
    if (outcome.refused) return NMK_ERROR;  // the hand-off queue is full (Server::handoff_limit)
    if (result) {
        // Written member by member as far as the caller's struct reaches, so an
        // older, shorter struct is never overrun.
        nmk_publish_result full{};
        full.struct_size = result->struct_size;
        full.routed = outcome.routed ? 1 : 0;
        full.receivers = static_cast<std::uint32_t>(outcome.receivers);
        full.pressured = outcome.pressured;
        full.overflowed = outcome.overflowed;
        std::memcpy(result, &full, std::min<std::size_t>(result->struct_size, sizeof full));
    }
    return NMK_OK;
}

nmk_status PluginMessaging::publish_batch(nmk_account_handle account, const nmk_message* messages, std::size_t count,
                                          std::uint32_t flags) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc || (count && !messages) || (flags & ~known_publish_flags)) return NMK_INVALID_ARGUMENT;
    for (std::size_t i = 0; i < count; ++i)
        if (!valid_message(messages[i])) return NMK_INVALID_ARGUMENT;
    std::vector<server::RoutedMessage> batch;
    batch.reserve(count);
    for (std::size_t i = 0; i < count; ++i) batch.push_back(routed(messages[i]));
    return publish_batch_checked(*acc, batch, flags);
}

nmk_status PluginMessaging::publish_deliver_batch(nmk_account_handle account, const nmk_str* deliver_subjects,
                                                  const nmk_message* messages, std::size_t count,
                                                  std::uint32_t flags) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc || (count && (!messages || !deliver_subjects)) || (flags & ~known_publish_flags))
        return NMK_INVALID_ARGUMENT;
    std::vector<server::RoutedMessage> batch;
    batch.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view deliver_subject = view(deliver_subjects[i]);
        if (!valid_message(messages[i]) || !nats_sdk::subject::is_valid_publish_subject(deliver_subject))
            return NMK_INVALID_ARGUMENT;  // all or nothing
        batch.push_back(routed(messages[i]));
        batch.back().route_subject = deliver_subject;
    }
    return publish_batch_checked(*acc, batch, flags);
}

nmk_status PluginMessaging::publish_batch_checked(const server::AccountPtr& account,
                                                  std::span<const server::RoutedMessage> messages,
                                                  std::uint32_t flags) {
    if (!accepting()) return NMK_ERROR;
    if (messages.empty()) return NMK_OK;
    const bool queued = host_.server().publish_batch(account, messages, (flags & NMK_PUBLISH_NO_ECHO) ? origin_ : nullptr,
                                                     (flags & NMK_PUBLISH_NO_OVERFLOW) != 0);
    return queued ? NMK_OK : NMK_ERROR;  // refused: the hand-off queue is full (Server::handoff_limit)
}

nmk_status PluginMessaging::subscribe_ex(nmk_account_handle account, std::string_view subject, std::string_view queue,
                                         nmk_message_ex_callback callback, void* user,
                                         std::uint64_t* subscription_id) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc || !callback || !nats_sdk::subject::is_valid_subject(subject) ||
        (!queue.empty() && !nats_sdk::subject::is_valid_queue_name(queue)))
        return NMK_INVALID_ARGUMENT;
    auto sub = std::make_shared<PluginSubscription>(plugin_gate_, callback, user, account, (*acc)->name, plugin_);
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->origin = origin_;
    const auto id = host_.next_id();
    {
        std::lock_guard lock(mutex_);
        if (!accepting()) return NMK_ERROR;
        subscriptions_.emplace(id, Subscription{*acc, sub});
    }
    host_.server().add_internal_subscription(*acc, sub);
    if (subscription_id) *subscription_id = id;
    return NMK_OK;
}

nmk_status PluginMessaging::unsubscribe(std::uint64_t subscription_id) {
    Subscription s;
    {
        std::lock_guard lock(mutex_);
        auto it = subscriptions_.find(subscription_id);
        if (it == subscriptions_.end()) return NMK_NOT_FOUND;
        s = std::move(it->second);
        subscriptions_.erase(it);
    }
    host_.server().remove_internal_subscription(s.account, s.subscription);
    // Match results cached on other threads may still hold it: shut its gate.
    static_cast<PluginSubscription&>(*s.subscription).gate.close();
    return NMK_OK;
}

nmk_status PluginMessaging::has_interest(nmk_account_handle account, std::string_view subject, int* answer) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc || !answer || !nats_sdk::subject::is_valid_publish_subject(subject)) return NMK_INVALID_ARGUMENT;
    *answer = (*acc)->sublist.match(subject)->empty() ? 0 : 1;
    return NMK_OK;
}

nmk_status PluginMessaging::watch_interest(nmk_account_handle account, std::string_view subject,
                                           nmk_interest_callback callback, void* user, std::uint64_t* watch_id,
                                           int* active_now) {
    const server::AccountPtr* acc = handles_.find(account);
    if (!acc) return NMK_INVALID_ARGUMENT;
    if (!accepting()) return NMK_ERROR;
    const auto id = host_.next_id();
    const auto status = watches_->watch_interest(id, *acc, subject, callback, user, active_now);
    if (status == NMK_OK && watch_id) *watch_id = id;
    return status;
}

nmk_status PluginMessaging::watch_client(std::uint64_t client_id, nmk_client_gone_callback callback, void* user,
                                         std::uint64_t* watch_id) {
    if (!accepting()) return NMK_ERROR;
    const auto id = host_.next_id();
    const auto status = watches_->watch_client(id, client_id, callback, user);
    if (status == NMK_OK && watch_id) *watch_id = id;
    return status;
}

nmk_status PluginMessaging::close_client(std::uint64_t client_id, std::uint32_t reason, std::string_view error) {
    server::CloseReason why;
    switch (reason) {
        case NMK_CLOSE_AUTHENTICATION_VIOLATION: why = server::CloseReason::auth_violation; break;
        case NMK_CLOSE_AUTHENTICATION_EXPIRED: why = server::CloseReason::authentication_expired; break;
        case NMK_CLOSE_CREDENTIALS_REVOKED: why = server::CloseReason::credentials_revoked; break;
        case NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS: why = server::CloseReason::max_account_connections; break;
        case NMK_CLOSE_SERVER_SHUTDOWN: why = server::CloseReason::server_shutdown; break;
        default: return NMK_INVALID_ARGUMENT;
    }
    // The text goes inside -ERR '...': nothing that would end the line or the quote.
    if (error.find_first_of("\r\n'") != std::string_view::npos) return NMK_INVALID_ARGUMENT;
    return host_.server().close_client(client_id, why, error) ? NMK_OK : NMK_NOT_FOUND;
}

nmk_status PluginMessaging::watch_connections(nmk_connection_callback callback, void* user, std::uint64_t* watch_id,
                                              std::uint32_t flags) {
    if (!accepting()) return NMK_ERROR;
    const auto id = host_.next_id();
    const auto status = watches_->watch_connections(id, callback, user, flags);
    if (status == NMK_OK && watch_id) *watch_id = id;
    return status;
}

nmk_status PluginMessaging::unwatch(std::uint64_t watch_id) { return watches_->unwatch(watch_id); }

}  // namespace nats::plugins
