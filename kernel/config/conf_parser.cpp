// The nats-server config language. nats-server lexes with a state machine
// (conf/lex.go) and builds maps in conf/parse.go; this is a recursive-descent
// reader with the same token rules, so files that nats-server accepts read the
// same here. Deliberate differences are listed in README.md.
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "kernel/config/conf_value.hpp"

namespace nats::config {
namespace {

// Includes and variables that expand to more config nest; a cycle must not
// overflow the stack.
constexpr int max_nesting = 16;
// Maps and arrays inside each other, for the same reason.
constexpr int max_depth = 256;

// A syntax error keeps its reason apart, so an environment variable's error
// can be quoted inside the message of the reference that used it.
struct SyntaxError : ConfigError {
    SyntaxError(const Location& where, std::string why)
        : ConfigError(where.to_string() + ": " + why), reason(std::move(why)) {}
    std::string reason;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_nl(char c) { return c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_key_separator(char c) { return c == '=' || c == ':'; }
bool is_size_suffix(char c) {
    switch (c) {
        case 'k': case 'K': case 'm': case 'M': case 'g': case 'G':
        case 't': case 'T': case 'p': case 'P': case 'e': case 'E':
            return true;
        default:
            return false;
    }
}

// Multiplier for a size suffix, as conf/parse.go: k=1000, kb/ki/kib=1024, and so on.
std::optional<std::int64_t> size_multiplier(const std::string& suffix) {
    if (suffix.empty()) return 1;
    static constexpr std::string_view letters = "kmgtpe";
    const auto idx = letters.find(suffix[0]);
    if (idx == std::string_view::npos) return std::nullopt;
    const std::string_view rest = std::string_view(suffix).substr(1);
    std::int64_t base = 0;
    if (rest.empty()) {
        base = 1000;
    } else if (rest == "b" || rest == "i" || rest == "ib") {
        base = 1024;
    } else {
        return std::nullopt;
    }
    std::int64_t mult = 1;
    for (std::size_t i = 0; i <= idx; ++i) mult *= base;
    return mult;
}

std::string read_file(const std::string& path, std::string& error) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = "read " + path + ": is a directory";
        return {};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "open " + path + ": " + std::generic_category().message(errno);
        return {};
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Go's filepath.Join(filepath.Dir(file), name): the include name is always taken
// relative to the including file, even when it starts with '/'.
std::string include_path(const std::string& including_file, const std::string& name) {
    std::string dir = std::filesystem::path(including_file).parent_path().string();
    if (dir.empty()) dir = ".";
    const auto joined = std::filesystem::path(dir + "/" + name).lexically_normal().string();
    return joined.empty() ? std::string(".") : joined;
}

void set_entry(Map& m, std::string key, Value v) {
    for (auto& [k, existing] : m) {
        if (k == key) {
            existing = std::move(v);
            return;
        }
    }
    m.emplace_back(std::move(key), std::move(v));
}

class Parser {
public:
    // The parser keeps its own copy of the text (an environment value is a temporary).
    Parser(std::string text, std::string file, int depth)
        : owned_(std::move(text)), src_(owned_), file_(std::move(file)), depth_(depth) {}

    Map parse_document() {
        Map root;
        scopes_.push_back(&root);
        for (;;) {
            // Top level: blank lines, comments and the braces of a JSON-like file.
            while (!at_end()) {
                const char c = peek();
                if (is_space(c) || c == '{' || c == '}') {
                    advance();
                } else if (at_comment()) {
                    skip_comment();
                } else {
                    break;
                }
            }
            if (at_end()) break;
            if (peek() == '/') fail("Unexpected character '/'");
            if (!parse_entry(root, false)) break;
            top_value_end();
        }
        scopes_.pop_back();
        return root;
    }

private:
    bool at_end() const { return pos_ >= src_.size(); }
    char peek(std::size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
    char advance() {
        const char c = src_[pos_++];
        if (c == '\n') {
            ++line_;
            line_start_ = pos_;
        }
        return c;
    }
    Location here() const { return {file_, line_, static_cast<int>(pos_ - line_start_) + 1}; }
    bool at_comment() const { return peek() == '#' || (peek() == '/' && peek(1) == '/'); }
    void skip_comment() {
        while (!at_end() && !is_nl(peek())) advance();
    }
    void skip_blanks() {
        while (!at_end() && is_blank(peek())) advance();
    }
    void skip_spaces() {
        while (!at_end() && is_space(peek())) advance();
    }

    [[noreturn]] void fail(std::string reason) const { fail_at(here(), std::move(reason)); }
    [[noreturn]] static void fail_at(const Location& where, std::string reason) {
        throw SyntaxError(where, std::move(reason));
    }

    // A character as nats-server quotes it in messages.
    std::string describe_current() const {
        if (at_end()) return "EOF";
        switch (peek()) {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default: return std::string(1, peek());
        }
    }

    // One "key value" (or include) into m. Returns false when the input ended
    // after a key with no value, which nats-server silently ignores at the top.
    bool parse_entry(Map& m, bool in_map) {
        const Location key_loc = here();
        const char c = peek();
        if (is_key_separator(c)) fail(std::string("Unexpected key separator '") + c + (in_map ? "'." : "'"));
        if (in_map && c == ']') fail("Unexpected array end ']' processing map.");

        std::string key;
        if (c == '"' || c == '\'') {
            advance();
            const std::size_t start = pos_;
            while (!at_end() && peek() != c) advance();
            if (at_end()) {
                if (!in_map) fail("Unexpected EOF.");
                fail(c == '"' ? "Unexpected EOF processing double quoted map key." : "Unexpected EOF processing quoted map key.");
            }
            key.assign(src_.substr(start, pos_ - start));
            advance();
        } else {
            const std::size_t start = pos_;
            while (!at_end() && !is_space(peek()) && !is_key_separator(peek())) advance();
            if (at_end() && in_map) fail("Unexpected EOF processing map key.");
            key.assign(src_.substr(start, pos_ - start));
            if (!at_end() && is_space(peek()) && lower(key) == "include") {
                parse_include(m, key_loc);
                return true;
            }
        }

        skip_spaces();
        if (at_end()) {
            if (in_map) fail("Unexpected EOF processing map.");
            return false;
        }
        const bool had_separator = is_key_separator(peek());
        if (had_separator) advance();
        if (in_map) {
            // Inside a map the value may start on a later line.
            skip_spaces();
            if (peek() == ',') fail("Unexpected map value terminator \",\".");
            if (peek() == '}') fail("Expected a value for key '" + key + "'");
            if (at_end()) fail("Unexpected EOF processing map.");
        }
        Value v = parse_value(false);
        v.set_location(key_loc);
        set_entry(m, std::move(key), std::move(v));
        return true;
    }

    void top_value_end() {
        skip_blanks();
        if (at_end()) return;
        if (at_comment()) {
            skip_comment();
            return;
        }
        const char c = peek();
        if (is_nl(c) || c == ';' || c == ',' || c == '}') {
            advance();
            return;
        }
        fail("Expected a top-level value to end with a new line, comment or EOF, but got '" + describe_current() +
             "' instead.");
    }

    void parse_include(Map& m, const Location& where) {
        skip_blanks();
        const Location name_loc = here();
        std::string name;
        const char c = peek();
        if (c == '"' || c == '\'') {
            advance();
            const std::size_t start = pos_;
            while (!at_end() && peek() != c) advance();
            if (at_end()) fail(c == '"' ? "Unexpected EOF in double quoted include" : "Unexpected EOF in quoted include");
            name.assign(src_.substr(start, pos_ - start));
            advance();
        } else {
            if (at_end()) fail("Expected include value but found EOF");
            if (c == '[') fail("Expected include value but found start of an array");
            if (c == '{') fail("Expected include value but found start of a map");
            if (c == '(') fail("Expected include value but found start of a block");
            if (is_digit(c) || c == '-') fail("Expected include value but found start of a number");
            if (c == '\\') fail("Expected include value but found escape sequence");
            if (is_nl(c)) fail("Expected include value but found new line");
            const std::size_t start = pos_;
            while (!at_end()) {
                const char d = peek();
                if (is_nl(d) || d == ';' || d == '}' || is_blank(d) || d == '\'') break;
                advance();
            }
            name.assign(src_.substr(start, pos_ - start));
            if (peek() == '\'') advance();
        }

        if (depth_ + 1 >= max_nesting) fail_at(name_loc, "error parsing include file '" + name + "', includes nested too deeply");
        const std::string path = include_path(file_, name);
        std::string error;
        std::string text = read_file(path, error);
        if (!error.empty()) fail_at(where, "error parsing include file '" + name + "', " + error);
        // An included file is read on its own (its own variable scope), and its
        // top-level keys land in the map that holds the include.
        Parser inner(std::move(text), path, depth_ + 1);
        for (auto& [k, v] : inner.parse_document()) set_entry(m, k, std::move(v));
    }

    Value parse_value(bool in_array) {
        skip_blanks();
        const Location loc = here();
        if (at_end()) return Value::make_string("", loc);  // "key =" at the very end reads as ""
        const char c = peek();
        switch (c) {
            case '[':
            case '{': {
                if (containers_ >= max_depth) fail("Maps and arrays nested too deeply");
                advance();
                ++containers_;
                Value v = c == '[' ? parse_array(loc) : parse_map(loc);
                --containers_;
                return v;
            }
            case '\'': {
                advance();
                const std::size_t start = pos_;
                while (!at_end() && peek() != '\'') advance();
                if (at_end()) fail("Unexpected EOF.");
                std::string s(src_.substr(start, pos_ - start));
                advance();
                return Value::make_string(std::move(s), loc);
            }
            case '"':
                advance();
                return parse_quoted(loc);
            case '-':
                advance();
                return parse_negative_number(loc, in_array);
            case '(':
                advance();
                return parse_block(loc);
            case '.':
                fail("Floats must start with a digit");
            default:
                break;
        }
        if (is_digit(c)) return parse_number(loc, in_array);
        if (is_nl(c)) fail("Expected value but found new line");
        return parse_bare(pos_, loc);
    }

    Value parse_array(const Location& loc) {
        Array items;
        for (;;) {
            // Before a value: any space, comments; ']' closes (a trailing comma is fine).
            for (;;) {
                skip_spaces();
                if (at_comment()) {
                    skip_comment();
                    continue;
                }
                break;
            }
            if (at_end()) fail("Unexpected EOF processing array.");
            if (peek() == ',') fail("Unexpected array value terminator ','.");
            if (peek() == ']') {
                advance();
                break;
            }
            items.push_back(parse_value(true));
            // After a value: ',' or a new line, or ']'.
            for (;;) {
                skip_blanks();
                if (at_comment()) {
                    skip_comment();
                    continue;
                }
                break;
            }
            if (at_end()) fail("Unexpected EOF processing array.");
            const char c = peek();
            if (c == ',' || is_nl(c)) {
                advance();
                continue;
            }
            if (c == ']') {
                advance();
                break;
            }
            fail("Expected an array value terminator \",\" or an array terminator \"]\", but got '" +
                 describe_current() + "' instead.");
        }
        return Value::make_array(std::move(items), loc);
    }

    Value parse_map(const Location& loc) {
        Map m;
        scopes_.push_back(&m);
        for (;;) {
            for (;;) {
                skip_spaces();
                if (at_comment()) {
                    skip_comment();
                    continue;
                }
                break;
            }
            if (at_end()) fail("Unexpected EOF processing map.");
            if (peek() == '}') {
                advance();
                break;
            }
            parse_entry(m, true);
            for (;;) {
                skip_blanks();
                if (at_comment()) {
                    skip_comment();
                    continue;
                }
                break;
            }
            if (at_end()) fail("Unexpected EOF processing map.");
            const char c = peek();
            if (c == ',' || c == ';' || is_nl(c)) {
                advance();
                continue;
            }
            if (c == '}') {
                advance();
                break;
            }
            fail("Expected a map value terminator \",\" or a map terminator \"}\", but got '" + describe_current() +
                 "' instead.");
        }
        scopes_.pop_back();
        return Value::make_map(std::move(m), loc);
    }

    // After a backslash in a double-quoted or bare string.
    void parse_escape(std::string& out) {
        if (at_end()) fail("Unexpected EOF in escape sequence.");
        const char c = advance();
        switch (c) {
            case 't': out += '\t'; return;
            case 'n': out += '\n'; return;
            case 'r': out += '\r'; return;
            case '"': out += '"'; return;
            case '\\': out += '\\'; return;
            case 'x': break;
            default:
                fail_at(here(), std::string("Invalid escape character '") + c +
                                    "'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.");
        }
        if (at_end() || is_nl(peek()) || is_nl(peek(1)) || pos_ + 1 >= src_.size()) {
            fail("Expected two hexadecimal digits after '\\x', but hit end of line");
        }
        const std::string_view hex = src_.substr(pos_, 2);
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + 2, value, 16);
        if (ec != std::errc() || ptr != hex.data() + 2) {
            fail("Expected two hexadecimal digits after '\\x', but got '" + std::string(hex) + "'");
        }
        advance();
        advance();
        out += static_cast<char>(value);
    }

    Value parse_quoted(const Location& loc) {
        std::string out;
        for (;;) {
            if (at_end()) fail("Unexpected EOF.");
            const char c = advance();
            if (c == '"') break;
            if (c == '\\') {
                parse_escape(out);
            } else {
                out += c;
            }
        }
        return Value::make_string(std::move(out), loc);
    }

    // A '(' block runs to a ')' alone on its line; the text keeps its new lines.
    Value parse_block(const Location& loc) {
        const std::size_t start = pos_;
        for (;;) {
            if (at_end()) fail("Unexpected EOF processing block.");
            const char c = advance();
            if (c == ')' && pos_ >= 2 && src_[pos_ - 2] == '\n' && pos_ - 1 > start &&
                (at_end() || peek() == '\n')) {
                return Value::make_string(std::string(src_.substr(start, pos_ - 1 - start)), loc);
            }
        }
    }

    // Ends a number: a new line, EOF, '}', ';', ',', blank. nats-server does not
    // count ']' here, so "[1,2]" fails there; we end numbers at ']' inside arrays.
    bool ends_number(bool in_array) const {
        if (at_end()) return true;
        const char c = peek();
        return is_nl(c) || c == '}' || c == ';' || c == ',' || is_blank(c) || (in_array && c == ']');
    }

    Value parse_number(const Location& loc, bool in_array) {
        const std::size_t start = pos_;
        while (is_digit(peek())) advance();
        const char c = peek();
        if (c == '-') {
            if (pos_ - start != 4) fail("All ISO8601 dates must be in full Zulu form.");
            advance();
            return parse_date(start, loc);
        }
        if (c == '.') {
            advance();
            return parse_fraction(start, loc);
        }
        if (is_size_suffix(c)) {
            advance();
            while (peek() == 'b' || peek() == 'B' || peek() == 'i' || peek() == 'I') advance();
            if (ends_number(in_array) || is_digit(peek())) return make_integer(start, loc);
            return parse_bare(start, loc);
        }
        if (ends_number(in_array)) return make_integer(start, loc);
        // Anything else makes it a string that happens to start with digits ("1abc", "4222:x").
        advance();
        return parse_bare(start, loc);
    }

    Value parse_negative_number(const Location& loc, bool in_array) {
        const std::size_t start = pos_ - 1;
        if (!is_digit(peek())) {
            if (peek() == '.') fail("Floats must start with a digit, not '.'.");
            fail("Expected a digit but got '" + describe_current() + "'.");
        }
        while (is_digit(peek())) advance();
        if (peek() == '.') {
            advance();
            return parse_fraction(start, loc);
        }
        if (is_size_suffix(peek())) {
            advance();
            while (peek() == 'b' || peek() == 'B' || peek() == 'i' || peek() == 'I') advance();
            if (ends_number(in_array) || is_digit(peek())) return make_integer(start, loc);
            return parse_bare(start, loc);
        }
        return make_integer(start, loc);
    }

    // After "<digits>." : a float, or an address like 127.0.0.1:4222 kept as a string.
    Value parse_fraction(std::size_t start, const Location& loc) {
        if (!is_digit(peek())) {
            fail("Floats must have a digit after the '.', but got '" + describe_current() + "' instead.");
        }
        while (is_digit(peek())) advance();
        if (peek() == '.') {
            advance();
            while (is_digit(peek()) || peek() == '.' || peek() == ':' || peek() == '-') advance();
            return Value::make_string(std::string(src_.substr(start, pos_ - start)), loc);
        }
        const std::string text(src_.substr(start, pos_ - start));
        double d = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec == std::errc::result_out_of_range) fail_at(loc, "float '" + text + "' is out of the range");
        if (ec != std::errc() || ptr != text.data() + text.size()) fail_at(loc, "expected float, but got '" + text + "'");
        return Value::make_double(d, loc);
    }

    // Dates are lexed as nats-server does (full Zulu form only) and kept as strings.
    Value parse_date(std::size_t start, const Location& loc) {
        static constexpr std::string_view format = "00-00T00:00:00Z";
        for (const char f : format) {
            const std::string got = describe_current();
            const char c = at_end() ? '\0' : peek();
            if (f == '0') {
                if (!is_digit(c)) fail("Expected digit in ISO8601 datetime, but found '" + got + "' instead.");
            } else if (c != f) {
                fail(std::string("Expected '") + f + "' in ISO8601 datetime, but found '" + got + "' instead.");
            }
            advance();
        }
        return Value::make_string(std::string(src_.substr(start, pos_ - start)), loc);
    }

    Value make_integer(std::size_t start, const Location& loc) {
        const std::string text(src_.substr(start, pos_ - start));
        std::size_t digits = 0;
        while (digits < text.size() && (is_digit(text[digits]) || text[digits] == '-')) ++digits;
        std::int64_t n = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, n);
        if (ec == std::errc::result_out_of_range) fail_at(loc, "integer '" + text + "' is out of the range");
        if (ec != std::errc() || ptr != text.data() + digits) fail_at(loc, "expected integer, but got '" + text + "'");
        const auto mult = size_multiplier(lower(text.substr(digits)));
        if (!mult) fail_at(loc, "invalid size suffix in '" + text + "'");
        std::int64_t result = 0;
        if (__builtin_mul_overflow(n, *mult, &result)) fail_at(loc, "integer '" + text + "' is out of the range");
        return Value::make_int(result, loc);
    }

