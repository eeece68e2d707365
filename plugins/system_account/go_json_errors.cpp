// Go's encoding/json syntax errors, so that a $SYS request with a malformed body
// gets the description nats-server sends. A small scanner with Go's states: it
// only has to find the first offending byte and say what it was looking for.
#include <cctype>
#include <string>

#include <nats_sdk/go_quote.hpp>

#include "plugins/system_account/request_options.hpp"

namespace nats::system_account {

namespace {

struct SyntaxError {
    std::string text;
};

// Go's quoteChar: 'x', '\'', '"', or strconv.Quote's escape in single quotes.
std::string quote_char(unsigned char c) {
    if (c == '\'') return R"('\'')";
    if (c == '"') return R"('"')";
    const std::string quoted = nats_sdk::go_quote(std::string(1, static_cast<char>(c)));
    return "'" + quoted.substr(1, quoted.size() - 2) + "'";
}

class Scanner {
public:
    explicit Scanner(std::string_view text) : s_(text) {}

    void document() {
        value("looking for beginning of value");
        skip_space();
        if (i_ < s_.size()) fail("after top-level value");
    }

private:
    [[noreturn]] void fail(std::string_view context) {
        if (i_ >= s_.size()) throw SyntaxError{"unexpected end of JSON input"};
        throw SyntaxError{"invalid character " + quote_char(static_cast<unsigned char>(s_[i_])) + " " +
                          std::string(context)};
    }
    void skip_space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }

    void value(std::string_view context) {
        skip_space();
        if (i_ >= s_.size()) fail(context);
        const char c = s_[i_];
        if (c == '{') return object();
        if (c == '[') return array();
        if (c == '"') return string();
        if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
        if (c == 't') return literal("true");
        if (c == 'f') return literal("false");
        if (c == 'n') return literal("null");
        fail(context);
    }
    void literal(std::string_view word) {
        ++i_;
        for (std::size_t k = 1; k < word.size(); ++k, ++i_) {
            if (i_ >= s_.size()) fail("");
            if (s_[i_] != word[k]) fail("in literal " + std::string(word) + " (expecting " + quote_char(word[k]) + ")");
        }
    }
    void digits() {
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void number() {
        if (at('-')) {
            ++i_;
            if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail("in numeric literal");
        }
        if (at('0')) ++i_;
        else digits();
        if (at('.')) {
            ++i_;
            if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail("after decimal point in numeric literal");
            digits();
        }
        if (at('e') || at('E')) {
            ++i_;
            if (at('+') || at('-')) ++i_;
            if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) fail("in exponent of numeric literal");
            digits();
        }
    }
    void string() {
        ++i_;  // the opening quote
        while (true) {
            if (i_ >= s_.size()) fail("");
            const unsigned char c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                return;
            }
            if (c < 0x20) fail("in string literal");
            if (c == '\\') {
                ++i_;
                if (i_ >= s_.size()) fail("");
                const char e = s_[i_];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k) {
                        ++i_;
                        if (i_ >= s_.size()) fail("");
                        if (!std::isxdigit(static_cast<unsigned char>(s_[i_]))) fail("in \\u hexadecimal character escape");
                    }
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    fail("in string escape code");
                }
            }
            ++i_;
        }
    }
    void object() {
        ++i_;
        skip_space();
        if (at('}')) {
            ++i_;
            return;
        }
        while (true) {
            skip_space();
            if (!at('"')) fail("looking for beginning of object key string");
            string();
            skip_space();
            if (!at(':')) fail("after object key");
            ++i_;
            value("looking for beginning of value");
            skip_space();
            if (at(',')) {
                ++i_;
                continue;
            }
            if (at('}')) {
                ++i_;
                return;
            }
            fail("after object key:value pair");
        }
    }
    void array() {
        ++i_;
        skip_space();
        if (at(']')) {
            ++i_;
            return;
        }
        while (true) {
            value("looking for beginning of value");
            skip_space();
            if (at(',')) {
                ++i_;
                continue;
            }
            if (at(']')) {
                ++i_;
                return;
            }
            fail("after array element");
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

std::string go_json_syntax_error(std::string_view body) {
    try {
        Scanner(body).document();
    } catch (const SyntaxError& e) {
        return e.text;
    }
    return "unexpected end of JSON input";  // not reached for text nlohmann refused
}

}  // namespace nats::system_account
