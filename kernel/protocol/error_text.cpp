#include "kernel/protocol/parser.hpp"

namespace nats::protocol {

// Texts as nats-server 2.9.10 sends them after "-ERR '...'", checked against the
// live server. An empty text means it closes the connection without any -ERR.
std::string_view error_text(ParseError e) {
    switch (e) {
    case ParseError::unknown_operation:
        return "Unknown Protocol Operation";
    case ParseError::max_control_line:
        // ErrMaxControlLine's own message, hence the lower case.
        return "maximum control line exceeded";
    case ParseError::max_payload:
        return "Maximum Payload Violation";
    case ParseError::bad_payload_terminator:
        // parser.go treats a missing CRLF after the payload as a generic parse error.
        return "Unknown Protocol Operation";
    case ParseError::bad_arguments:
        // processPub/processHeaderPub/parseSub/processUnsub return a plain error and
        // the read loop closes the connection (ProtocolViolation) without -ERR.
    case ParseError::none:
    case ParseError::handler_stopped:
        break;
    }
    return {};
}

}  // namespace nats::protocol
