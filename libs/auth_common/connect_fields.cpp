#include "libs/auth_common/connect_fields.hpp"

#include <array>

namespace nats::auth_common {

bool field_given(const nlohmann::json& connect, std::string_view name) {
    if (!connect.is_object()) return false;
    const auto it = connect.find(name);
    if (it == connect.end() || it->is_null()) return false;
    return !(it->is_string() && it->get_ref<const std::string&>().empty());
}

bool carries_no_credentials(const nlohmann::json& connect) {
    static constexpr std::array<std::string_view, 5> credentials = {"user", "pass", "auth_token", "nkey", "jwt"};
    for (const auto name : credentials) {
        if (field_given(connect, name)) return false;
    }
    return true;
}

std::string_view for_log(std::string_view text) {
    constexpr std::size_t max = 64;
    return text.size() <= max ? text : text.substr(0, max);
}

}  // namespace nats::auth_common
