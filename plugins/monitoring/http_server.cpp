#include "plugins/monitoring/http_server.hpp"

#include "plugins/monitoring/request_line.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <ctime>
#include <list>
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

// A session as the registry sees it: what it is doing (lower phases are
// closed first when a bound is reached) and since when.
struct SessionBase {
    enum Phase : int { waiting = 0, reading_head = 1, working = 2 };
    SessionBase() { enter(waiting); }  // the newest session is the last to go
    virtual ~SessionBase() = default;
    // Only once no thread runs the io_context (stop()).
    virtual void force_close() = 0;
    // Any thread: closes the session on its own strand.
    virtual void evict() = 0;

    void enter(Phase p) {
        phase_since.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
        phase.store(p, std::memory_order_relaxed);
    }
    std::atomic<int> phase{waiting};
    std::atomic<std::int64_t> phase_since{0};
};

struct SessionEntry {
    std::weak_ptr<SessionBase> session;
    SessionBase* raw = nullptr;
    net::ip::address source;
    bool evicted = false;  // being closed for a newer one: no longer counted
};
using SessionList = std::list<SessionEntry>;

// What every session shares with the server: the handler, the limits and the
// registry of open sessions.
struct Shared {
    HttpServer::Handler handler;
    HttpLimits limits;
    std::mutex mutex;
    SessionList open;  // in admission order; each session erases its own entry

    // Registers `session` and returns the one to close for it when the total or
    // its source is at the bound (none when nothing else is open).
    std::shared_ptr<SessionBase> admit(const std::shared_ptr<SessionBase>& session, const net::ip::address& source,
                                       SessionList::iterator& entry) {
        std::lock_guard lock(mutex);
        std::size_t total = 0, from_source = 0;
        for (const auto& e : open) {
            if (e.evicted) continue;
            ++total;
            if (e.source == source) ++from_source;
        }
        std::shared_ptr<SessionBase> victim;
        if (from_source >= limits.max_sessions_per_source) victim = pick_victim_locked(&source);
        else if (total >= limits.max_sessions) victim = pick_victim_locked(nullptr);
        entry = open.insert(open.end(), SessionEntry{session, session.get(), source});
        return victim;
    }

    void leave(SessionList::iterator entry) {
        std::lock_guard lock(mutex);
        open.erase(entry);
    }

private:
    // The lowest phase, then the longest in it; from `source` only when given.
    // Reads the sessions through `raw` and takes no reference but the chosen
    // one's: a reference dropped here could be the last, and a session's
    // destructor takes this lock. A session listed is alive, as its destructor
    // unlists it (under this lock) before anything of it is destroyed.
    std::shared_ptr<SessionBase> pick_victim_locked(const net::ip::address* source) {
        SessionEntry* best = nullptr;
        std::pair<int, std::int64_t> best_rank{};
        for (auto& e : open) {
            if (e.evicted || (source && e.source != *source)) continue;
            const std::pair<int, std::int64_t> rank{e.raw->phase.load(std::memory_order_relaxed),
                                                    e.raw->phase_since.load(std::memory_order_relaxed)};
            if (!best || rank < best_rank) {
                best = &e;
                best_rank = rank;
            }
        }
        if (!best) return nullptr;
        best->evicted = true;
        return best->session.lock();  // null when it is already on its way out
    }
};

