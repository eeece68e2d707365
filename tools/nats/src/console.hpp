#pragma once
// Where output goes, the way natscli splits it: notices through Go's log
// package (stderr, "15:04:05 " prefix), data on stdout. Both are written whole
// and flushed at once, so lines from different threads never interleave and a
// reader of a pipe sees each message as it arrives.
#include <string>
#include <string_view>

namespace nats::cli {

// "HH:MM:SS <message>\n" on stderr (no second newline when message ends in one).
void log_line(std::string_view message);

// Writes text to stdout as it is.
void out(std::string_view text);

// Writes text to stderr as it is.
void err(std::string_view text);

// natscli's message body rendering: the body (or "nil body" when empty) with a
// newline unless it ends in one, then one empty line, then another unless the
// body ended in a newline.
std::string body_block(std::string_view data);

// True when the file descriptor is a terminal.
bool is_terminal(int fd);

} // namespace nats::cli
