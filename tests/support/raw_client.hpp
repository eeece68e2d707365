#pragma once
// A plain blocking TCP client that speaks the NATS text protocol by hand, so
// tests can send malformed input and assert the server's exact bytes.
// Every read is bounded by the client's timeout; a read that times out or hits
// the end of the stream throws std::runtime_error (the test then fails).
#include <chrono>
#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nats::test_support {

// One server-to-client frame. For MSG/HMSG the fields are split out; for
// everything else only `line` (without CRLF) is set.
struct Frame {
    enum class Kind { info, msg, hmsg, ok, err, ping, pong, other };
    Kind kind = Kind::other;
    std::string line;
    std::string subject, sid, reply;
    std::size_t header_size = 0; // HMSG only: bytes of the header block
    std::size_t total_size = 0;  // headers + payload (MSG: payload)
    std::string headers;         // HMSG only: the raw header block
    std::string payload;
};

// Splits a MSG/HMSG control line (without CRLF) into `frame`; false when it is
// not a well-formed MSG or HMSG line.
bool parse_msg_line(std::string_view line, Frame& frame);

struct RawClientOptions {
    std::chrono::milliseconds timeout{2000};
    // Answer server PINGs with PONG and hide them from reads. Turned off by
    // tests that watch the server's keep-alive.
    bool auto_pong = true;
    // SO_RCVBUF set before connecting (0 = system default); small values make
    // a slow consumer.
    int receive_buffer = 0;
};

class RawClient {
public:
    explicit RawClient(int port, RawClientOptions options = {});
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void send(std::string_view data);
    // Next line without its CRLF (a trailing space before the CRLF is kept).
    std::string read_line();
    std::string read_line(std::chrono::milliseconds timeout);
    // Exactly n bytes.
    std::string read_bytes(std::size_t n);
    // Reads a line and throws unless it equals / starts with / fully matches the expectation.
    std::string expect_line(std::string_view exact);
    std::string expect_prefix(std::string_view prefix);
    std::string expect_match(const std::regex& pattern);

    // Reads the INFO line and returns its JSON.
    nlohmann::json read_info();
    // INFO -> CONNECT <options> -> PING -> PONG. `options` is merged over
    // {"verbose":false,"pedantic":false}; a +OK before the PONG is accepted and
    // an -ERR throws. Returns the INFO JSON (also when read_info() came first).
    nlohmann::json connect(const nlohmann::json& options = nlohmann::json::object());

    // Next whole frame (for MSG/HMSG the payload and its CRLF are read too).
    Frame read_frame();
    Frame read_frame(std::chrono::milliseconds timeout);
    Frame expect_msg();
    Frame expect_hmsg();
    // Sends PING and returns every frame before the matching PONG. Because a
    // connection's output is ordered, this shows everything the server had
    // queued for us when it handled the PING.
    std::vector<Frame> flush();

    // True when the server closes the connection (EOF or reset) within
    // `timeout`; whatever arrived first is appended to `received`.
    bool wait_closed(std::chrono::milliseconds timeout, std::string* received = nullptr);
    // Bytes that arrive within `window` (the client waits the whole window).
    // Raw: server PINGs are returned, not answered.
    std::string read_for(std::chrono::milliseconds window);
    // Waits the whole `window` on a connection expected to stay quiet,
    // answering PINGs when auto_pong is on; returns every other line that
    // arrived (each with its CRLF). Throws if the connection closes.
    std::string idle_for(std::chrono::milliseconds window);
    // PINGs answered automatically so far.
    int pings_answered() const { return pings_answered_; }

    const RawClientOptions& options() const { return options_; }

private:
    // Receives more bytes into buf_.
    enum class Fill { data, timeout, closed };
    Fill fill(std::chrono::steady_clock::time_point deadline);
    // A line without its CRLF; nullopt on timeout; throws when the connection closes.
    std::optional<std::string> try_take_line(std::chrono::steady_clock::time_point deadline);
    std::string take_line(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    RawClientOptions options_;
    std::string buf_;
    nlohmann::json info_;
    bool info_read_ = false;
    int pings_answered_ = 0;
};

} // namespace nats::test_support
