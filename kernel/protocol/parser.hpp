#pragma once
// Streaming parser for the NATS client protocol (client -> server direction).
//
// A byte-at-a-time state machine in the spirit of nats-server's server/parser.go:
// it accepts any split of the input across reads, hands complete messages to the
// handler as views into the caller's buffer (no copy, no allocation) and copies
// only a control line or payload that straddles two reads into its own spill
// buffer, which is released once the message completes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nats::protocol {

// Arguments of a PUB or HPUB. All views point into the parser's input or its
// spill buffer and are valid only during the callback.
struct PubArgs {
    std::string_view subject;
    std::string_view reply;        // empty when absent
    std::size_t header_size = 0;   // 0 for PUB; for HPUB the size of the header block
    std::size_t total_size = 0;    // header block + payload
};

// Why parsing stopped. The texts nats-server sends for each are in
// error_text(); every error closes the connection, as nats-server does.
enum class ParseError {
    none,
    unknown_operation,       // -ERR 'Unknown Protocol Operation'
    max_control_line,        // -ERR 'Maximum Control Line Exceeded'
    max_payload,             // -ERR 'Maximum Payload Violation'
    bad_arguments,           // malformed PUB/HPUB/SUB/UNSUB arguments
    bad_payload_terminator,  // payload not followed by CRLF (length mismatch)
    handler_stopped,         // the handler asked to stop (e.g. it closed the connection)
};
std::string_view error_text(ParseError e);

// The handler receives each complete operation. Return false to stop parsing
// (the parser then returns ParseError::handler_stopped).
class ParserHandler {
public:
    virtual ~ParserHandler() = default;
    virtual bool on_connect(std::string_view json) = 0;
    virtual bool on_pub(const PubArgs& args, std::string_view header_and_payload) = 0;
    virtual bool on_sub(std::string_view subject, std::string_view queue, std::string_view sid) = 0;
    virtual bool on_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs) = 0;
    virtual bool on_ping() = 0;
    virtual bool on_pong() = 0;
    // A client that sends INFO/+OK/-ERR to the server: nats-server ignores +OK/-ERR
    // from clients; keep the hooks so the same parser can serve other link types.
    virtual bool on_info(std::string_view json) { return true; }
    virtual bool on_ok() { return true; }
    virtual bool on_err(std::string_view text) { return true; }
};

struct ParserLimits {
    std::size_t max_control_line = 4096;
    std::int64_t max_payload = 1024 * 1024;  // <0: unlimited
};

class Parser {
public:
    explicit Parser(ParserLimits limits = {}) : limits_(limits) {}

    // Feeds bytes; invokes the handler for each complete operation. Returns
    // ParseError::none when all bytes were consumed (a trailing partial operation
    // is kept for the next call).
    ParseError parse(const char* data, std::size_t size, ParserHandler& handler);

    void set_limits(ParserLimits limits) { limits_ = limits; }
    // The control line (or its start) that caused the last error, for logging.
    std::string_view last_error_context() const { return error_context_; }
    // Bytes held for a split operation (0 when idle): an idle connection holds none.
    std::size_t buffered_bytes() const { return spill_.capacity(); }

private:
    ParserLimits limits_;
    // The implementation owns the remaining members (state, argument offsets,
    // spill buffer); see parser.cpp.
    int state_ = 0;
    std::string spill_;
    std::string error_context_;
    // Parsed arguments of the PUB/HPUB whose payload is being read.
    std::size_t pending_header_size_ = 0;
    std::size_t pending_total_size_ = 0;
    std::size_t subject_offset_ = 0, subject_len_ = 0, reply_offset_ = 0, reply_len_ = 0;
    std::size_t control_start_ = 0;
};

}  // namespace nats::protocol
