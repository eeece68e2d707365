#include "plugins/monitoring/go_query.hpp"

#include <limits>

namespace nats::monitoring {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> unescape(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string syntax_error(std::string_view function, std::string_view value, bool range) {
    return "strconv." + std::string(function) + ": parsing " + go_quote(value) +
           (range ? ": value out of range" : ": invalid syntax");
}

// Decimal digits into an unsigned value; nullopt on a non-digit, `range` set on overflow.
std::optional<std::uint64_t> parse_digits(std::string_view s, bool& range) {
    if (s.empty()) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
            range = true;
            n = std::numeric_limits<std::uint64_t>::max();
        } else if (!range) {
            n = n * 10 + d;
        }
    }
    return n;
}

}  // namespace

GoQuery::GoQuery(std::string_view raw) {
    while (!raw.empty()) {
        const auto amp = raw.find('&');
        std::string_view pair = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
        if (pair.find(';') != std::string_view::npos || pair.empty()) continue;
        const auto eq = pair.find('=');
        auto key = query_unescape(pair.substr(0, eq));
        auto value = query_unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!key || !value) continue;
        pairs_.emplace_back(std::move(*key), std::move(*value));
    }
}

std::string GoQuery::get(std::string_view key) const {
    for (const auto& [k, v] : pairs_)
        if (k == key) return v;
    return {};
}

bool GoQuery::has(std::string_view key) const {
    for (const auto& [k, v] : pairs_)
        if (k == key) return true;
    return false;
}

std::optional<std::string> query_unescape(std::string_view text) { return unescape(text, true); }
std::optional<std::string> path_unescape(std::string_view text) { return unescape(text, false); }

std::string query_escape(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
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

std::string go_quote(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"': out += "\\\""; continue;
            case '\\': out += "\\\\"; continue;
            case '\a': out += "\\a"; continue;
            case '\b': out += "\\b"; continue;
            case '\f': out += "\\f"; continue;
            case '\n': out += "\\n"; continue;
            case '\r': out += "\\r"; continue;
            case '\t': out += "\\t"; continue;
            case '\v': out += "\\v"; continue;
            default: break;
        }
        if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            // Multi-byte UTF-8 stays as it is when well formed; stray bytes as \x..
            std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
            bool valid = n > 0 && i + n <= text.size();
            for (std::size_t k = 1; valid && k < n; ++k)
                valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
            if (valid) {
                out.append(text.substr(i, n));
                i += n - 1;
            } else {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            }
        }
    }
    return out + "\"";
}

std::optional<std::string> decode_bool(const GoQuery& q, std::string_view key, bool& out) {
    const std::string v = q.get(key);
    out = false;
    if (v.empty()) return std::nullopt;
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") {
        out = true;
        return std::nullopt;
    }
    if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return std::nullopt;
    return "Error decoding boolean for '" + std::string(key) + "': " + syntax_error("ParseBool", v, false);
}

std::optional<std::string> decode_int(const GoQuery& q, std::string_view key, std::int64_t& out) {
    const std::string v = q.get(key);
    out = 0;
    if (v.empty()) return std::nullopt;
    std::string_view digits = v;
    const bool negative = digits.front() == '-';
    if (digits.front() == '+' || digits.front() == '-') digits.remove_prefix(1);
    bool range = false;
    const auto n = parse_digits(digits, range);
    const std::uint64_t limit = negative ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
                                         : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const std::string prefix = "Error decoding int for '" + std::string(key) + "': ";
    if (!n) return prefix + syntax_error("Atoi", v, false);
    if (range || *n > limit) return prefix + syntax_error("Atoi", v, true);
    out = negative ? static_cast<std::int64_t>(0 - *n) : static_cast<std::int64_t>(*n);
    return std::nullopt;
}

std::optional<std::string> decode_uint64(const GoQuery& q, std::string_view key, std::uint64_t& out) {
    const std::string v = q.get(key);
    out = 0;
    if (v.empty()) return std::nullopt;
    bool range = false;
    const auto n = parse_digits(v, range);
    const std::string prefix = "Error decoding uint64 for '" + std::string(key) + "': ";
    if (!n) return prefix + syntax_error("ParseUint", v, false);
    if (range) return prefix + syntax_error("ParseUint", v, true);
    out = *n;
    return std::nullopt;
}

bool is_valid_literal_subject(std::string_view subject) {
    if (subject.empty()) return false;
    std::size_t start = 0;
    while (true) {
        const auto dot = subject.find('.', start);
        const std::string_view token = subject.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (token.empty() || token == "*" || token == ">") return false;
        if (token.find_first_of(" \t\r\n") != std::string_view::npos) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

}  // namespace nats::monitoring
