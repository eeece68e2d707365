#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nats::bench {

// An HTTP/1.x response read into memory, judged as bytes arrive: complete once
// its framing (Content-Length, chunked, or the end of the connection) says so.
struct http_response {
    enum class state { incomplete, complete, bad };
    state status_of_parse = state::incomplete;
    int status = 0;     // e.g. 200, once the status line arrived
    std::string body;   // decoded, when complete
    std::string error;  // why, when bad
};

// Parses everything received so far; `closed` says the peer ended the
// connection, which completes a response without a length and makes a short one
// bad. Limits: headers up to 64 KiB.
http_response parse_http_response(std::string_view received, bool closed);

}  // namespace nats::bench
