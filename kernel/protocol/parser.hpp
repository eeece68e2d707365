#pragma once
// Streaming parser for the NATS client protocol (client -> server direction).
//
// A state machine in the spirit of nats-server's server/parser.go: operation
// names byte by byte, the control line split in one pass, payloads jumped over.
// It accepts any split of the input across reads, hands complete messages to the
// handler as views into the caller's buffer (no copy, no allocation) and copies
// only a control line or payload that straddles two reads into its own spill
// buffer, which is released once the operation completes. See README.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/protocol/spill_buffer.hpp"

namespace nats::protocol {

// Arguments of a PUB or HPUB. All views point into the parser's input or its
// spill buffer and are valid only during the callback.
struct PubArgs {
    std::string_view subject;
    std::string_view reply;       // empty when absent
    std::size_t header_size = 0;  // 0 for PUB; for HPUB the size of the header block
    std::size_t total_size = 0;   // header block + payload
};

// Why parsing stopped. Every error closes the connection, as nats-server does;
// error_text() gives the -ERR text nats-server 2.9.10 sends for each (empty when
// it closes without one).
enum class ParseError {
    none,
    unknown_operation,       // -ERR 'Unknown Protocol Operation'
    max_control_line,        // -ERR 'maximum control line exceeded' (lower case on the wire)
    max_payload,             // -ERR 'Maximum Payload Violation'
    bad_arguments,           // malformed PUB/HPUB/SUB/UNSUB arguments: closed without -ERR
    bad_payload_terminator,  // payload not followed by CRLF: -ERR 'Unknown Protocol Operation'
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
    // INFO/+OK/-ERR sent by a client. nats-server 2.9.10 ignores +OK and INFO (after
    // checking INFO is JSON) and closes the connection on -ERR, without a reply.
    // The hooks also let the same parser serve other link types.
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
    // is kept for the next call). Errors are final: later calls return the same
    // error without invoking the handler.
    ParseError parse(const char* data, std::size_t size, ParserHandler& handler);

    void set_limits(ParserLimits limits) { limits_ = limits; }
    // What was wrong, for the log, in nats-server's words with the client's bytes
    // quoted as Go's %q does (so never a raw control byte). For bad_arguments,
    // max_payload and max_control_line: the whole message nats-server logs, e.g.
    //     processPub Bad or Missing Size: "a -1"
    // For unknown_operation and bad_payload_terminator: its protoSnippet, the quoted
    // bytes from the offending one on, e.g. "c\r" (nats-server logs
    // "Client parser ERROR, state=41, i=53: proto='"c\r"...'").
    std::string_view last_error_detail() const { return error_detail_; }
    // Bytes held for a split operation (0 when idle): an idle connection holds none.
    std::size_t buffered_bytes() const { return spill_.capacity(); }

private:
    enum class State : std::uint8_t {
        op_start,   // expecting the first byte of an operation name
        op_p,       // saw 'P': PUB, PING or PONG
        op_name,    // matching the rest of op_'s name
        op_space,   // the name must be followed by a space or tab
        arg,        // collecting the control line up to LF
        skip_line,  // PING/PONG/+OK: everything up to LF is ignored
        payload,    // collecting a split PUB/HPUB payload in spill_
        failed,     // sticky: parse() keeps returning failed_
    };
    enum class Op : std::uint8_t { pub, hpub, sub, unsub, ping, pong, connect, info, ok, err };
    // Most arguments any operation takes (HPUB subject reply hdr total).
    static constexpr std::size_t max_args = 4;

    ParseError on_control_line(const char* line, const char* lf, bool line_in_spill, const std::string_view* args,
                               std::size_t arg_count, const char*& p, const char* end, ParserHandler& handler);
    ParseError on_pub_line(std::string_view line, bool line_in_spill, const std::string_view* args,
                           std::size_t arg_count, const char*& p, const char* end, ParserHandler& handler);
    ParseError continue_payload(const char*& p, const char* end, ParserHandler& handler);
    ParseError fail(ParseError e, std::string detail);

    ParserLimits limits_;
    State state_ = State::op_start;
    Op op_ = Op::pub;
    std::uint8_t name_pos_ = 0;  // bytes of op_'s name matched so far
    ParseError failed_ = ParseError::none;
    SpillBuffer spill_;
    std::string error_detail_;
    // The PUB/HPUB whose payload is being collected: offsets into spill_, which
    // holds the control line followed by the payload bytes received so far.
    std::size_t subject_offset_ = 0, subject_len_ = 0, reply_offset_ = 0, reply_len_ = 0;
    std::size_t payload_offset_ = 0;
    std::size_t pending_header_size_ = 0;
    std::size_t pending_total_size_ = 0;
};

}  // namespace nats::protocol
