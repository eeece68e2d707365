#pragma once
// JSON text byte for byte as nats-server writes it, which is Go's
// encoding/json: MarshalIndent's two-space layout (or Marshal's compact one),
// HTML-safe string escapes (<, >, & as \u003c ...), invalid UTF-8 replaced by
// \ufffd, and Go's float text (2, not 2.0). Tools that compare monitoring
// output with nats-server's see the same bytes.
//
// GoJsonWriter streams straight into a string, without building a document
// first: the kernel renders a 10,000-connection /connz with it in one pass.
// write_go_json() writes a whole nlohmann::json document the same way.
//
// Header-only: nothing here crosses the ABI.

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nats_sdk {

namespace detail {

// Length of the UTF-8 sequence at s[i], or 0 when it is not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF included).
inline std::size_t go_utf8_length(std::string_view s, std::size_t i) {
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
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

}  // namespace detail

// Appends `text` as a JSON string literal with Go's escapes.
inline void append_go_json_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    const auto flush = [&](std::size_t end) { out.append(text.data() + plain, end - plain); };
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            ++i;  // the common case: nothing to escape
            continue;
        }
        flush(i);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:  // other control bytes and the HTML-unsafe <, >, &
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xF];
            }
            plain = ++i;
            continue;
        }
        const std::size_t n = detail::go_utf8_length(text, i);
        if (n == 0) {
            out += "\\ufffd";  // Go replaces invalid bytes one at a time
            plain = ++i;
            continue;
        }
        const std::string_view seq = text.substr(i, n);
        if (seq == "\xE2\x80\xA8") out += "\\u2028";  // line and paragraph separators
        else if (seq == "\xE2\x80\xA9") out += "\\u2029";
        else out += seq;
        plain = i += n;
    }
    flush(text.size());
    out += '"';
}

// Appends a float as Go writes it: 'f' format unless the exponent is below -6
// or at least 21, the shortest digits that round-trip, and "e-07" as "e-7".
// NaN and infinities, which Go refuses to encode, become null.
inline void append_go_json_float(std::string& out, double f) {
    if (!std::isfinite(f)) {
        out += "null";
        return;
    }
    const double a = std::fabs(f);
    const bool exponent = a != 0 && (a < 1e-6 || a >= 1e21);
    char buf[64];
    const auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf, f, exponent ? std::chars_format::scientific : std::chars_format::fixed);
    std::string_view digits(buf, ec == std::errc() ? static_cast<std::size_t>(end - buf) : 0);
    const auto e = digits.find('e');
    if (exponent && e != std::string_view::npos && e + 3 < digits.size() && digits[e + 1] == '-' &&
        digits[e + 2] == '0') {
        out.append(digits.substr(0, e + 2));
        out.append(digits.substr(e + 3));
        return;
    }
    out.append(digits);
}

// Writes one JSON value as a sequence of calls:
//
//   GoJsonWriter w;
//   w.begin_object().field("cid", 7).key("subscriptions_list").begin_array();
//   for (auto& s : subjects) w.value(s);
//   w.end_array().end_object();
//   std::string body = w.take();
//
// The caller keeps the calls well formed (a key before each member value, ends
// matching begins); the writer handles commas, line breaks and indentation,
// and writes an empty object or array as {} or [] as Go does.
class GoJsonWriter {
public:
    // indent: MarshalIndent(v, "", "  "); otherwise Marshal.
    explicit GoJsonWriter(bool indent = true) : indent_(indent) {}

    GoJsonWriter& begin_object() { return open('{'); }
    GoJsonWriter& end_object() { return close('}'); }
    GoJsonWriter& begin_array() { return open('['); }
    GoJsonWriter& end_array() { return close(']'); }

    // The next member's name; its value follows with value() or begin_*().
    GoJsonWriter& key(std::string_view name) {
        next_item();
        append_go_json_string(out_, name);
        out_ += indent_ ? ": " : ":";
        after_key_ = true;
        return *this;
    }

    GoJsonWriter& value(std::string_view text) {
        before_value();
        append_go_json_string(out_, text);
        return *this;
    }
    GoJsonWriter& value(const char* text) { return value(std::string_view(text)); }
    GoJsonWriter& value(bool b) {
        before_value();
        out_ += b ? "true" : "false";
        return *this;
    }
    template <std::integral Int>
        requires(!std::same_as<Int, bool>)
    GoJsonWriter& value(Int n) {
        before_value();
        char buf[24];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
        out_.append(buf, ec == std::errc() ? end : buf);
        return *this;
    }
    GoJsonWriter& value(double f) {
        before_value();
        append_go_json_float(out_, f);
        return *this;
    }
    GoJsonWriter& null() {
        before_value();
        out_ += "null";
        return *this;
    }
    template <class T>
    GoJsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& text() const { return out_; }
    std::string take() { return std::move(out_); }
    void reserve(std::size_t bytes) { out_.reserve(bytes); }

private:
    GoJsonWriter& open(char bracket) {
        before_value();
        out_ += bracket;
        has_items_.push_back(false);
        return *this;
    }
    GoJsonWriter& close(char bracket) {
        const bool had_items = !has_items_.empty() && has_items_.back();
        if (!has_items_.empty()) has_items_.pop_back();
        if (had_items) new_line();
        out_ += bracket;
        return *this;
    }
    // A value right after its key sits on the key's line; an array element
    // (or a member's key) starts a line of its own.
    void before_value() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!has_items_.empty()) next_item();
    }
    void next_item() {
        if (has_items_.back()) out_ += ',';
        has_items_.back() = true;
        new_line();
    }
    void new_line() {
        if (!indent_) return;
        out_ += '\n';
        out_.append(has_items_.size() * 2, ' ');
    }

    std::string out_;
    bool indent_;
    bool after_key_ = false;
    std::vector<bool> has_items_;  // one per open object or array
};

// Writes a whole nlohmann::json or ordered_json value (any basic_json) through
// `w`, members in the value's own order (ordered_json keeps insertion order,
// json sorts keys as Go sorts a map's).
template <class Json>
void write_go_json(GoJsonWriter& w, const Json& v) {
    if (v.is_object()) {
        w.begin_object();
        for (auto it = v.begin(); it != v.end(); ++it) {
            w.key(it.key());
            write_go_json(w, it.value());
        }
        w.end_object();
    } else if (v.is_array()) {
        w.begin_array();
        for (const auto& item : v) write_go_json(w, item);
        w.end_array();
    } else if (v.is_string()) {
        w.value(std::string_view(v.template get_ref<const typename Json::string_t&>()));
    } else if (v.is_boolean()) {
        w.value(v.template get<bool>());
    } else if (v.is_number_unsigned()) {
        w.value(v.template get<std::uint64_t>());
    } else if (v.is_number_integer()) {
        w.value(v.template get<std::int64_t>());
    } else if (v.is_number_float()) {
        w.value(v.template get<double>());
    } else {
        w.null();
    }
}

}  // namespace nats_sdk
