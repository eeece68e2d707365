#pragma once
// A small "{}" formatter for log lines, so plugins need no formatting library.
//
// Each "{}" takes the next argument, written with operator<<; "{{" and "}}" are literal
// braces. The pattern is checked when the plugin compiles: anything between the braces
// (fmt's "{:.0f}", "{0}", "{:>8}") is refused, and so is a count of "{}" that differs
// from the count of arguments, instead of shifting the arguments in the log line. Format
// the value yourself (std::to_chars, std::ostringstream with std::setprecision) and pass
// the text. A pattern known only at run time goes through nats_sdk::runtime_pattern(),
// which is checked when the line is written and written unchanged when it is malformed.

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace nats_sdk {

namespace detail {

// Called only from check_pattern when a pattern is bad. They are not constexpr, so a
// constant-evaluated call is a compile error whose message names the function.
inline void format_spec_not_supported_use_plain_braces() {}
inline void unmatched_brace_in_format_pattern_double_it() {}
inline void placeholder_count_differs_from_argument_count() {}

enum class PatternProblem { none, spec, brace, count };

// How many "{}" the pattern has, or the first problem found.
constexpr PatternProblem scan_pattern(std::string_view pattern, std::size_t arguments) {
    std::size_t placeholders = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        const bool has_next = i + 1 < pattern.size();
        if (c == '{') {
            if (has_next && pattern[i + 1] == '{') {
                ++i;
            } else if (has_next && pattern[i + 1] == '}') {
                ++placeholders;
                ++i;
            } else {
                // "{" then something else: a format spec, an index, or a lone brace.
                return pattern.find('}', i) == std::string_view::npos ? PatternProblem::brace : PatternProblem::spec;
            }
        } else if (c == '}') {
            if (!has_next || pattern[i + 1] != '}') return PatternProblem::brace;
            ++i;
        }
    }
    return placeholders == arguments ? PatternProblem::none : PatternProblem::count;
}

consteval void check_pattern(std::string_view pattern, std::size_t arguments) {
    switch (scan_pattern(pattern, arguments)) {
        case PatternProblem::none: break;
        case PatternProblem::spec: format_spec_not_supported_use_plain_braces(); break;
        case PatternProblem::brace: unmatched_brace_in_format_pattern_double_it(); break;
        case PatternProblem::count: placeholder_count_differs_from_argument_count(); break;
    }
}

template <class T>
void append_value(std::string& out, const T& value) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        out += std::string_view(value);
    } else {
        std::ostringstream stream;
        stream << std::boolalpha << value;
        out += stream.str();
    }
}

// Copies literal text up to the next "{}" (turning "{{" and "}}" into one brace).
inline void append_until_placeholder(std::string& out, std::string_view pattern, std::size_t& pos) {
    while (pos < pattern.size()) {
        const char c = pattern[pos];
        if ((c == '{' || c == '}') && pos + 1 < pattern.size() && pattern[pos + 1] == c) {
            out += c;
            pos += 2;
        } else if (c == '{' && pos + 1 < pattern.size() && pattern[pos + 1] == '}') {
            return;
        } else {
            out += c;
            ++pos;
        }
    }
}

}  // namespace detail

// A pattern that was not a literal: see runtime_pattern().
struct RuntimePattern {
    std::string_view text;
};

// Lets a pattern known only at run time through; format() then writes it unchanged
// (arguments ignored) unless it is well formed for the arguments given.
constexpr RuntimePattern runtime_pattern(std::string_view text) { return {text}; }

// The pattern argument of format() and of Host's log functions: a literal is checked
// against the argument types `Args` while the plugin compiles.
template <class... Args>
class FormatString {
public:
    template <class Text>
        requires std::is_convertible_v<const Text&, std::string_view>
    consteval FormatString(const Text& text) : text_(text), checked_(true) {
        detail::check_pattern(text_, sizeof...(Args));
    }
    constexpr FormatString(RuntimePattern pattern) : text_(pattern.text) {}

    constexpr std::string_view text() const { return text_; }
    // False for a runtime pattern that is not well formed for the arguments.
    constexpr bool usable() const {
        return checked_ || detail::scan_pattern(text_, sizeof...(Args)) == detail::PatternProblem::none;
    }

private:
    std::string_view text_;
    bool checked_ = false;
};

// FormatString for a call's arguments (std::type_identity_t keeps the pattern out of
// template argument deduction, so the arguments alone decide Args).
template <class... Args>
using format_string = FormatString<std::type_identity_t<Args>...>;

template <class... Args>
std::string format(format_string<Args...> pattern, const Args&... args) {
    const std::string_view text = pattern.text();
    if (!pattern.usable()) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16 * sizeof...(Args));
    std::size_t pos = 0;
    [[maybe_unused]] auto one = [&](const auto& value) {
        detail::append_until_placeholder(out, text, pos);
        detail::append_value(out, value);
        pos += 2;
    };
    (one(args), ...);
    detail::append_until_placeholder(out, text, pos);
    return out;
}

}  // namespace nats_sdk
