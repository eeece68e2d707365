#include "kernel/plugin_host/account_watches.hpp"

#include <vector>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"

namespace nats::plugins {

AccountWatches::AccountWatches(server::Server& server) : server_(server) {
    server_.set_account_listener(
        [this](const std::string& name, server::Server::AccountChange change) { on_change(name, change); });
}

AccountWatches::~AccountWatches() {
    server_.set_account_listener(nullptr);
    std::unordered_map<std::uint64_t, Watch> watches;
    {
        std::lock_guard lock(mutex_);
        watches.swap(watches_);
    }
    for (auto& [id, w] : watches) end(w);
}

nmk_status AccountWatches::watch(std::uint64_t id, const std::string& plugin, std::shared_ptr<CallGate> plugin_gate,
                                 nmk_account_callback callback, void* user) {
    if (server_.thread_count() == 0) {
        NMK_ERROR("{}: account_watch is available from start() on", plugin);
        return NMK_ERROR;
    }
    Watch w;
    w.plugin = plugin;
    w.plugin_gate = std::move(plugin_gate);
    w.callback = callback;
    w.user = user;
    w.queue = std::make_shared<SerialQueue>(server_.next_thread());
    std::lock_guard lock(mutex_);
    for (const auto& account : server_.accounts()) deliver_locked(w, account->name, NMK_ACCOUNT_ADDED);
    watches_.emplace(id, std::move(w));
    return NMK_OK;
}

void AccountWatches::deliver_locked(Watch& w, const std::string& name, nmk_account_event event) {
    if (event == NMK_ACCOUNT_ADDED && !w.announced.insert(name).second) return;
    w.queue->post([plugin_gate = w.plugin_gate, gate = w.gate, callback = w.callback, user = w.user,
                   plugin = w.plugin, name, event] {
        CallGate::Pass pass(*plugin_gate);
        if (!pass) return;
        CallGate::Pass own(*gate);
        if (!own) return;
        try {
            callback(user, to_nmk(name), event);
        } catch (...) {
            NMK_ERROR("{}: account callback threw an exception", plugin);
        }
    });
}

void AccountWatches::on_change(const std::string& name, server::Server::AccountChange change) {
    const nmk_account_event event = change == server::Server::AccountChange::added     ? NMK_ACCOUNT_ADDED
                                    : change == server::Server::AccountChange::updated ? NMK_ACCOUNT_UPDATED
                                                                                       : NMK_ACCOUNT_REMOVED;
    std::lock_guard lock(mutex_);
    for (auto& [id, w] : watches_) deliver_locked(w, name, event);
}

void AccountWatches::end(Watch& w) {
    w.gate->close();   // no callback after this returns (one running here is not waited for)
    w.queue->close();  // what is left runs, and passes no gate
}

nmk_status AccountWatches::unwatch(const std::string& plugin, std::uint64_t id) {
    Watch w;
    {
        std::lock_guard lock(mutex_);
        auto it = watches_.find(id);
        if (it == watches_.end() || it->second.plugin != plugin) return NMK_NOT_FOUND;
        w = std::move(it->second);
        watches_.erase(it);
    }
    end(w);
    return NMK_OK;
}

void AccountWatches::remove_owner(const std::string& plugin) {
    std::vector<Watch> ended;
    {
        std::lock_guard lock(mutex_);
        for (auto it = watches_.begin(); it != watches_.end();) {
            if (it->second.plugin == plugin) {
                ended.push_back(std::move(it->second));
                it = watches_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& w : ended) end(w);
}

}  // namespace nats::plugins
