#pragma once
// The request line checked the way Go's net/http server (nats-server 2.9.10 is
// built with Go 1.19) checks it before any handler runs, so that a request
// nats-server refuses gets the same bytes here, and the same request is served.
// Pure functions: any thread.
#include <string_view>

namespace nats::monitoring {

enum class RequestLineVerdict {
    ok,
    bad_request,            // Go: malformed line, invalid method or version, bad request URI
    version_not_supported,  // Go: a well-formed version whose major is not 1
};

// `line` is the first line without its line ending.
RequestLineVerdict check_request_line(std::string_view line);

// What Go writes, raw, for each refusal before closing (no Date, no length).
inline constexpr std::string_view go_bad_request_reply =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
    "400 Bad Request";
inline constexpr std::string_view go_version_not_supported_reply =
    "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
    "505 HTTP Version Not Supported: unsupported protocol version";
inline constexpr std::string_view go_missing_host_reply =
    "HTTP/1.1 400 Bad Request: missing required Host header\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
    "400 Bad Request: missing required Host header";
inline constexpr std::string_view go_header_too_large_reply =
    "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Connection: close\r\n\r\n431 Request Header Fields Too Large";

// The origin-form part ("/varz?x=1") of a request target: an absolute-form
// target ("http://host/varz?x=1") loses its scheme and authority, as Go's
// url.ParseRequestURI splits them off; "http://host" alone is "". Other
// targets are returned as they are.
std::string_view origin_form(std::string_view target);

}  // namespace nats::monitoring