    // A bare (unquoted) string from start; it may already be partly consumed when
    // a number turned out not to be one. Bare words can be booleans or $variables.
    Value parse_bare(std::size_t start, const Location& loc) {
        std::string out;
        std::size_t segment = start;
        bool escaped = false;
        bool closed_by_quote = false;
        while (!at_end()) {
            const char c = peek();
            if (c == '\\') {
                out.append(src_.substr(segment, pos_ - segment));
                advance();
                parse_escape(out);
                escaped = true;
                segment = pos_;
                continue;
            }
            if (is_nl(c) || c == ';' || c == ',' || c == ']' || c == '}' || is_blank(c)) break;
            if (c == '\'') {
                closed_by_quote = true;
                break;
            }
            advance();
        }
        out.append(src_.substr(segment, pos_ - segment));
        if (closed_by_quote) advance();  // nats-server ends a bare word at a quote and drops it
        if (escaped) return Value::make_string(std::move(out), loc);
        const std::string word = lower(out);
        if (word == "true" || word == "yes" || word == "on") return Value::make_bool(true, loc);
        if (word == "false" || word == "no" || word == "off") return Value::make_bool(false, loc);
        if (!out.empty() && out[0] == '$') return resolve_variable(out.substr(1), loc);
        return Value::make_string(std::move(out), loc);
    }

