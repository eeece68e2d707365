#pragma once
// Told when a client is admitted (its CONNECT accepted, after authentication)
// and when an admitted client closes: plugins watch it for $SYS connect and
// disconnect events, monitoring, and to learn that a client they serve is gone.
#include <chrono>
#include <memory>
#include <string_view>

#include "kernel/server/connection_info.hpp"

namespace nats::server {

struct ClientEvent {
    bool connected = true;  // false: the disconnect
    // Whether the client was admitted. A disconnect is reported for every
    // client (a plugin waiting for one to go must hear it), but connection
    // events go only to admitted ones, so each disconnect follows a connect.
    bool admitted = true;
    const ConnectionInfo& info;
    // Disconnect only: nats-server's ClosedState text and when it closed.
    std::string_view reason{};
    std::chrono::system_clock::time_point stop{};
    // Disconnect only: closed for an authentication violation (a refused login, as
    // nats-server's auth error event counts them), and the identity the client claimed.
    bool auth_error = false;
    std::string_view claimed_user{};
};

class ClientObserver {
public:
    virtual ~ClientObserver() = default;
    // Runs on the client's I/O thread; must not block.
    virtual void on_client_event(const ClientEvent& event) = 0;
};
using ClientObserverPtr = std::shared_ptr<ClientObserver>;

}  // namespace nats::server
