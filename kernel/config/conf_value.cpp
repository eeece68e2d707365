#include "kernel/config/conf_value.hpp"

#include "kernel/config/duration.hpp"

namespace nats::config {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

std::string Location::to_string() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view Value::type_name(Type t) {
    switch (t) {
        case Type::null: return "null";
        case Type::boolean: return "bool";
        case Type::integer: return "integer";
        case Type::floating: return "float";
        case Type::string: return "string";
        case Type::array: return "array";
        case Type::map: return "map";
    }
    return "unknown";
}

std::string_view Value::type_name() const { return type_name(type()); }

void Value::type_error(Type wanted) const {
    throw ConfigError(location_.to_string() + ": expected " + std::string(type_name(wanted)) + ", got " +
                      std::string(type_name()));
}

bool Value::as_bool() const {
    if (!is_bool()) type_error(Type::boolean);
    return std::get<bool>(data_);
}

std::int64_t Value::as_int() const {
    if (!is_int()) type_error(Type::integer);
    return std::get<std::int64_t>(data_);
}

double Value::as_double() const {
    if (is_int()) return static_cast<double>(std::get<std::int64_t>(data_));
    if (!is_double()) type_error(Type::floating);
    return std::get<double>(data_);
}

const std::string& Value::as_string() const {
    if (!is_string()) type_error(Type::string);
    return std::get<std::string>(data_);
}

const Array& Value::as_array() const {
    if (!is_array()) type_error(Type::array);
    return std::get<Array>(data_);
}

const Map& Value::as_map() const {
    if (!is_map()) type_error(Type::map);
    return std::get<Map>(data_);
}

const Value* Value::find(std::string_view key) const {
    if (!is_map()) return nullptr;
    const Value* found = nullptr;
    for (const auto& [k, v] : std::get<Map>(data_)) {
        if (iequals(k, key)) found = &v;
    }
    return found;
}

Value Value::make_null(Location loc) {
    Value v;
    v.location_ = std::move(loc);
    return v;
}

Value Value::make_bool(bool b, Location loc) {
    Value v;
    v.data_ = b;
    v.location_ = std::move(loc);
    return v;
}

Value Value::make_int(std::int64_t i, Location loc) {
    Value v;
    v.data_ = i;
    v.location_ = std::move(loc);
    return v;
}

Value Value::make_double(double d, Location loc) {
    Value v;
    v.data_ = d;
    v.location_ = std::move(loc);
    return v;
}

Value Value::make_string(std::string s, Location loc) {
    Value v;
    v.data_ = std::move(s);
    v.location_ = std::move(loc);
    return v;
}

Value Value::make_array(Array a, Location loc) {
    Value v;
    v.data_ = std::move(a);
    v.location_ = std::move(loc);
    return v;
}

Value Value::make_map(Map m, Location loc) {
    Value v;
    v.data_ = std::move(m);
    v.location_ = std::move(loc);
    return v;
}

std::optional<std::chrono::milliseconds> parse_duration(const Value& v) {
    if (v.is_int()) {
        // Older configs give whole seconds; nats-server still accepts them.
        const std::int64_t secs = v.as_int();
        constexpr std::int64_t max_secs = std::chrono::milliseconds::max().count() / 1000;
        if (secs > max_secs || secs < -max_secs) return std::nullopt;
        return std::chrono::seconds{secs};
    }
    if (!v.is_string()) return std::nullopt;
    const auto d = parse_go_duration(v.as_string());
    if (!d) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

}  // namespace nats::config
