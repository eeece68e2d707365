// Client, enforcing an admitted client's permissions: publish and subscribe checks
// with nats-server's -ERRs, the delivery filter and reply permits, and dropping what a
// reload forbids. Owner thread, except delivery_admits_locked (a deliverer, under out_.mutex).
#include "kernel/server/client.hpp"

#include <algorithm>
#include <utility>

#include <nats_sdk/go_quote.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/server/client_detail.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

using detail::steady;

// fmt's %q, as nats-server quotes subjects and users in permission errors and their logs.
using nats_sdk::go_quote;

void Client::set_permissions(std::unique_ptr<Permissions> perms) {
    perms_ = std::move(perms);
    std::unique_ptr<DeliveryRules> rules;
    if (perms_ && perms_->responses()) {
        rules = std::make_unique<DeliveryRules>();
        rules->replies = std::make_unique<ReplyPermits>(*perms_->responses());
    }
    bool filter = false;
    if (perms_) {
        std::lock_guard lock(subs_mutex_);
        for (const auto& [sid, sub] : subs_) {
            if (perms_->needs_delivery_filter(sub->subject)) {
                filter = true;
                break;
            }
        }
    }
    if (filter) {
        if (!rules) rules = std::make_unique<DeliveryRules>();
        rules->filter = perms_;
    }
    std::lock_guard lock(out_.mutex);
    delivery_rules_.swap(rules);
}

void Client::enable_delivery_filter() {
    std::lock_guard lock(out_.mutex);
    if (!delivery_rules_) delivery_rules_ = std::make_unique<DeliveryRules>();
    delivery_rules_->filter = perms_;
}

// Under out_.mutex: nats-server checks subscribe deny entries on delivery
// (a wildcard subscription may reach them) and notes reply subjects the
// client may answer. `checked` is the subject shown, except for a queue
// subscriber of a deliver-subject publish, where it is the deliver subject:
// nats-server's processMsgResults hands deliverMsg the shown subject for plain
// subscriptions and the matched one for queue members.
bool Client::delivery_admits_locked(const RoutedMessage& message, std::string_view checked) {
    if (delivery_rules_->filter && delivery_rules_->filter->delivery_denied(checked)) return false;
    if (delivery_rules_->replies && !message.reply.empty())
        delivery_rules_->replies->grant(message.reply, steady::now());
    return true;
}

bool Client::publish_permitted(std::string_view subject) {
    if (!perms_->publish_restricted() || perms_->publish_allowed(subject)) return true;
    if (!perms_->responses()) return false;
    std::lock_guard lock(out_.mutex);
    return delivery_rules_ && delivery_rules_->replies && delivery_rules_->replies->use(subject, steady::now());
}

void Client::publish_violation(std::string_view subject) {
    send_err("Permissions Violation for Publish to " + go_quote(subject));
    NMK_ERROR("{}:{} - cid:{} - Publish Violation - User {}, Subject {}", remote_ip_, remote_port_, id_,
              go_quote(log_user()), go_quote(subject));
}

// Violation logs name the user as nats-server does: "N/A" without one.
std::string_view Client::log_user() const { return user_.empty() ? std::string_view("N/A") : user_; }

// Replies the server itself routes by (service imports, JetStream acks, gateway
// replies): a client may not forge them.
bool Client::is_reserved_reply(std::string_view reply) {
    return reply.starts_with("_R_.") || reply.starts_with("$JS.ACK.") || reply.starts_with("_GR_.");
}

void Client::reply_violation(std::string_view reply) {
    send_err("Permissions Violation for Publish with Reply of " + go_quote(reply));
    NMK_ERROR("{}:{} - cid:{} - Publish Violation - User {}, Reply {}", remote_ip_, remote_port_, id_,
              go_quote(log_user()), go_quote(reply));
}

void Client::subscribe_violation(std::string_view subject, std::string_view queue, std::string_view sid) {
    std::string text = "Permissions Violation for Subscription to " + go_quote(subject);
    if (!queue.empty()) text += " using queue " + go_quote(queue);
    send_err(text);
    // The SID is not quoted there (%s): the log formatter escapes any control byte in it.
    NMK_ERROR("{}:{} - cid:{} - Subscription Violation - User {}, Subject {}{}{}, SID {}", remote_ip_, remote_port_,
              id_, go_quote(log_user()), go_quote(subject), queue.empty() ? "" : ", Queue: ",
              queue.empty() ? std::string() : go_quote(queue), sid);
}

// After new permissions: subscriptions they no longer allow go, each with an
// -ERR naming its sid, as nats-server does on reload.
void Client::drop_forbidden_subscriptions() {
    if (!perms_) return;
    std::vector<std::shared_ptr<ClientSubscription>> removed;
    {
        std::lock_guard lock(subs_mutex_);
        for (auto it = subs_.begin(); it != subs_.end();) {
            const ClientSubscription& sub = *it->second;
            const bool keep = perms_->subscribe_allowed(sub.subject) ||
                              (!sub.queue.empty() && perms_->subscribe_allowed(sub.subject, sub.queue));
            if (keep) {
                ++it;
                continue;
            }
            removed.push_back(it->second);
            it = subs_.erase(it);
        }
    }
    if (removed.empty()) return;
    // In sid order (numeric sids by value), so the -ERRs come in a stable order.
    std::sort(removed.begin(), removed.end(), [](const auto& a, const auto& b) {
        return std::pair(a->sid.size(), std::string_view(a->sid)) < std::pair(b->sid.size(), std::string_view(b->sid));
    });
    std::vector<const routing::Subscription*> batch;
    batch.reserve(removed.size());
    for (const auto& sub : removed) batch.push_back(sub.get());
    account_->sublist.remove_batch(batch);
    for (const auto& sub : removed) {
        server_.notify_interest(*account_, *sub, false);
        send_err("Permissions Violation for Subscription to " + go_quote(sub->subject) + " (sid " + go_quote(sub->sid) +
                 ")");
        NMK_INFO("Removed sub {} (sid {}) for User {} - not authorized", go_quote(sub->subject), go_quote(sub->sid),
                 go_quote(log_user()));
    }
}

}  // namespace nats::server
