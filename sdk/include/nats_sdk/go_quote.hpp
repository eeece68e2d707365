#pragma once
// Go's quoting, byte for byte, for texts that must read like nats-server's (and
// natscli's): strconv.Quote (fmt's %q) and the time package's own quote() used in its
// duration errors. Also Go's UTF-8 decoding rule and strconv.IsPrint, which they need.
//
//   go_quote("a\"b")        -> "\"a\\\"b\""
//   go_quote("\xff")        -> "\"\\xff\""        invalid UTF-8: each bad byte as \x..
//   go_quote("\u00ad")      -> "\"\\u00ad\""      a rune Go does not print: \u / \U
//   go_quote("caf\u00e9")   -> "\"caf\u00e9\""    printable runes stay as they are
//
// IsPrint follows the Unicode tables in detail/go_print_ranges.hpp (their version is
// go_print_unicode_version); runes assigned after it are escaped where a Go built with
// a newer Unicode prints them.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "nats_sdk/detail/go_print_ranges.hpp"

namespace nats_sdk {

inline constexpr char32_t go_rune_error = 0xFFFD;

struct DecodedRune {
    char32_t rune;
    std::size_t width;  // bytes consumed; 1 with go_rune_error for an invalid byte
};

// utf8.DecodeRuneInString on text[pos...]: overlong forms, surrogates, runes past
// U+10FFFF and truncated sequences all decode as (RuneError, 1). pos must be < size.
constexpr DecodedRune decode_go_rune(std::string_view text, std::size_t pos) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) return {b0, 1};
    std::size_t width = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;  // the range allowed for the second byte
    char32_t rune = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        width = 2;
        rune = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        width = 3;
        rune = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        width = 4;
        rune = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
    } else {
        return {go_rune_error, 1};
    }
    if (pos + width > text.size()) return {go_rune_error, 1};
    for (std::size_t i = 1; i < width; ++i) {
        const unsigned char b = byte(pos + i);
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return {go_rune_error, 1};
        rune = (rune << 6) | (b & 0x3F);
    }
    return {rune, width};
}

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
constexpr bool go_is_print(char32_t r) noexcept {
    if (r < 0x100) {
        if (r >= 0x20 && r <= 0x7E) return true;
        return r >= 0xA1 && r != 0xAD;
    }
    std::size_t lo = 0;
    std::size_t hi = std::size(detail::go_print_ranges);
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (r > detail::go_print_ranges[mid].last) {
            lo = mid + 1;
        } else if (r < detail::go_print_ranges[mid].first) {
            hi = mid;
        } else {
            return true;
        }
    }
    return false;
}

namespace detail {

inline void append_hex(std::string& out, std::uint32_t value, int digits) {
    static constexpr char hex[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xF];
}

inline void append_rune(std::string& out, char32_t r) {
    if (r < 0x80) {
        out += static_cast<char>(r);
    } else if (r < 0x800) {
        out += static_cast<char>(0xC0 | (r >> 6));
        out += static_cast<char>(0x80 | (r & 0x3F));
    } else if (r < 0x10000) {
        out += static_cast<char>(0xE0 | (r >> 12));
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (r & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (r >> 18));
        out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (r & 0x3F));
    }
}

}  // namespace detail

// Appends strconv.Quote(text) to out.
inline void append_go_quote(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const DecodedRune d = decode_go_rune(text, i);
        const char32_t r = d.rune;
        if (d.width == 1 && r == go_rune_error) {
            out += "\\x";
            detail::append_hex(out, static_cast<unsigned char>(text[i]), 2);
            i += 1;
            continue;
        }
        i += d.width;
        if (r == '"' || r == '\\') {
            out += '\\';
            out += static_cast<char>(r);
        } else if (go_is_print(r)) {
            detail::append_rune(out, r);
        } else {
            switch (r) {
                case '\a': out += "\\a"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\v': out += "\\v"; break;
                default:
                    if (r < ' ' || r == 0x7F) {
                        out += "\\x";
                        detail::append_hex(out, r, 2);
                    } else if (r < 0x10000) {
                        out += "\\u";
                        detail::append_hex(out, r, 4);
                    } else {
                        out += "\\U";
                        detail::append_hex(out, r, 8);
                    }
            }
        }
    }
    out += '"';
}

// strconv.Quote(text), which is also fmt's %q of a string.
inline std::string go_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    append_go_quote(out, text);
    return out;
}

// The time package's own quote() (its duration and layout errors): '"' and '\\' get a
// backslash, and every byte of a non-ASCII or control (< 0x20) rune is written as \x..;
// an invalid byte is one rune of width 1. DEL (0x7f) is kept as it is.
inline std::string go_time_quote(std::string_view text) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t width = c < 0x80 ? 1 : decode_go_rune(text, i).width;
        if (c >= 0x80 || c < ' ') {
            for (std::size_t j = 0; j < width; ++j) {
                out += "\\x";
                detail::append_hex(out, static_cast<unsigned char>(text[i + j]), 2);
            }
        } else {
            if (c == '"' || c == '\\') out += '\\';
            out += static_cast<char>(c);
        }
        i += width;
    }
    out += '"';
    return out;
}

}  // namespace nats_sdk
