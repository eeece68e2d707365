#include "plugins/monitoring/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace nats::monitoring {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// What stop() needs from a session: close its socket (no thread runs then).
struct Closable {
    virtual ~Closable() = default;
    virtual void force_close() = 0;
};

// What every session shares with the server: the handler, the limits and the
// open sessions.
struct Shared {
    HttpServer::Handler handler;
    HttpLimits limits;
    std::atomic<std::size_t> sessions{0};
    std::mutex mutex;
    std::vector<std::weak_ptr<Closable>> open;  // pruned as it grows
};

http::response<http::string_body> to_beast(HttpResponse answer, const http::request<http::string_body>& request) {
    http::response<http::string_body> res{static_cast<http::status>(answer.status), request.version()};
    res.set(http::field::date, http_date(std::chrono::system_clock::now()));
    if (!answer.content_type.empty()) res.set(http::field::content_type, answer.content_type);
    for (auto& [name, value] : answer.headers) res.set(name, value);
    res.keep_alive(request.keep_alive());
    const std::size_t size = answer.body.size();
    if (request.method() != http::verb::head) res.body() = std::move(answer.body);
    res.content_length(size);
    return res;
}

HttpResponse call_handler(Shared& shared, const http::request<http::string_body>& req) {
    HttpRequest request;
    request.method = std::string(req.method_string());
    const std::string_view target(req.target().data(), req.target().size());
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
    if (auto it = req.find(http::field::authorization); it != req.end())
        request.authorization = std::string(it->value().data(), it->value().size());
    request.body = req.body();
    try {
        return shared.handler(request);
    } catch (const std::exception& e) {
        return HttpResponse{500, "text/plain; charset=utf-8", {}, std::string("internal error: ") + e.what() + "\n"};
    } catch (...) {
        return HttpResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
    }
}

// One connection: read a request, answer it, repeat while keep-alive says so.
template <class Stream>
class Session final : public Closable, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

    Session(tcp::socket socket, std::shared_ptr<Shared> shared, ssl::context* context)
        : shared_(std::move(shared)), stream_(make_stream(std::move(socket), context)) {}
    ~Session() { shared_->sessions.fetch_sub(1, std::memory_order_relaxed); }

    void force_close() override {
        beast::error_code ignored;
        tcp_layer().socket().close(ignored);
    }

    void run() {
        {
            std::lock_guard lock(shared_->mutex);
            auto& open = shared_->open;
            if (open.size() >= 2 * shared_->limits.max_sessions)
                std::erase_if(open, [](const std::weak_ptr<Closable>& w) { return w.expired(); });
            open.push_back(this->shared_from_this());
        }
        // Start on the session's strand.
        net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
    }

private:
    static Stream make_stream(tcp::socket socket, ssl::context* context) {
        if constexpr (tls) {
            return Stream(std::move(socket), *context);
        } else {
            (void)context;
            return Stream(std::move(socket));
        }
    }

    beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

    void begin() {
        if constexpr (tls) {
            tcp_layer().expires_after(shared_->limits.idle_timeout);
            stream_.async_handshake(ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (!ec) self->read();
                                    });
        } else {
            read();
        }
    }

    void read() {
        parser_.emplace();
        parser_->header_limit(shared_->limits.header_limit);
        parser_->body_limit(shared_->limits.body_limit);
        tcp_layer().expires_after(shared_->limits.idle_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            if (ec == http::error::header_limit || ec == http::error::body_limit) reject(ec);
            else close();
            return;
        }
        const auto& req = parser_->get();
        response_ = to_beast(call_handler(*shared_, req), req);
        write();
    }

    // A request too large to read: answer once, then close.
    void reject(beast::error_code ec) {
        const bool header = ec == http::error::header_limit;
        http::response<http::string_body> res{header ? http::status::request_header_fields_too_large
                                                     : http::status::payload_too_large,
                                              11};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.set(http::field::connection, "close");
        res.body() = header ? "431 Request Header Fields Too Large" : "413 Request Entity Too Large";
        res.prepare_payload();
        res.keep_alive(false);
        response_ = std::move(res);
        write();
    }

    void write() {
        tcp_layer().expires_after(shared_->limits.write_timeout);
        http::async_write(stream_, *response_,
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        const bool again = !ec && response_->keep_alive();
        response_.reset();
        if (again) read();
        else close();
    }

    void close() {
        beast::error_code ignored;
        if constexpr (tls) {
            // A short bounded close_notify; the peer may already be gone.
            tcp_layer().expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code unused;
                self->tcp_layer().socket().close(unused);
            });
        } else {
            tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
            tcp_layer().socket().close(ignored);
        }
    }

    std::shared_ptr<Shared> shared_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::optional<http::response<http::string_body>> response_;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& io, tcp::acceptor acceptor, std::shared_ptr<Shared> shared,
             std::unique_ptr<ssl::context> tls)
        : io_(io), acceptor_(std::move(acceptor)), retry_(io), shared_(std::move(shared)), tls_(std::move(tls)) {}

    void accept() {
        acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](beast::error_code ec,
                                                                                  tcp::socket socket) {
            if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
            if (!ec) {
                self->admit(std::move(socket));
                self->accept();
                return;
            }
            // Out of descriptors or memory: retry shortly instead of spinning.
            self->retry_.expires_after(std::chrono::milliseconds(100));
            self->retry_.async_wait([self](beast::error_code wait_ec) {
                if (!wait_ec) self->accept();
            });
        });
    }

    // Only once no thread runs the io_context.
    void close() {
        beast::error_code ignored;
        acceptor_.close(ignored);
        retry_.cancel();
    }

    int port() const { return acceptor_.local_endpoint().port(); }

