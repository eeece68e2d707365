#include "kernel/log/log_escape.hpp"

#include <nats_sdk/go_quote.hpp>

namespace nats::log {
namespace {

bool plain_ascii(unsigned char c) { return (c >= 0x20 && c < 0x7F) || c == '\t'; }

void append_hex_escape(std::string& out, char prefix, std::uint32_t value, int digits) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '\\';
    out += prefix;
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xF];
}

void append_control(std::string& out, unsigned char c) {
    switch (c) {
        case '\a': out += "\\a"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\v': out += "\\v"; return;
        default: append_hex_escape(out, 'x', c, 2);
    }
}

}  // namespace

bool is_log_safe(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (plain_ascii(c)) {
            ++i;
            continue;
        }
        if (c < 0x80) return false;
        const auto d = nats_sdk::decode_go_rune(text, i);
        if ((d.width == 1 && d.rune == nats_sdk::go_rune_error) || !nats_sdk::go_is_print(d.rune)) return false;
        i += d.width;
    }
    return true;
}

void append_log_safe(std::string& out, std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (plain_ascii(c)) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            append_control(out, c);
            ++i;
            continue;
        }
        const auto d = nats_sdk::decode_go_rune(text, i);
        if (d.width == 1 && d.rune == nats_sdk::go_rune_error) {
            append_hex_escape(out, 'x', c, 2);  // each byte of invalid UTF-8 on its own, as %q does
        } else if (nats_sdk::go_is_print(d.rune)) {
            out.append(text.substr(i, d.width));
        } else if (d.rune < 0x10000) {
            append_hex_escape(out, 'u', d.rune, 4);
        } else {
            append_hex_escape(out, 'U', d.rune, 8);
        }
        i += d.width;
    }
}

std::string log_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_log_safe(out, text);
    return out;
}

}  // namespace nats::log
