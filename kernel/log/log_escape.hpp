#pragma once
// Makes text safe to write as one log line. Log lines carry bytes a client chose
// (subjects, sids, CONNECT fields, -ERR texts, user names), so a CR or LF could forge
// a line of its own and an escape sequence could drive the terminal showing the log.
// Every message goes through this in the formatter, whoever logged it (kernel or plugin).
//
// What stays as it is: printable ASCII, the tab, and printable runes (Go's
// strconv.IsPrint), so ordinary text and nats-server's %q output are unchanged.
// What is escaped, in Go's %q spelling but without quotes around the text and
// without escaping '"' or '\\': control bytes (\n, \r, \a, \b, \f, \v, \x1b ...),
// DEL, each byte of invalid UTF-8 (\xff), and runes Go does not print (\u0085, \u2028).
#include <string>
#include <string_view>

namespace nats::log {

// True when `text` would be written unchanged (the common case, checked first).
bool is_log_safe(std::string_view text);
void append_log_safe(std::string& out, std::string_view text);
std::string log_safe(std::string_view text);

}  // namespace nats::log
