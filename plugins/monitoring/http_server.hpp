#pragma once
// The monitoring port: an HTTP/1.1 server on Boost.Beast with its own
// io_context and threads, so nothing it does runs on (or waits for) the
// kernel's I/O threads. Each request is answered by one call of the handler on
// a server thread; the handler may block briefly (it reads kernel state).
//
// Lifetime: listen() binds (errors throw, naming the address), start() runs the
// threads, stop() closes the listeners and every session and joins the threads;
// once stop() returned the handler is never called again.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "plugins/monitoring/http_message.hpp"

namespace nats::monitoring {

// Open connections are bounded in total and per source address. A new one is
// never refused for it: at a bound, the oldest session that is waiting for a
// request is closed to make room (then one still sending its headers, then any),
// so a few thousand idle sockets cannot lock out /healthz.
struct HttpLimits {
    std::size_t max_sessions = 256;
    std::size_t max_sessions_per_source = 64;    // per remote IP address
    std::chrono::milliseconds idle_timeout{30000};    // waiting for the first byte of a request
    std::chrono::milliseconds header_timeout{10000};  // from that byte to the end of its headers
    std::chrono::milliseconds write_timeout{60000};   // a reader that stops reading
    std::uint32_t header_limit = 64 * 1024;
    std::uint64_t body_limit = 1024 * 1024;
};

struct TlsFiles {
    std::string cert_file, key_file;
};

class HttpServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;

    explicit HttpServer(Handler handler, HttpLimits limits = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds host:port (port 0 picks a free one) and returns the bound port. With
    // `tls` the listener speaks HTTPS. Throws std::runtime_error, e.g.
    // "can't listen to the monitor port: 127.0.0.1:8222: Address already in use".
    int listen(const std::string& host, int port, const TlsFiles* tls = nullptr);
    void start(unsigned threads);
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// "Mon, 02 Jan 2006 15:04:05 GMT" (the Date header).
std::string http_date(std::chrono::system_clock::time_point t);

}  // namespace nats::monitoring
