#pragma once
// NATS subject helpers: validity, wildcard matching, tokens.
// Tokens are separated by '.'; '*' matches one token and '>' (last token only) one or more.

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace nats_sdk::subject {

inline std::vector<std::string_view> tokens(std::string_view subject) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = subject.find('.', start);
        out.push_back(subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) {
            return out;
        }
        start = dot + 1;
    }
}

inline std::string_view last_token(std::string_view subject) noexcept {
    const std::size_t dot = subject.rfind('.');
    return dot == std::string_view::npos ? subject : subject.substr(dot + 1);
}

// A subject to publish to (no wildcards) or, with `wildcards`, a pattern to subscribe to.
inline bool is_valid(std::string_view subject, bool wildcards = false) noexcept {
    if (subject.empty()) {
        return false;
    }
    std::size_t token_start = 0;
    for (std::size_t i = 0; i <= subject.size(); ++i) {
        if (i < subject.size() && subject[i] != '.') {
            const char c = subject[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0') {
                return false;
            }
            continue;
        }
        const std::string_view token = subject.substr(token_start, i - token_start);
        if (token.empty()) {
            return false;
        }
        if (token.find_first_of("*>") != std::string_view::npos) {
            if (!wildcards || token.size() != 1) {
                return false;
            }
            if (token == ">" && i != subject.size()) {
                return false;
            }
        }
        token_start = i + 1;
    }
    return true;
}

// Whether a literal subject matches a pattern ('*' and '>' in the pattern only).
inline bool matches(std::string_view pattern, std::string_view subject) noexcept {
    std::size_t p = 0;
    std::size_t s = 0;
    while (true) {
        const std::size_t p_end = std::min(pattern.find('.', p), pattern.size());
        const std::size_t s_end = std::min(subject.find('.', s), subject.size());
        const std::string_view p_token = pattern.substr(p, p_end - p);
        const std::string_view s_token = subject.substr(s, s_end - s);
        if (p_token == ">") {
            return p_end == pattern.size() && !s_token.empty();
        }
        if (s_token.empty() || (p_token != "*" && p_token != s_token)) {
            return false;
        }
        const bool p_done = p_end == pattern.size();
        const bool s_done = s_end == subject.size();
        if (p_done || s_done) {
            return p_done && s_done;
        }
        p = p_end + 1;
        s = s_end + 1;
    }
}

}  // namespace nats_sdk::subject
