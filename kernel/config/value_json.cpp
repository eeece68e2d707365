#include "kernel/config/value_json.hpp"

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

}  // namespace nats::config
