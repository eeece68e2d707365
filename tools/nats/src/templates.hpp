#pragma once
// The body templates of natscli's pub, request and reply: the subset of Go's
// text/template that natscli documents. Actions are a function call
// ({{Count}}, {{ Random 10 100 }}) or a field ({{.Count}}), with {{- and -}}
// trimming and {{/* comments */}}.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nats::cli {

struct template_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct template_values {
    long long count = 0;                        // Count / Cnt: the message number
    std::optional<std::string> request;         // Request: the request body (reply only)
    std::chrono::system_clock::time_point now;  // Unix, UnixNano, TimeStamp, Time
};

// Expands the actions in `text`. Throws template_error worded like Go's
// ("template: body:1: function \"Foo\" not defined"); natscli then sends the
// text unexpanded.
std::string render_template(std::string_view text, const template_values& values);

// A random string of [A-Za-z0-9], between shortest and longest characters long.
std::string random_string(long long shortest, long long longest);

// A unique ID in the form of a NUID: 22 characters of [0-9A-Za-z].
std::string unique_id();

} // namespace nats::cli
