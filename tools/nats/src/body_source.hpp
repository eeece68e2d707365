#pragma once
// Where pub and request get message bodies: the body argument, or stdin when
// no body is given (all of it at end of file, or one message per line with
// --send-on newline), and natscli's template expansion of body and subject.
#include <optional>
#include <string>

namespace nats::cli {

class body_source {
public:
    // natscli reads stdin when no body argument was given, unless stdin is a
    // terminal and stdout is not; --force-stdin reads it regardless.
    body_source(bool body_set, bool force_stdin, bool per_line);
    bool uses_stdin() const { return use_stdin_; }
    bool per_line() const { return per_line_; }
    // The next body read from stdin: all of it once in end-of-file mode, else
    // the next line; nullopt when nothing is left.
    std::optional<std::string> next();

private:
    bool use_stdin_;
    bool per_line_;
    bool finished_ = false;
};

struct expanded_message {
    std::string subject;
    std::string body;
};

// Expands templates in body and subject for message number `count`. A template
// error is logged ("Could not parse body template: ...") and the text is used
// as it is, as natscli does.
expanded_message expand_body_and_subject(const std::string& body, const std::string& subject, long long count,
                                         bool templates, const std::optional<std::string>& request = std::nullopt);

} // namespace nats::cli
