#include "body_source.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <iterator>

#include "console.hpp"
#include "templates.hpp"

namespace nats::cli {

body_source::body_source(bool body_set, bool force_stdin, bool per_line)
    : use_stdin_(!body_set && (!is_terminal(STDIN_FILENO) || is_terminal(STDOUT_FILENO) || force_stdin)),
      per_line_(per_line) {}

std::optional<std::string> body_source::next() {
    if (!use_stdin_ || finished_) return std::nullopt;
    if (!per_line_) {
        finished_ = true;
        return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    std::string line;
    if (!std::getline(std::cin, line)) {
        finished_ = true;
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

expanded_message expand_body_and_subject(const std::string& body, const std::string& subject, long long count,
                                         bool templates, const std::optional<std::string>& request) {
    if (!templates) return {subject, body};
    expanded_message out{subject, body};
    const template_values values{.count = count, .request = request, .now = std::chrono::system_clock::now()};
    try {
        out.body = render_template(body, values);
    } catch (const template_error& e) {
        log_line(std::string("Could not parse body template: ") + e.what());
    }
    try {
        out.subject = render_template(subject, values);
    } catch (const template_error& e) {
        log_line(std::string("Could not parse subject template: ") + e.what());
    }
    return out;
}

} // namespace nats::cli
