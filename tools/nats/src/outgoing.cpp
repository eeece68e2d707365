#include "outgoing.hpp"

#include "body_source.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "headers.hpp"

namespace nats::cli {

std::string template_help(std::string_view verb) {
    const std::string v(verb);
    return "Body and Header values of the messages may use Go templates to\n"
           "create unique messages.\n\n"
           "   nats " + v + " test --count 10 \"Message {{Count}} @ {{Time}}\"\n\n"
           "Multiple messages with random strings between 10 and 100 long:\n\n"
           "   nats " + v + " test --count 10 \"Message {{Count}}: {{ Random 10 100 }}\"\n\n"
           "Available template functions are:\n\n"
           "   Count            the message number\n"
           "   TimeStamp        RFC3339 format current time\n"
           "   Unix             seconds since 1970 in UTC\n"
           "   UnixNano         nano seconds since 1970 in UTC\n"
           "   Time             the current time\n"
           "   ID               an unique ID\n"
           "   Random(min, max) random string at least min long, at most max";
}

void add_outgoing_args(command& cmd, outgoing_options& o, const char* subject_help) {
    cmd.string_arg("subject", subject_help, &o.subject, true);
    cmd.string_arg("body", "Message body", &o.body, false, &o.body_set);
}

void add_outgoing_flags(command& cmd, outgoing_options& o) {
    cmd.strings_flag("header", "Adds headers to the message using K:V format", &o.headers)
        .with_short('H')
        .with_placeholder("K:V");
    cmd.int_flag("count", "Publish multiple messages", &o.count);
    cmd.bool_flag("force-stdin", "Force reading from stdin", &o.force_stdin);
    cmd.enum_flag("send-on", "When to send data from stdin: 'eof' (default) or 'newline'", &o.send_on,
                  {"newline", "eof"});
    cmd.bool_flag("templates", "Enables template functions in the body and subject (does not affect headers)",
                  &o.templates);
}

void for_each_body(const outgoing_options& o, bool log_stdin, const std::function<void(const std::string&)>& send) {
    body_source source(o.body_set, o.force_stdin, o.send_on == "newline");
    if (!source.uses_stdin()) {
        send(o.body);
        return;
    }
    if (log_stdin) log_line("Reading payload from STDIN");
    while (const auto body = source.next()) {
        send(*body);
        if (!source.per_line()) break;
    }
}

message_ptr compose_message(const outgoing_options& o, const std::string& body, std::int64_t number,
                            const std::string& reply) {
    const auto expanded = expand_body_and_subject(body, o.subject, number, o.templates);
    natsMsg* raw = nullptr;
    check(natsMsg_Create(&raw, expanded.subject.c_str(), reply.empty() ? nullptr : reply.c_str(),
                         expanded.body.data(), static_cast<int>(expanded.body.size())));
    message_ptr msg(raw);
    add_headers(msg.get(), parse_header_flags(o.headers, number));
    return msg;
}

} // namespace nats::cli
