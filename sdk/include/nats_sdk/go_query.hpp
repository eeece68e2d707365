#pragma once
// URL query strings read and written as Go's net/url does (nats-server's monitoring
// endpoints read their options with it): QueryUnescape, PathUnescape, QueryEscape and
// ParseQuery with url.Values' Get.
//
// Invalid input follows Go: a malformed %-escape makes QueryUnescape fail
// (nullopt, error text `invalid URL escape "%zz"`), and ParseQuery drops that pair and
// every pair holding a ';', keeps going, and reports the error in error().

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nats_sdk/go_quote.hpp"

namespace nats_sdk {

namespace detail {

constexpr int go_hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// url's unescape for the query-component and path-segment modes. On a bad escape,
// *error gets Go's EscapeError text (the '%' and at most two bytes after it).
inline std::optional<std::string> go_unescape(std::string_view text, bool plus_is_space, std::string* error) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size() || go_hex_value(text[i + 1]) < 0 || go_hex_value(text[i + 2]) < 0) {
                if (error) *error = "invalid URL escape " + go_quote(text.substr(i, 3));
                return std::nullopt;
            }
            out += static_cast<char>(go_hex_value(text[i + 1]) * 16 + go_hex_value(text[i + 2]));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace detail

// url.QueryUnescape: %XX decoded, '+' is a space.
inline std::optional<std::string> go_query_unescape(std::string_view text, std::string* error = nullptr) {
    return detail::go_unescape(text, true, error);
}

// url.PathUnescape: %XX decoded, '+' stays.
inline std::optional<std::string> go_path_unescape(std::string_view text, std::string* error = nullptr) {
    return detail::go_unescape(text, false, error);
}

// url.QueryEscape: letters, digits and "-_.~" stay, a space becomes '+', every other
// byte %XX (upper-case hex).
inline std::string go_query_escape(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const unsigned char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

// url.ParseQuery into ordered pairs; get() is url.Values.Get (the first value, "" when
// absent).
class GoQuery {
public:
    GoQuery() = default;
    explicit GoQuery(std::string_view raw) {
        while (!raw.empty()) {
            const std::size_t amp = raw.find('&');
            const std::string_view pair = raw.substr(0, amp);
            raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
            if (pair.find(';') != std::string_view::npos) {
                error_ = "invalid semicolon separator in query";  // Go overwrites here
                continue;
            }
            if (pair.empty()) continue;
            const std::size_t eq = pair.find('=');
            std::string problem;
            auto key = go_query_unescape(pair.substr(0, eq), &problem);
            auto value = key ? go_query_unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                                                 &problem)
                             : std::nullopt;
            if (!key || !value) {
                if (error_.empty()) error_ = std::move(problem);
                continue;
            }
            pairs_.emplace_back(std::move(*key), std::move(*value));
        }
    }

    std::string get(std::string_view key) const {
        for (const auto& [k, v] : pairs_) {
            if (k == key) return v;
        }
        return {};
    }
    bool has(std::string_view key) const noexcept {
        for (const auto& [k, v] : pairs_) {
            if (k == key) return true;
        }
        return false;
    }
    std::vector<std::string> values(std::string_view key) const {
        std::vector<std::string> out;
        for (const auto& [k, v] : pairs_) {
            if (k == key) out.push_back(v);
        }
        return out;
    }
    const std::vector<std::pair<std::string, std::string>>& pairs() const noexcept { return pairs_; }
    // The error ParseQuery returns ("" when none); the pairs above are what it kept.
    const std::string& error() const noexcept { return error_; }

private:
    std::vector<std::pair<std::string, std::string>> pairs_;
    std::string error_;
};

}  // namespace nats_sdk