private:
    void admit(tcp::socket socket) {
        if (shared_->sessions.fetch_add(1, std::memory_order_relaxed) >= shared_->limits.max_sessions) {
            shared_->sessions.fetch_sub(1, std::memory_order_relaxed);
            beast::error_code ignored;
            socket.close(ignored);
            return;
        }
        if (tls_) std::make_shared<Session<TlsStream>>(std::move(socket), shared_, tls_.get())->run();
        else std::make_shared<Session<PlainStream>>(std::move(socket), shared_, nullptr)->run();
    }

    net::io_context& io_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_;
    std::shared_ptr<Shared> shared_;
    std::unique_ptr<ssl::context> tls_;
};

std::unique_ptr<ssl::context> make_tls_context(const TlsFiles& files) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    context->use_certificate_chain_file(files.cert_file, ec);
    if (ec) throw std::runtime_error("monitoring TLS certificate " + files.cert_file + ": " + ec.message());
    context->use_private_key_file(files.key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("monitoring TLS key " + files.key_file + ": " + ec.message());
    return context;
}

}  // namespace

struct HttpServer::Impl {
    net::io_context io;
    std::shared_ptr<Shared> shared = std::make_shared<Shared>();
    std::vector<std::shared_ptr<Listener>> listeners;
    std::vector<std::thread> threads;
    std::mutex mutex;
    bool stopped = false;
};

HttpServer::HttpServer(Handler handler, HttpLimits limits) : impl_(std::make_unique<Impl>()) {
    impl_->shared->handler = std::move(handler);
    impl_->shared->limits = limits;
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::listen(const std::string& host, int port, const TlsFiles* tls) {
    const std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                              std::to_string(port);
    beast::error_code ec;
    const auto address = net::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
    std::optional<tcp::endpoint> endpoint;
    if (!ec) {
        endpoint.emplace(address, static_cast<unsigned short>(port));
    } else {
        // A host name ("localhost"): its first address.
        tcp::resolver resolver(impl_->io);
        auto results = resolver.resolve(host, std::to_string(port), ec);
        if (ec || results.empty())
            throw std::runtime_error("can't listen to the monitor port: " + where + ": " +
                                     (ec ? ec.message() : "no address"));
        endpoint.emplace(results.begin()->endpoint());
    }
    auto context = tls ? make_tls_context(*tls) : nullptr;
    tcp::acceptor acceptor(impl_->io);
    auto fail = [&](const beast::error_code& e) {
        throw std::runtime_error("can't listen to the monitor port: " + where + ": " + e.message());
    };
    acceptor.open(endpoint->protocol(), ec);
    if (ec) fail(ec);
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    acceptor.bind(*endpoint, ec);
    if (ec) fail(ec);
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail(ec);
    auto listener = std::make_shared<Listener>(impl_->io, std::move(acceptor), impl_->shared, std::move(context));
    const int bound = listener->port();
    impl_->listeners.push_back(std::move(listener));
    return bound;
}

void HttpServer::start(unsigned threads) {
    for (auto& l : impl_->listeners) l->accept();
    for (unsigned i = 0; i < std::max(1u, threads); ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
}

void HttpServer::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return;
        impl_->stopped = true;
    }
    // No handler runs once the threads are joined; then the sockets close here
    // (nothing runs them concurrently any more) and the pending operations are
    // dropped with the io_context.
    impl_->io.stop();
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
    for (auto& l : impl_->listeners) l->close();
    impl_->listeners.clear();
    std::lock_guard lock(impl_->shared->mutex);
    for (auto& weak : impl_->shared->open)
        if (auto session = weak.lock()) session->force_close();
    impl_->shared->open.clear();
}

std::string http_date(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

}  // namespace nats::monitoring
