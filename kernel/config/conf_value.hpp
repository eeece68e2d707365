#pragma once
// A value from a nats-server style config file, with the place it came from so
// that later validation errors can name file and line.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace nats::config {

// A config or flag error. what() is the whole message, for a config file in the
// form "<file>:<line>:<col>: <reason>" (line and column are 1-based).
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Location {
    std::string file;
    int line = 0;
    int column = 0;

    // "<file>:<line>:<col>", the prefix of every config error.
    std::string to_string() const;
};

class Value;
using Array = std::vector<Value>;
// Keys keep the order of the file; lookups are case-insensitive as in nats-server.
using Map = std::vector<std::pair<std::string, Value>>;

class Value {
public:
    enum class Type { null, boolean, integer, floating, string, array, map };

    Value() = default;
    Type type() const { return static_cast<Type>(data_.index()); }
    // Where the value was written. For an entry of a map this is the position of
    // its key (as nats-server reports it); for an array element its own position.
    const Location& location() const { return location_; }
    void set_location(Location loc) { location_ = std::move(loc); }

    bool is_null() const { return type() == Type::null; }
    bool is_bool() const { return type() == Type::boolean; }
    bool is_int() const { return type() == Type::integer; }
    bool is_double() const { return type() == Type::floating; }
    bool is_number() const { return is_int() || is_double(); }
    bool is_string() const { return type() == Type::string; }
    bool is_array() const { return type() == Type::array; }
    bool is_map() const { return type() == Type::map; }

    // The accessors throw ConfigError("<location>: expected <type>, got <type>")
    // when the value has another type.
    bool as_bool() const;
    std::int64_t as_int() const;          // sizes like 1MB are already integers
    double as_double() const;             // integers convert
    const std::string& as_string() const;
    const Array& as_array() const;
    const Map& as_map() const;
    // Case-insensitive lookup in a map; nullptr when absent or not a map. With
    // several matching keys the last one wins, as a later line overrides an earlier.
    const Value* find(std::string_view key) const;

    // "bool", "integer", "float", "string", "array", "map" or "null", for messages.
    std::string_view type_name() const;
    static std::string_view type_name(Type t);

    static Value make_null(Location loc = {});
    static Value make_bool(bool v, Location loc = {});
    static Value make_int(std::int64_t v, Location loc = {});
    static Value make_double(double v, Location loc = {});
    static Value make_string(std::string v, Location loc = {});
    static Value make_array(Array v, Location loc = {});
    static Value make_map(Map v, Location loc = {});

    // Structural equality; locations are ignored.
    friend bool operator==(const Value& a, const Value& b) { return a.data_ == b.data_; }

private:
    [[noreturn]] void type_error(Type wanted) const;

    std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Map> data_;
    Location location_;
    // Set when a $reference read this key's value: such keys are variables, not
    // settings, and nats-server does not call them unknown.
    mutable bool used_as_variable_ = false;

public:
    bool used_as_variable() const { return used_as_variable_; }
    void mark_used_as_variable() const { used_as_variable_ = true; }
    // A $reference's copy is a setting, whatever its source was.
    void clear_variable_mark() const { used_as_variable_ = false; }
};

// Parses the nats-server config syntax (conf/lex.go, conf/parse.go): key/value with
// ':', '=' or whitespace; nested maps and arrays; '#' and '//' comments; quoted and
// bare strings; include; $VARIABLES (block-scoped, then environment); sizes (1MB,
// 1GB, 1K ...) as integers. Throws ConfigError("<file>:<line>:<col>: <reason>").
// The result is always a map.
Value parse_config_file(const std::string& path);
Value parse_config_string(const std::string& text, const std::string& file_name_for_errors = "<string>");

// Parses a Go-style duration ("2m", "1h30m", "500ms", "10s") or a bare number of
// seconds; nullopt when malformed or of another type. See duration.hpp for the
// string-only form with Go's error messages.
std::optional<std::chrono::milliseconds> parse_duration(const Value& v);

// ASCII lower case: config keys and some values are case-insensitive, as in
// nats-server.
inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace nats::config
