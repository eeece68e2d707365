#pragma once
// What `nats pub` and `nats request` share: the message they compose (subject,
// body, headers, count, templates), its arguments, flags and help text, and the
// loop over bodies (the argument, or stdin).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connection.hpp"
#include "flags.hpp"

namespace nats::cli {

struct outgoing_options {
    std::string subject;
    std::string body;
    bool body_set = false;
    std::vector<std::string> headers;
    std::int64_t count = 1;
    bool force_stdin = false;
    std::string send_on = "eof";
    bool templates = true;
};

// natscli's long help on body and header templates, with examples for `verb`.
std::string template_help(std::string_view verb);

// The subject and body arguments.
void add_outgoing_args(command& cmd, outgoing_options& o, const char* subject_help);
// --header/-H, --count, --force-stdin, --send-on, --templates.
void add_outgoing_flags(command& cmd, outgoing_options& o);

// Calls `send` with the body argument, or with stdin's text (all of it, or line
// by line with --send-on newline). Logs "Reading payload from STDIN" when
// `log_stdin` and stdin is read.
void for_each_body(const outgoing_options& o, bool log_stdin, const std::function<void(const std::string&)>& send);

// Message number `number` (1-based) of `body`: templates expanded in subject
// and body, headers from --header.
message_ptr compose_message(const outgoing_options& o, const std::string& body, std::int64_t number,
                            const std::string& reply);

} // namespace nats::cli
