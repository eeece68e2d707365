#include "plugins/auth_jwt/http_fetch.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace nats::auth_jwt {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

namespace ssl = boost::asio::ssl;

struct Target {
    bool https = false;
    std::string host;
    std::string port = "80";
    std::string path = "/";
};

Target parse_url(const std::string& url) {
    Target t;
    std::string rest;
    if (url.starts_with("http://")) {
        rest = url.substr(7);
    } else if (url.starts_with("https://")) {
        t.https = true;
        t.port = "443";
        rest = url.substr(8);
    } else {
        throw FetchError("only http:// and https:// URLs are supported: " + url);
    }
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

// The request and its answer over any connected stream (plain or TLS).
template <class Stream>
std::string exchange(Stream& stream, const Target& target, const std::string& url) {
    beast::error_code ec;
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
    const auto& response = parser.get();
    if (response.result() != http::status::ok) {
        throw FetchError("could not fetch <\"" + url + "\">: " + std::to_string(response.result_int()) + " " +
                         std::string(response.reason()));
    }
    return response.body();
}

ssl::context client_context(const ResolverTls& tls, const std::string& url) {
    ssl::context context(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    beast::error_code ec;
    auto fail = [&](const char* what) {
        throw FetchError("could not fetch <\"" + url + "\">: " + what + ": " + ec.message());
    };
    if (tls.insecure) {
        context.set_verify_mode(ssl::verify_none);
    } else {
        context.set_verify_mode(ssl::verify_peer);
        if (!tls.ca_file.empty()) {
            if (context.load_verify_file(tls.ca_file, ec); ec) fail("ca_file");
        } else if (context.set_default_verify_paths(ec); ec) {
            fail("system certificates");
        }
    }
    if (!tls.cert_file.empty()) {
        if (context.use_certificate_chain_file(tls.cert_file, ec); ec) fail("cert_file");
        if (context.use_private_key_file(tls.key_file, ssl::context::pem, ec); ec) fail("key_file");
    }
    return context;
}

}  // namespace

std::string http_get(const std::string& url, std::chrono::milliseconds timeout, const ResolverTls& tls) {
    const Target target = parse_url(url);
    boost::asio::io_context io;
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(target.host, target.port, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
    if (!target.https) {
        beast::tcp_stream stream(io);
        stream.expires_after(timeout);
        stream.connect(endpoints, ec);
        if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
        std::string body = exchange(stream, target, url);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        return body;
    }
    ssl::context context = client_context(tls, url);
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    // SNI for a host name (as Go, none for an address), and the name the certificate
    // must carry (a DNS name, or an IP address SAN).
    boost::asio::ip::make_address(target.host, ec);
    const bool is_address = !ec;
    if (!is_address && !SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str()))
        throw FetchError("could not fetch <\"" + url + "\">: bad host name for TLS");
    if (!tls.insecure) stream.set_verify_callback(ssl::host_name_verification(target.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: " + ec.message());
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) throw FetchError("could not fetch <\"" + url + "\">: tls: " + ec.message());
    std::string body = exchange(stream, target, url);
    stream.shutdown(ec);  // a server that just closes is fine: the answer is complete
    return body;
}

}  // namespace nats::auth_jwt