http::response<http::string_body> to_beast(HttpResponse answer, const http::request<http::string_body>& request) {
    // Go answers HTTP/1.x with x > 1 as HTTP/1.1.
    http::response<http::string_body> res{static_cast<http::status>(answer.status), std::min(request.version(), 11u)};
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
    const std::string_view target = origin_form(std::string_view(req.target().data(), req.target().size()));
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

// A parse error of the request itself (Go answers those with 400), not the
// peer going away mid-request (Go answers nothing).
bool is_malformed_request(const beast::error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message && ec != http::error::need_more;
}

// One connection: wait for a request (idle timeout), read its headers (header
// deadline from their first byte), answer it, repeat while keep-alive says so.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

    Session(tcp::socket socket, std::shared_ptr<Shared> shared, ssl::context* context)
        : shared_(std::move(shared)), stream_(make_stream(std::move(socket), context)) {}
    ~Session() {
        if (registered_) shared_->leave(entry_);
    }

    void force_close() override {
        beast::error_code ignored;
        tcp_layer().socket().close(ignored);
    }

    void evict() override {
        net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->tcp_layer().close(); });
    }

    void run(SessionList::iterator entry) {
        entry_ = entry;
        registered_ = true;
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
            enter(reading_head);
            tcp_layer().expires_after(shared_->limits.header_timeout);
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
        line_checked_ = false;
        scanned_ = 0;
        if (buffer_.size() > 0) {  // pipelined: the next request has begun
            start_head();
            scan();
            return;
        }
        enter(waiting);
        tcp_layer().expires_after(shared_->limits.idle_timeout);
        read_some();
    }

    void start_head() {
        enter(reading_head);
        tcp_layer().expires_after(shared_->limits.header_timeout);
    }

    void read_some() {
        stream_.async_read_some(buffer_.prepare(8192),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->buffer_.commit(n);
                                    self->on_bytes(ec);
                                });
    }

    void on_bytes(beast::error_code ec) {
        // Timed out, gone, or closed for a newer session: nothing to answer.
        if (ec) return close();
        if (phase.load(std::memory_order_relaxed) == waiting) start_head();
        scan();
    }

    // The head so far: the request line is checked as Go checks it as soon as
    // it is complete; once the headers are complete Beast parses the request.
    void scan() {
        const auto bytes = buffer_.data();
        const std::string_view head(static_cast<const char*>(bytes.data()), bytes.size());
        if (!line_checked_) {
            if (const auto eol = head.find('\n'); eol != std::string_view::npos) {
                std::string_view line = head.substr(0, eol);
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                switch (check_request_line(line)) {
                    case RequestLineVerdict::bad_request: return refuse(go_bad_request_reply);
                    case RequestLineVerdict::version_not_supported: return refuse(go_version_not_supported_reply);
                    case RequestLineVerdict::ok: break;
                }
                line_checked_ = true;
                // Go serves HTTP/1.2 to 1.9 as HTTP/1.1; Beast knows only 1.0 and 1.1.
                if (line.size() >= 8 && line.substr(line.size() - 8, 7) == "HTTP/1." && line.back() > '1')
                    static_cast<char*>(buffer_.data().data())[line.size() - 1] = '1';
            }
        }
        const std::size_t from = scanned_ > 3 ? scanned_ - 3 : 0;
        const bool complete = head.find("\r\n\r\n", from) != std::string_view::npos ||
                              head.find("\n\n", from) != std::string_view::npos;
        if (complete && line_checked_) return parse();
        if (head.size() > shared_->limits.header_limit) return refuse(go_header_too_large_reply);
        scanned_ = head.size();
        read_some();
    }

    void parse() {
        tcp_layer().expires_after(shared_->limits.idle_timeout);  // for a body still on its way
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec) {
            if (ec == http::error::body_limit) reject_body();
            else if (ec == http::error::header_limit) refuse(go_header_too_large_reply);
            else if (is_malformed_request(ec)) refuse(go_bad_request_reply);
            else close();
            return;
        }
        const auto& req = parser_->get();
        if (req.version() >= 11 && req.find(http::field::host) == req.end()) return refuse(go_missing_host_reply);
        enter(working);
        response_ = to_beast(call_handler(*shared_, req), req);
        write();
    }

    // A request Go's server refuses before any handler: its exact bytes, then close.
    void refuse(std::string_view reply) {
        enter(working);
        tcp_layer().expires_after(shared_->limits.write_timeout);
        net::async_write(stream_, net::buffer(reply.data(), reply.size()),
                         [self = this->shared_from_this()](beast::error_code, std::size_t) { self->close(); });
    }

    // A body too large to read: answer once, then close.
    void reject_body() {
        http::response<http::string_body> res{http::status::payload_too_large, 11};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.set(http::field::connection, "close");
        res.body() = "413 Request Entity Too Large";
        res.prepare_payload();
        res.keep_alive(false);
        response_ = std::move(res);
        write();
    }

    void write() {
        enter(working);
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
    SessionList::iterator entry_;
    bool registered_ = false;
    bool line_checked_ = false;  // the current request's first line passed Go's checks
    std::size_t scanned_ = 0;    // bytes of the head already searched for its end
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
    // Never refused: at a bound, another session makes room (see HttpLimits).
    void admit(tcp::socket socket) {
        beast::error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        if (ec) return;  // already gone
        if (tls_) start(std::make_shared<Session<TlsStream>>(std::move(socket), shared_, tls_.get()), remote.address());
        else start(std::make_shared<Session<PlainStream>>(std::move(socket), shared_, nullptr), remote.address());
    }

    template <class S>
    void start(const std::shared_ptr<S>& session, const net::ip::address& source) {
        SessionList::iterator entry;
        auto victim = shared_->admit(session, source, entry);
        session->run(entry);
        if (victim) victim->evict();
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
    // Entries stay: each session erases its own when the io_context destroys it
    // (so none may be destroyed here while the registry is locked).
    std::vector<std::shared_ptr<SessionBase>> sessions;
    {
        std::lock_guard lock(impl_->shared->mutex);
        for (auto& entry : impl_->shared->open)
            if (auto session = entry.session.lock()) sessions.push_back(std::move(session));
    }
    for (auto& session : sessions) session->force_close();
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
