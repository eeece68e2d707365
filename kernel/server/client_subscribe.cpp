// Client, SUB and UNSUB: checks, the subscription limit, and the subject index.
// Owner thread; subs_ is still taken under subs_mutex_ because a deliverer may
// auto-unsubscribe and monitoring reads it.
#include "kernel/server/client.hpp"

#include <string>

#include <nats_sdk/subject.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/server/client_detail.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

using detail::no_limit;

bool Client::on_sub(std::string_view subject, std::string_view queue, std::string_view sid) {
    if (auth_pending_) {
        hold(HeldOp::Kind::sub, subject, queue, sid);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [SUB {}{}{} {}]", remote_ip_, remote_port_, id_, subject, queue.empty() ? "" : " ",
              queue, sid);
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    // nats-server refuses only what Sublist.Insert refuses (an empty token, a token after
    // '>'); the argument split already kept space, tab, CR and LF out, and the queue
    // name is not checked.
    if (!nats_sdk::subject::is_valid_subscribe_subject(subject)) {
        send_err("Invalid Subject");
        return true;
    }
    if (perms_ && !perms_->subscribe_allowed(subject, queue)) {
        subscribe_violation(subject, queue, sid);
        return true;
    }
    {
        std::lock_guard lock(subs_mutex_);
        if (subs_.count(std::string(sid))) {
            // nats-server ignores a SUB that reuses a live sid.
            send_ok();
            return true;
        }
        const std::int64_t max_subs = max_subscriptions();
        if (max_subs != no_limit && static_cast<std::int64_t>(subs_.size()) >= max_subs) {
            NMK_ERROR("{}:{} - cid:{} - Maximum Subscriptions Exceeded (max={})", remote_ip_, remote_port_, id_,
                      max_subs);
            send_err("maximum subscriptions exceeded");
            return true;
        }
    }
    batch_activity_ = true;
    auto sub = std::make_shared<ClientSubscription>();
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->sid.assign(sid);
    sub->client = shared_from_this();
    sub->origin = this;
    {
        std::lock_guard lock(subs_mutex_);
        subs_.emplace(sub->sid, sub);
    }
    // Before the first delivery can reach it.
    if (perms_ && perms_->needs_delivery_filter(subject)) enable_delivery_filter();
    account_->sublist.insert(sub);
    server_.notify_interest(*account_, *sub, true);
    send_ok();
    return true;
}

bool Client::on_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs) {
    if (auth_pending_) {
        hold(HeldOp::Kind::unsub, sid, {}, {}, 0, max_msgs);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [UNSUB {}{}]", remote_ip_, remote_port_, id_, sid,
              max_msgs ? " " + std::to_string(*max_msgs) : std::string());
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    std::shared_ptr<ClientSubscription> sub;
    {
        std::lock_guard lock(subs_mutex_);
        auto it = subs_.find(std::string(sid));
        if (it != subs_.end()) {
            sub = it->second;
            bool keep = false;
            if (max_msgs && *max_msgs > 0) {
                std::lock_guard out_lock(out_.mutex);
                keep = sub->delivered.load(std::memory_order_relaxed) < *max_msgs;
                if (keep) sub->max_msgs.store(*max_msgs, std::memory_order_relaxed);
            }
            if (keep) sub.reset();  // removed by the delivery that reaches max
            else subs_.erase(it);
        }
    }
    if (sub && account_->sublist.remove(sub.get())) server_.notify_interest(*account_, *sub, false);
    send_ok();
    return true;
}

}  // namespace nats::server
