#include "kernel/config/value_json.hpp"

#include <cstdint>

namespace nats::config {

nlohmann::ordered_json to_json(const Value& v) {
    switch (v.type()) {
        case Value::Type::null: return nullptr;
        case Value::Type::boolean: return v.as_bool();
        case Value::Type::integer: return v.as_int();
        case Value::Type::floating: return v.as_double();
        case Value::Type::string: return v.as_string();
        case Value::Type::array: {
            auto out = nlohmann::ordered_json::array();
            for (const auto& item : v.as_array()) out.push_back(to_json(item));
            return out;
        }
        case Value::Type::map: {
            auto out = nlohmann::ordered_json::object();
            // Keys a $reference read are variables, not settings: plugins never see them.
            for (const auto& [k, item] : v.as_map())
                if (!item.used_as_variable()) out[k] = to_json(item);
            return out;
        }
    }
    return nullptr;
}

Value from_json(const nlohmann::json& j, const Location& where) {
    switch (j.type()) {
        case nlohmann::json::value_t::boolean: return Value::make_bool(j.get<bool>(), where);
        case nlohmann::json::value_t::number_integer: return Value::make_int(j.get<std::int64_t>(), where);
        case nlohmann::json::value_t::number_unsigned: {
            const auto u = j.get<std::uint64_t>();
            if (u <= static_cast<std::uint64_t>(INT64_MAX)) return Value::make_int(static_cast<std::int64_t>(u), where);
            return Value::make_double(static_cast<double>(u), where);
        }
        case nlohmann::json::value_t::number_float: return Value::make_double(j.get<double>(), where);
        case nlohmann::json::value_t::string: return Value::make_string(j.get<std::string>(), where);
        case nlohmann::json::value_t::array: {
            Array items;
            for (const auto& item : j) items.push_back(from_json(item, where));
            return Value::make_array(std::move(items), where);
        }
        case nlohmann::json::value_t::object: {
            Map entries;
            for (const auto& [k, item] : j.items()) entries.emplace_back(k, from_json(item, where));
            return Value::make_map(std::move(entries), where);
        }
        default: return Value::make_null(where);
    }
}

}  // namespace nats::config
