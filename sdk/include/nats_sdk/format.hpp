#pragma once
// A small "{}" formatter for log lines, so plugins need no formatting library.
//
// Each "{}" takes the next argument, written with operator<<; "{{" and "}}" are literal
// braces. A "{}" without an argument stays as it is; arguments without a "{}" are ignored.

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace nats_sdk {

namespace detail {

inline void append_until_placeholder(std::string& out, std::string_view pattern, std::size_t& pos) {
    while (pos < pattern.size()) {
        const char c = pattern[pos];
        if (c == '{' && pos + 1 < pattern.size() && pattern[pos + 1] == '{') {
            out += '{';
            pos += 2;
        } else if (c == '}' && pos + 1 < pattern.size() && pattern[pos + 1] == '}') {
            out += '}';
            pos += 2;
        } else if (c == '{' && pos + 1 < pattern.size() && pattern[pos + 1] == '}') {
            return;
        } else {
            out += c;
            ++pos;
        }
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

}  // namespace detail

template <class... Args>
std::string format(std::string_view pattern, const Args&... args) {
    std::string out;
    out.reserve(pattern.size() + 16 * sizeof...(Args));
    std::size_t pos = 0;
    [[maybe_unused]] auto one = [&](const auto& value) {
        detail::append_until_placeholder(out, pattern, pos);
        if (pos < pattern.size()) {
            detail::append_value(out, value);
            pos += 2;
        }
    };
    (one(args), ...);
    while (true) {
        detail::append_until_placeholder(out, pattern, pos);
        if (pos >= pattern.size()) {
            return out;
        }
        out += "{}";  // no argument left for it
        pos += 2;
    }
}

}  // namespace nats_sdk
