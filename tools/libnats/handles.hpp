#pragma once
// Owning handles for libnats objects, shared by the nats CLI, the benchmark and
// the tests. natsConnection_Destroy also closes the connection.
#include <nats/nats.h>

#include <cstddef>
#include <memory>
#include <string>

namespace nats::libnats {

struct deleter {
    void operator()(natsOptions* o) const noexcept { natsOptions_Destroy(o); }
    void operator()(natsConnection* c) const noexcept { natsConnection_Destroy(c); }
    void operator()(natsSubscription* s) const noexcept { natsSubscription_Destroy(s); }
    void operator()(natsMsg* m) const noexcept { natsMsg_Destroy(m); }
};

using options_ptr = std::unique_ptr<natsOptions, deleter>;
using connection_ptr = std::unique_ptr<natsConnection, deleter>;
using subscription_ptr = std::unique_ptr<natsSubscription, deleter>;
using message_ptr = std::unique_ptr<natsMsg, deleter>;

// A message's payload as a string (libnats returns NULL for an empty one).
inline std::string data_of(natsMsg* msg) {
    const char* data = natsMsg_GetData(msg);
    return std::string(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
}

}  // namespace nats::libnats
