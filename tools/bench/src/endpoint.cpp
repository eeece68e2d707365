#include "endpoint.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

namespace nats::bench {

endpoint parse_endpoint(std::string_view url, std::string_view scheme) {
    const std::string whole(url);
    const std::string prefix = std::string(scheme) + "://";
    if (url.substr(0, prefix.size()) != prefix) throw std::invalid_argument("expected " + prefix + "...: " + whole);
    std::string_view rest = url.substr(prefix.size());
    rest = rest.substr(0, rest.find('/'));
    // Credentials in the URL would need a real client; the bench never uses them.
    if (rest.find('@') != std::string_view::npos) throw std::invalid_argument("user info is not supported: " + whole);
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) throw std::invalid_argument("missing :<port>: " + whole);
    endpoint ep;
    ep.host = std::string(rest.substr(0, colon));
    if (ep.host == "localhost") ep.host = "127.0.0.1";
    in_addr addr{};
    if (::inet_pton(AF_INET, ep.host.c_str(), &addr) != 1)
        throw std::invalid_argument("host must be an IPv4 address or localhost: " + whole);
    const std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
        throw std::invalid_argument("port must be 1-65535: " + whole);
    ep.port = static_cast<std::uint16_t>(value);
    return ep;
}

}  // namespace nats::bench
