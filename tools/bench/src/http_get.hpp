#pragma once

#include "clock.hpp"
#include "endpoint.hpp"

#include <string>

namespace nats::bench {

struct http_fetch {
    bool ok = false;  // a complete 200 response arrived
    int status = 0;
    std::string body;
    std::string error;  // why not ok
    std::int64_t elapsed_ns = 0;  // from connect to the last body byte
};

// GET of one path on a new connection (Connection: close), as curl in a loop
// would do. Bounded by the deadline; never throws.
http_fetch http_get(const endpoint& ep, const std::string& path, clock::time_point deadline);

}  // namespace nats::bench
