#include "kernel/plugin_host/link_adapter.hpp"

#include <nats_sdk/subject.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"

namespace nats::plugins {

// A deliver-subject message (RoutedMessage::rerouted) crosses a link as it
// crosses nats-server's routes and leaf nodes: under its deliver subject, so the
// other side routes it right, with the subject to show appended to the reply
// after '@' (processMsgResults' "reply@deliver"). The receiving side undoes that
// for JetStream ack replies. Without a reply the shown subject is lost, as there.
namespace {

constexpr std::string_view js_ack_prefix = "$JS.ACK.";

// Decodes "<reply>@<shown subject>" when `reply` is a JetStream ack subject.
server::RoutedMessage from_link(std::string_view subject, std::string_view reply, std::string_view headers,
                                std::string_view payload) {
    server::RoutedMessage m{subject, reply, headers, payload};
    if (!reply.starts_with(js_ack_prefix)) return m;
    const auto at = reply.rfind('@');
    if (at == std::string_view::npos || at + 1 == reply.size()) return m;
    const std::string_view shown = reply.substr(at + 1);
    if (!nats_sdk::subject::is_valid_publish_subject(shown)) return m;  // it would break a MSG line
    m.subject = shown;
    m.reply = reply.substr(0, at);
    m.route_subject = subject;
    return m;
}

}  // namespace

LinkAdapter::LinkAdapter(server::Server& server, std::uint64_t id, std::string name, std::string plugin,
                         const nmk_link_callbacks& callbacks, std::shared_ptr<CallGate> gate)
    : server_(server), id_(id), name_(std::move(name)), plugin_(std::move(plugin)), callbacks_(callbacks),
      gate_(std::move(gate)) {}

void LinkAdapter::on_interest(const server::Account& account, const server::ServerSubscription& sub, bool added) {
    if (!callbacks_.on_local_interest || sub.origin == this) return;
    CallGate::Pass pass(*gate_);
    if (!pass) return;
    const nmk_interest interest{to_nmk(account.name), to_nmk(sub.subject), to_nmk(sub.queue), added ? 1 : 0};
    try {
        callbacks_.on_local_interest(callbacks_.self, &interest, added ? 1 : 0);
    } catch (...) {
        NMK_ERROR("{}: link \"{}\" threw an exception in on_local_interest()", plugin_, name_);
    }
}

nmk_status LinkAdapter::add_remote_interest(const nmk_interest& interest, std::uint64_t* remote_interest_id) {
    const std::string_view subject = view(interest.subject), queue = view(interest.queue);
    if (!nats_sdk::subject::is_valid_subject(subject) || (!queue.empty() && !nats_sdk::subject::is_valid_queue_name(queue)))
        return NMK_INVALID_ARGUMENT;
    auto account = server_.get_or_create_account(view(interest.account));
    std::uint64_t rid;
    {
        std::lock_guard lock(mutex_);
        rid = ++next_remote_id_;
    }
    auto callbacks = callbacks_;
    auto remote_gate = std::make_shared<CallGate>();
    auto sub = std::make_shared<server::InternalSubscription>(
        [gate = gate_, remote_gate, callbacks, rid, account_name = account->name, plugin = plugin_,
         link = name_](const server::RoutedMessage& m) {
            if (!callbacks.on_message) return false;
            CallGate::Pass pass(*gate);
            if (!pass) return false;
            CallGate::Pass remote_pass(*remote_gate);
            if (!remote_pass) return false;
            std::string_view subject = m.subject, reply = m.reply;
            std::string carried_reply;
            if (m.rerouted()) {
                subject = m.route_subject;
                if (!reply.empty()) {
                    carried_reply.reserve(reply.size() + 1 + m.subject.size());
                    carried_reply.append(reply).append(1, '@').append(m.subject);
                    reply = carried_reply;
                }
            }
            const nmk_message message{to_nmk(account_name), to_nmk(subject), to_nmk(reply), to_nmk(m.headers),
                                      to_nmk(m.payload)};
            try {
                callbacks.on_message(callbacks.self, rid, &message);
            } catch (...) {
                NMK_ERROR("{}: link \"{}\" threw an exception in on_message()", plugin, link);
            }
            return true;
        });
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->origin = this;
    // Not reported as local interest: it is the other side's.
    account->sublist.insert(sub);
    {
        std::lock_guard lock(mutex_);
        remote_.emplace(rid, Remote{account, std::move(sub), std::move(remote_gate)});
    }
    if (remote_interest_id) *remote_interest_id = rid;
    return NMK_OK;
}

nmk_status LinkAdapter::remove_remote_interest(std::uint64_t remote_interest_id) {
    Remote remote;
    {
        std::lock_guard lock(mutex_);
        auto it = remote_.find(remote_interest_id);
        if (it == remote_.end()) return NMK_NOT_FOUND;
        remote = std::move(it->second);
        remote_.erase(it);
    }
    remote.account->sublist.remove(remote.subscription.get());
    remote.gate->close();
    return NMK_OK;
}

nmk_status LinkAdapter::publish(const nmk_message& message) {
    const std::string_view subject = view(message.subject);
    if (!nats_sdk::subject::is_valid_publish_subject(subject)) return NMK_INVALID_ARGUMENT;
    auto account = server_.get_or_create_account(view(message.account));
    return server_.publish(account, from_link(subject, view(message.reply), view(message.headers), view(message.payload)),
                           this)
               ? NMK_OK
               : NMK_ERROR;  // the hand-off queue is full (Server::handoff_limit)
}

void LinkAdapter::release() {
    std::unordered_map<std::uint64_t, Remote> all;
    {
        std::lock_guard lock(mutex_);
        all.swap(remote_);
    }
    for (auto& [id, remote] : all) {
        remote.account->sublist.remove(remote.subscription.get());
        remote.gate->close();
    }
}

}  // namespace nats::plugins