    Value resolve_variable(const std::string& name, const Location& loc) {
        // bcrypt hashes ($2a$...) are written bare and are not variables.
        if (name.rfind("2a$", 0) == 0) return Value::make_string("$" + name, loc);
        for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
            const Value* found = nullptr;
            for (const auto& [k, v] : **it) {
                if (k == name) found = &v;
            }
            if (found) {
                found->mark_used_as_variable();
                Value copy = *found;
                copy.clear_variable_mark();
                copy.set_location(loc);
                return copy;
            }
        }
        const std::string line = std::to_string(loc.line);
        if (const char* env = std::getenv(name.c_str())) {
            // The environment gives text; read it as the value of a one-line file.
            try {
                if (depth_ + 1 >= max_nesting) fail_at(loc, "variables nested too deeply");
                Parser inner("pk=" + std::string(env), "<env " + name + ">", depth_ + 1);
                Map m = inner.parse_document();
                for (auto it = m.rbegin(); it != m.rend(); ++it) {
                    if (it->first != "pk") continue;
                    Value v = std::move(it->second);
                    v.set_location(loc);
                    return v;
                }
            } catch (const SyntaxError& e) {
                fail_at(loc, "variable reference for '" + name + "' on line " + line + " could not be parsed: " + e.reason);
            }
        }
        fail_at(loc, "variable reference for '" + name + "' on line " + line + " can not be found");
    }

    std::string owned_;
    std::string_view src_;
    std::string file_;
    int depth_ = 0;
    int containers_ = 0;
    std::size_t pos_ = 0;
    int line_ = 1;
    std::size_t line_start_ = 0;
    // Maps under construction, outermost first, for $variable lookup.
    std::vector<const Map*> scopes_;
};

}  // namespace

Value parse_config_string(const std::string& text, const std::string& file_name_for_errors) {
    Parser p(text, file_name_for_errors, 0);
    return Value::make_map(p.parse_document(), Location{file_name_for_errors, 1, 1});
}

Value parse_config_file(const std::string& path) {
    std::string error;
    const std::string text = read_file(path, error);
    if (!error.empty()) throw ConfigError("error opening config file: " + error);
    return parse_config_string(text, path);
}

}  // namespace nats::config
