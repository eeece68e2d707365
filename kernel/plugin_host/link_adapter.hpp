#pragma once
// A plugin's link (route, leaf node) seen from the server: it observes local
// interest, holds the interest the other side announced as internal
// subscriptions whose delivery calls on_message(), and publishes what the other
// side sends without ever routing it back to this link.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/server/server.hpp"

namespace nats::plugins {

class LinkAdapter final : public server::InterestObserver {
public:
    LinkAdapter(server::Server& server, std::uint64_t id, std::string name, std::string plugin,
                const nmk_link_callbacks& callbacks, std::shared_ptr<CallGate> gate);

    std::uint64_t id() const { return id_; }
    void on_interest(const server::Account& account, const server::ServerSubscription& sub, bool added) override;

    nmk_status add_remote_interest(const nmk_interest& interest, std::uint64_t* remote_interest_id);
    nmk_status remove_remote_interest(std::uint64_t remote_interest_id);
    nmk_status publish(const nmk_message& message);
    // Takes every remote interest out of the index (the link is going away).
    void release();

private:
    struct Remote {
        server::AccountPtr account;
        std::shared_ptr<server::ServerSubscription> subscription;
        std::shared_ptr<CallGate> gate;  // closed on removal: no on_message() for it afterwards
    };

    server::Server& server_;
    const std::uint64_t id_;
    const std::string name_;
    const std::string plugin_;
    nmk_link_callbacks callbacks_;
    std::shared_ptr<CallGate> gate_;
    std::mutex mutex_;
    std::unordered_map<std::uint64_t, Remote> remote_;
    std::uint64_t next_remote_id_ = 0;
};

}  // namespace nats::plugins
