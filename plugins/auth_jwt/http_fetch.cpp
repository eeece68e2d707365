#include "plugins/auth_jwt/http_fetch.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace nats::auth_jwt {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

struct Target {
    std::string host;
    std::string port = "80";
    std::string path = "/";
};

Target parse_url(const std::string& url) {
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme)) throw FetchError("only http:// URLs are supported: " + url);
    Target t;
    std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) t.path = rest.substr(slash);
    if (!authority.empty() && authority.front() == '[') {  // [v6]:port
        const auto close = authority.find(']');
        if (close == std::string::npos) throw FetchError("bad URL " + url);
        t.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') t.port = authority.substr(close + 2);
    } else {
        const auto colon = authority.rfind(':');
        t.host = authority.substr(0, colon);
        if (colon != std::string::npos) t.port = authority.substr(colon + 1);
    }
    if (t.host.empty()) throw FetchError("bad URL " + url);
    return t;
}

}  // namespace

std::string http_get(const std::string& url, std::chrono::milliseconds timeout) {
    const Target target = parse_url(url);
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(target.host, target.port, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
    stream.expires_after(timeout);
    stream.connect(endpoints, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
    http::request<http::empty_body> request{http::verb::get, target.path, 11};
    request.set(http::field::host, target.host);
    request.set(http::field::user_agent, "nats-microkernel");
    http::write(stream, request, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    http::read(stream, buffer, parser, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    const auto& response = parser.get();
    if (response.result() != http::status::ok) {
        throw FetchError("could not fetch <\"" + url + "\">: " + std::to_string(response.result_int()) + " " +
                         std::string(response.reason()));
    }
    return response.body();
}

}  // namespace nats::auth_jwt
