#include "kernel/plugin_host/plugin_watches.hpp"

#include <chrono>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"
#include <nats_sdk/subject.hpp>

namespace nats::plugins {

struct PluginWatches::InterestWatch {
    std::uint64_t id;
    server::AccountPtr account;
    std::string subject;
    nmk_interest_callback callback;
    void* user;
    CallGate gate;
    std::mutex mutex;     // one evaluation at a time, so calls never overlap or reorder
    bool active = false;  // under mutex
};

struct PluginWatches::ClientWatch {
    std::uint64_t id;
    std::uint64_t client_id;
    nmk_client_gone_callback callback;
    void* user;
    CallGate gate;
    std::atomic<bool> fired{false};
};

struct PluginWatches::ConnectionWatch {
    std::uint64_t id;
    nmk_connection_callback callback;
    void* user;
    std::uint32_t flags;  // NMK_WATCH_*
    CallGate gate;
};

namespace {

template <typename T>
std::shared_ptr<const std::vector<std::shared_ptr<T>>> with(const std::shared_ptr<const std::vector<std::shared_ptr<T>>>& list,
                                                            std::shared_ptr<T> item) {
    auto next = list ? std::make_shared<std::vector<std::shared_ptr<T>>>(*list)
                     : std::make_shared<std::vector<std::shared_ptr<T>>>();
    next->push_back(std::move(item));
    return next;
}

// The list without the watch `id`, and the watch taken out (null when absent).
template <typename T>
std::shared_ptr<T> take(std::shared_ptr<const std::vector<std::shared_ptr<T>>>& list, std::uint64_t id) {
    if (!list) return nullptr;
    for (std::size_t i = 0; i < list->size(); ++i) {
        if ((*list)[i]->id != id) continue;
        auto found = (*list)[i];
        auto next = std::make_shared<std::vector<std::shared_ptr<T>>>(*list);
        next->erase(next->begin() + static_cast<std::ptrdiff_t>(i));
        list = std::move(next);
        return found;
    }
    return nullptr;
}

std::int64_t unix_ns(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

PluginWatches::PluginWatches(server::Server& server, std::string plugin, std::shared_ptr<CallGate> plugin_gate)
    : server_(server), plugin_(std::move(plugin)), plugin_gate_(std::move(plugin_gate)) {}

void PluginWatches::observe_interest() {
    if (observing_interest_) return;
    observing_interest_ = true;
    server_.add_interest_observer(shared_from_this());
}

void PluginWatches::observe_clients() {
    if (observing_clients_) return;
    observing_clients_ = true;
    server_.add_client_observer(shared_from_this());
}

nmk_status PluginWatches::watch_interest(std::uint64_t id, const server::AccountPtr& account, std::string_view subject,
                                         nmk_interest_callback callback, void* user, int* active_now) {
    if (!callback || !nats_sdk::subject::is_valid_publish_subject(subject)) return NMK_INVALID_ARGUMENT;
    auto w = std::make_shared<InterestWatch>(id, account, std::string(subject), callback, user);
    {
        std::lock_guard lock(mutex_);
        if (released_) return NMK_ERROR;
        observe_interest();
        interest_ = with(interest_, w);
    }
    // From here on every change is evaluated; the first state is read under the
    // watch's mutex, so a change racing with it is either seen here or reported.
    std::lock_guard lock(w->mutex);
    w->active = !account->sublist.match(subject)->empty();
    if (active_now) *active_now = w->active ? 1 : 0;
    return NMK_OK;
}

nmk_status PluginWatches::watch_client(std::uint64_t id, std::uint64_t client_id, nmk_client_gone_callback callback,
                                       void* user) {
    if (!callback) return NMK_INVALID_ARGUMENT;
    auto w = std::make_shared<ClientWatch>(id, client_id, callback, user);
    {
        std::lock_guard lock(mutex_);
        if (released_) return NMK_ERROR;
        observe_clients();
        clients_ = with(clients_, w);
    }
    // Registered before asking, so a close in between is not missed: either
    // the client is still listed, or its disconnect has fired (or will find the
    // watch already marked as answered here).
    if (!server_.has_client(client_id) && !w->fired.exchange(true)) {
        erase_client_watch(id);
        return NMK_NOT_FOUND;
    }
    return NMK_OK;
}

nmk_status PluginWatches::watch_connections(std::uint64_t id, nmk_connection_callback callback, void* user,
                                            std::uint32_t flags) {
    if (!callback || (flags & ~NMK_WATCH_AUTH_ERRORS) != 0) return NMK_INVALID_ARGUMENT;
    auto w = std::make_shared<ConnectionWatch>(id, callback, user, flags);
    std::lock_guard lock(mutex_);
    if (released_) return NMK_ERROR;
    observe_clients();
    connections_ = with(connections_, std::move(w));
    return NMK_OK;
}

void PluginWatches::erase_client_watch(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    take(clients_, id);
}

nmk_status PluginWatches::unwatch(std::uint64_t id) {
    std::shared_ptr<InterestWatch> i;
    std::shared_ptr<ClientWatch> c;
    std::shared_ptr<ConnectionWatch> n;
    {
        std::lock_guard lock(mutex_);
        if (!(i = take(interest_, id)) && !(c = take(clients_, id)) && !(n = take(connections_, id)))
            return NMK_NOT_FOUND;
    }
    if (i) i->gate.close();
    if (c) c->gate.close();
    if (n) n->gate.close();
    return NMK_OK;
}

void PluginWatches::release() {
    List<InterestWatch> interest;
    List<ClientWatch> clients;
    List<ConnectionWatch> connections;
    bool was_interest, was_clients;
    {
        std::lock_guard lock(mutex_);
        if (released_) return;
        released_ = true;
        interest.swap(interest_);
        clients.swap(clients_);
        connections.swap(connections_);
        was_interest = observing_interest_;
        was_clients = observing_clients_;
    }
    if (was_interest) server_.remove_interest_observer(this);
    if (was_clients) server_.remove_client_observer(this);
    if (interest)
        for (auto& w : *interest) w->gate.close();
    if (clients)
        for (auto& w : *clients) w->gate.close();
    if (connections)
        for (auto& w : *connections) w->gate.close();
}

void PluginWatches::evaluate(InterestWatch& w) {
    CallGate::Pass pass(*plugin_gate_);
    if (!pass) return;
    CallGate::Pass own(w.gate);
    if (!own) return;
    std::lock_guard lock(w.mutex);
    const bool now = !w.account->sublist.match(w.subject)->empty();
    if (now == w.active) return;
    w.active = now;
    try {
        w.callback(w.user, w.id, now ? 1 : 0);
    } catch (...) {
        NMK_ERROR("{}: interest watch callback threw an exception", plugin_);
    }
}

void PluginWatches::on_interest(const server::Account& account, const server::ServerSubscription& sub, bool) {
    List<InterestWatch> watches;
    {
        std::lock_guard lock(mutex_);
        watches = interest_;
    }
    if (!watches) return;
    for (const auto& w : *watches)
        if (w->account.get() == &account && nats_sdk::subject::literal_matches(w->subject, sub.subject)) evaluate(*w);
}

void PluginWatches::fire_gone(ClientWatch& w) {
    if (w.fired.exchange(true)) return;
    {
        CallGate::Pass pass(*plugin_gate_);
        if (!pass) return;
        CallGate::Pass own(w.gate);
        if (!own) return;
        try {
            w.callback(w.user, w.id, w.client_id);
        } catch (...) {
            NMK_ERROR("{}: client watch callback threw an exception", plugin_);
        }
    }
    erase_client_watch(w.id);
}

void PluginWatches::on_client_event(const server::ClientEvent& event) {
    List<ClientWatch> clients;
    List<ConnectionWatch> connections;
    {
        std::lock_guard lock(mutex_);
        clients = clients_;
        connections = connections_;
    }
    if (!event.connected && clients)
        for (const auto& w : *clients)
            if (w->client_id == event.info.cid) fire_gone(*w);
    if (!connections || connections->empty()) return;
    const bool auth_error = !event.connected && event.auth_error;
    if (!event.admitted && !auth_error) return;
    const auto& info = event.info;
    nmk_connection_event e{};
    e.struct_size = sizeof e;
    e.kind = event.connected ? NMK_CONNECTION_CONNECT : NMK_CONNECTION_DISCONNECT;
    e.client_id = info.cid;
    e.account = to_nmk(info.account);
    e.user = to_nmk(info.user);
    e.name = to_nmk(info.name);
    e.lang = to_nmk(info.lang);
    e.version = to_nmk(info.version);
    e.ip = to_nmk(info.ip);
    e.port = static_cast<std::uint16_t>(info.port);
    e.tls = info.tls ? 1 : 0;
    e.start_unix_ns = unix_ns(info.start);
    e.rtt_ns = info.rtt.count();
    if (!event.connected) {
        e.stop_unix_ns = unix_ns(event.stop);
        e.reason = to_nmk(event.reason);
        e.in_msgs = info.in_msgs;
        e.in_bytes = info.in_bytes;
        e.out_msgs = info.out_msgs;
        e.out_bytes = info.out_bytes;
    }
    // Watches without NMK_WATCH_AUTH_ERRORS see what they always saw: admitted clients only.
    auto deliver = [&](bool auth_watchers_only) {
        for (const auto& w : *connections) {
            if (auth_watchers_only && (w->flags & NMK_WATCH_AUTH_ERRORS) == 0) continue;
            CallGate::Pass pass(*plugin_gate_);
            if (!pass) return;
            CallGate::Pass own(w->gate);
            if (!own) continue;
            try {
                w->callback(w->user, &e);
            } catch (...) {
                NMK_ERROR("{}: connection watch callback threw an exception", plugin_);
            }
        }
    };
    if (event.admitted) deliver(false);
    if (auth_error) {
        e.kind = NMK_CONNECTION_AUTH_ERROR;
        e.user = to_nmk(event.claimed_user);
        deliver(true);
    }
}

}  // namespace nats::plugins
