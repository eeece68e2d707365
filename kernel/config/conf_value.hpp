#pragma once
// A value from a nats-server style config file, with the place it came from so
// that later validation errors can name file and line.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace nats::config {

struct Location {
    std::string file;
    int line = 0;
    int column = 0;
};

class Value;
using Array = std::vector<Value>;
// Keys keep the order of the file; lookups are case-insensitive as in nats-server.
using Map = std::vector<std::pair<std::string, Value>>;

class Value {
public:
    enum class Type { null, boolean, integer, floating, string, array, map };

    Value() = default;
    // Factories and accessors are implemented by the config component; see conf_value.cpp.
    Type type() const;
    const Location& location() const { return location_; }

    bool is_null() const;
    bool as_bool() const;                 // throws ConfigError when not a bool
    std::int64_t as_int() const;          // sizes like 1MB are already integers
    double as_double() const;             // integers convert
    const std::string& as_string() const;
    const Array& as_array() const;
    const Map& as_map() const;
    // Case-insensitive lookup in a map; nullptr when absent or not a map.
    const Value* find(std::string_view key) const;

    static Value make_null(Location loc = {});
    static Value make_bool(bool v, Location loc = {});
    static Value make_int(std::int64_t v, Location loc = {});
    static Value make_double(double v, Location loc = {});
    static Value make_string(std::string v, Location loc = {});
    static Value make_array(Array v, Location loc = {});
    static Value make_map(Map v, Location loc = {});

private:
    std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Map> data_;
    Location location_;
};

// Parses the nats-server config syntax (conf/lex.go, conf/parse.go): key/value with
// ':', '=' or whitespace; nested maps and arrays; '#' and '//' comments; quoted and
// bare strings; include; $VARIABLES (block-scoped, then environment); sizes (1MB,
// 1GB, 1K ...) as integers. Throws ConfigError("<file>:<line>:<col>: <reason>").
Value parse_config_file(const std::string& path);
Value parse_config_string(const std::string& text, const std::string& file_name_for_errors = "<string>");

// Parses a Go-style duration ("2m", "1h30m", "500ms", "10s") or a bare number of
// seconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(const Value& v);

}  // namespace nats::config
