#pragma once
// nmk_host_api.account_watch: the plugins' view of the server's account
// listener. Each watch has its own serial queue on an I/O thread, so its
// callbacks come one at a time and in the order the changes happened; a watch
// first hears ADDED for every account that existed when it was made, and never
// ADDED twice for one account (the server may report an account's creation
// after a new watch already listed it).
//
// Threads: the listener runs on whatever thread changed the accounts; `mutex_`
// is taken after the server's account locks and before a queue's own (leaf).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/plugin_host/serial_queue.hpp"
#include "kernel/server/server.hpp"

namespace nats::plugins {

class AccountWatches {
public:
    // Becomes the server's account listener until destroyed.
    explicit AccountWatches(server::Server& server);
    ~AccountWatches();
    AccountWatches(const AccountWatches&) = delete;
    AccountWatches& operator=(const AccountWatches&) = delete;

    // NMK_ERROR before the server has I/O threads.
    nmk_status watch(std::uint64_t id, const std::string& plugin, std::shared_ptr<CallGate> plugin_gate,
                     nmk_account_callback callback, void* user);
    // Returns once no callback of the watch runs on another thread.
    nmk_status unwatch(const std::string& plugin, std::uint64_t id);
    // Every watch of `plugin` (its release()).
    void remove_owner(const std::string& plugin);

private:
    struct Watch {
        std::string plugin;
        std::shared_ptr<CallGate> plugin_gate;
        std::shared_ptr<CallGate> gate = std::make_shared<CallGate>();  // closed by unwatch
        nmk_account_callback callback = nullptr;
        void* user = nullptr;
        std::shared_ptr<SerialQueue> queue;
        std::unordered_set<std::string> announced;
    };
    void on_change(const std::string& name, server::Server::AccountChange change);
    void deliver_locked(Watch& w, const std::string& name, nmk_account_event event);
    static void end(Watch& w);

    server::Server& server_;
    std::mutex mutex_;
    std::unordered_map<std::uint64_t, Watch> watches_;
};

}  // namespace nats::plugins
