#include "plugins/monitoring/go_json.hpp"

#include <charconv>
#include <cmath>

namespace nats::monitoring {

namespace {

using nlohmann::ordered_json;

// Length of the UTF-8 sequence at `s[i]`, or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void append_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                        out += "\\u00";
                        out += hex[c >> 4];
                        out += hex[c & 0xF];
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        const std::size_t n = utf8_length(s, i);
        if (n == 0) {
            out += "\\ufffd";  // Go replaces invalid bytes one at a time
            ++i;
            continue;
        }
        const std::string_view seq = s.substr(i, n);
        if (seq == "\xE2\x80\xA8") out += "\\u2028";
        else if (seq == "\xE2\x80\xA9") out += "\\u2029";
        else out += seq;
        i += n;
    }
    out += '"';
}

// Go: 'f' format unless the exponent is below -6 or at least 21, shortest
// digits that round-trip, and "e-07" written as "e-7".
void append_float(std::string& out, double f) {
    if (!std::isfinite(f)) {
        out += "null";  // Go refuses to encode these; never produced by our pages
        return;
    }
    const double a = std::fabs(f);
    const bool exponent = a != 0 && (a < 1e-6 || a >= 1e21);
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f,
                                   exponent ? std::chars_format::scientific : std::chars_format::fixed);
    std::string text(buf, ec == std::errc() ? end : buf);
    if (exponent) {
        const auto e = text.find('e');
        if (e != std::string::npos && e + 3 < text.size() && text[e + 1] == '-' && text[e + 2] == '0')
            text.erase(e + 2, 1);
    }
    out += text;
}

void append(std::string& out, const ordered_json& v, bool indent, int depth) {
    auto newline = [&](int level) {
        if (!indent) return;
        out += '\n';
        out.append(static_cast<std::size_t>(level) * 2, ' ');
    };
    switch (v.type()) {
        case ordered_json::value_t::object: {
            if (v.empty()) {
                out += "{}";
                return;
            }
            out += '{';
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (!first) out += ',';
                first = false;
                newline(depth + 1);
                append_string(out, it.key());
                out += indent ? ": " : ":";
                append(out, it.value(), indent, depth + 1);
            }
            newline(depth);
            out += '}';
            return;
        }
        case ordered_json::value_t::array: {
            if (v.empty()) {
                out += "[]";
                return;
            }
            out += '[';
            bool first = true;
            for (const auto& item : v) {
                if (!first) out += ',';
                first = false;
                newline(depth + 1);
                append(out, item, indent, depth + 1);
            }
            newline(depth);
            out += ']';
            return;
        }
        case ordered_json::value_t::string: append_string(out, v.get_ref<const std::string&>()); return;
        case ordered_json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
        case ordered_json::value_t::number_integer: out += std::to_string(v.get<std::int64_t>()); return;
        case ordered_json::value_t::number_unsigned: out += std::to_string(v.get<std::uint64_t>()); return;
        case ordered_json::value_t::number_float: append_float(out, v.get<double>()); return;
        default: out += "null"; return;
    }
}

}  // namespace

std::string go_json(const nlohmann::ordered_json& value, bool indent) {
    std::string out;
    append(out, value, indent, 0);
    return out;
}

std::string go_quote_json(std::string_view text) {
    std::string out;
    append_string(out, text);
    return out;
}

}  // namespace nats::monitoring
