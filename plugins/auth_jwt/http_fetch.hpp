#pragma once
// An HTTP/1.1 GET for the URL account resolver (http:// or https://), on Boost.Beast
// and OpenSSL. Blocking: call it from a blocking worker only. Bounded in time and size.
#include <chrono>
#include <stdexcept>
#include <string>

#include "plugins/auth_jwt/jwt_settings.hpp"

namespace nats::auth_jwt {

class FetchError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The body of a 200 answer to GET `url` ("http[s]://host[:port]/path"). Throws
// FetchError for anything else: a bad URL, no connection, a failed TLS handshake or
// certificate check, a timeout, another status, a body over 1 MiB. https uses `tls`
// (TLS 1.2 or newer; the server's certificate checked against ca_file, or the
// system's roots, and against the URL's host, unless `insecure`).
std::string http_get(const std::string& url, std::chrono::milliseconds timeout, const ResolverTls& tls = {});

}  // namespace nats::auth_jwt
