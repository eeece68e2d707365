#include "plugins/monitoring/request_line.hpp"

#include <cstddef>

namespace nats::monitoring {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 7230 token characters (Go's validMethod).
bool is_token_char(char c) {
    if (is_alpha(c) || is_digit(c)) return true;
    switch (c) {
        case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
        case '-': case '.': case '^': case '_': case '`': case '|': case '~': return true;
        default: return false;
    }
}

// Go 1.19's ParseHTTPVersion: "HTTP/1.1", "HTTP/1.0", or exactly "HTTP/d.d".
bool parse_version(std::string_view v, int& major) {
    if (v == "HTTP/1.1" || v == "HTTP/1.0") {
        major = 1;
        return true;
    }
    if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.' || !is_digit(v[5]) || !is_digit(v[7]))
        return false;
    major = v[5] - '0';
    return true;
}

// The scheme of an absolute URI (Go's getScheme): letters first, then letters,
// digits, '+', '-', '.', up to ':'. Returns its length, 0 when there is none.
std::size_t scheme_length(std::string_view uri) {
    for (std::size_t i = 0; i < uri.size(); ++i) {
        const char c = uri[i];
        if (is_alpha(c)) continue;
        if (is_digit(c) || c == '+' || c == '-' || c == '.') {
            if (i == 0) return 0;
            continue;
        }
        return c == ':' && i > 0 ? i : 0;
    }
    return 0;
}

// Every '%' starts a two-digit hex escape (Go's unescape of a path).
bool escapes_valid(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') continue;
        if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
        i += 2;
    }
    return true;
}

// Go's url.ParseRequestURI, as far as it accepts or refuses.
bool request_uri_valid(std::string_view method, std::string_view uri) {
    for (char c : uri)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    if (uri.empty()) return false;
    if (uri == "*") return true;
    if (method == "CONNECT" && uri.front() != '/') return true;  // authority-form, checked no further here
    std::string_view rest = uri;
    const std::size_t scheme = scheme_length(rest);
    if (scheme == 0 && rest.front() == ':') return false;  // Go: missing protocol scheme
    if (scheme > 0) rest.remove_prefix(scheme + 1);
    if (const auto q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
    if (rest.empty() || rest.front() != '/') return scheme > 0;  // opaque with a scheme; else not a request URI
    if (scheme > 0 && rest.substr(0, 2) == "//") {
        rest.remove_prefix(2);
        const auto slash = rest.find('/');
        const std::string_view authority = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
        // A port, when given, is digits only.
        const auto at = authority.rfind('@');
        const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
        const auto colon = host.rfind(':');
        if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos) {
            for (char c : host.substr(colon + 1))
                if (!is_digit(c)) return false;
        }
    }
    return escapes_valid(rest);
}

}  // namespace

RequestLineVerdict check_request_line(std::string_view line) {
    const auto first = line.find(' ');
    if (first == std::string_view::npos) return RequestLineVerdict::bad_request;
    const auto second = line.find(' ', first + 1);
    if (second == std::string_view::npos) return RequestLineVerdict::bad_request;
    const std::string_view method = line.substr(0, first);
    const std::string_view uri = line.substr(first + 1, second - first - 1);
    const std::string_view proto = line.substr(second + 1);
    if (method.empty()) return RequestLineVerdict::bad_request;
    for (char c : method)
        if (!is_token_char(c)) return RequestLineVerdict::bad_request;
    int major = 0;
    if (!parse_version(proto, major)) return RequestLineVerdict::bad_request;
    if (!request_uri_valid(method, uri)) return RequestLineVerdict::bad_request;
    return major == 1 ? RequestLineVerdict::ok : RequestLineVerdict::version_not_supported;
}

std::string_view origin_form(std::string_view target) {
    if (target.empty() || target.front() == '/') return target;
    const std::size_t scheme = scheme_length(target);
    if (scheme == 0) return target;
    std::string_view rest = target.substr(scheme + 1);
    if (rest.substr(0, 2) != "//") return rest;
    rest.remove_prefix(2);
    const auto end = rest.find_first_of("/?");
    return end == std::string_view::npos ? std::string_view() : rest.substr(end);
}

}  // namespace nats::monitoring
