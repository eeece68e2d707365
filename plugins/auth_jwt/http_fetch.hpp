#pragma once
// A plain HTTP/1.1 GET for the URL account resolver, on Boost.Beast. Blocking:
// call it from a blocking worker only. Bounded in time and size.
#include <chrono>
#include <stdexcept>
#include <string>

namespace nats::auth_jwt {

class FetchError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The body of a 200 answer to GET `url` ("http://host[:port]/path"). Throws
// FetchError for anything else: a bad URL, no connection, a timeout, another
// status, a body over 1 MiB.
std::string http_get(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace nats::auth_jwt
