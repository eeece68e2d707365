#pragma once
// A plugin's watches: interest in a literal subject appearing and going, one
// client going away, and every client connect/disconnect. One table per
// plugin, registered with the server as an interest and a client observer the
// first time it needs to be, so plugins that watch nothing cost nothing.
// Callbacks run on the thread that caused the change, each behind the plugin's
// gate and its own (closed by unwatch), never under the table's mutex.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/server/server.hpp"

namespace nats::plugins {

class PluginWatches final : public server::InterestObserver,
                            public server::ClientObserver,
                            public std::enable_shared_from_this<PluginWatches> {
public:
    PluginWatches(server::Server& server, std::string plugin, std::shared_ptr<CallGate> plugin_gate);

    nmk_status watch_interest(std::uint64_t id, const server::AccountPtr& account, std::string_view subject,
                              nmk_interest_callback callback, void* user, int* active_now);
    nmk_status watch_client(std::uint64_t id, std::uint64_t client_id, nmk_client_gone_callback callback, void* user);
    // flags: NMK_WATCH_* (NMK_WATCH_AUTH_ERRORS: refused logins too).
    nmk_status watch_connections(std::uint64_t id, nmk_connection_callback callback, void* user,
                                 std::uint32_t flags = 0);
    nmk_status unwatch(std::uint64_t id);
    // Ends every watch and leaves the server's observer lists (the plugin stops).
    void release();

    void on_interest(const server::Account& account, const server::ServerSubscription& sub, bool added) override;
    void on_client_event(const server::ClientEvent& event) override;

private:
    struct InterestWatch;
    struct ClientWatch;
    struct ConnectionWatch;
    template <typename T>
    using List = std::shared_ptr<const std::vector<std::shared_ptr<T>>>;

    void observe_interest();
    void observe_clients();
    void evaluate(InterestWatch& w);
    void fire_gone(ClientWatch& w);
    void erase_client_watch(std::uint64_t id);

    server::Server& server_;
    const std::string plugin_;
    std::shared_ptr<CallGate> plugin_gate_;
    std::mutex mutex_;
    bool released_ = false;
    bool observing_interest_ = false, observing_clients_ = false;
    // Copy-on-write lists: an observer call takes a snapshot and walks it unlocked.
    List<InterestWatch> interest_;
    List<ClientWatch> clients_;
    List<ConnectionWatch> connections_;
};

}  // namespace nats::plugins
