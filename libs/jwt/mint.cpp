#include "libs/jwt/mint.hpp"

namespace nats::jwt {

namespace {

nlohmann::json base(std::string_view name, std::string_view subject, std::string_view type) {
    return {{"name", std::string(name)}, {"sub", std::string(subject)},
            {"nats", {{"type", std::string(type)}, {"version", 2}}}};
}

}  // namespace

nlohmann::json operator_claims(std::string_view name, std::string_view operator_key) {
    return base(name, operator_key, "operator");
}

nlohmann::json account_claims(std::string_view name, std::string_view account_key) {
    auto claims = base(name, account_key, "account");
    claims["nats"]["limits"] = {{"subs", -1},      {"data", -1},      {"payload", -1},  {"imports", -1},
                                {"exports", -1},   {"wildcards", true}, {"conn", -1},   {"leaf", -1}};
    claims["nats"]["default_permissions"] = {{"pub", nlohmann::json::object()}, {"sub", nlohmann::json::object()}};
    return claims;
}

nlohmann::json user_claims(std::string_view name, std::string_view user_key) {
    auto claims = base(name, user_key, "user");
    claims["nats"]["pub"] = nlohmann::json::object();
    claims["nats"]["sub"] = nlohmann::json::object();
    claims["nats"]["subs"] = -1;
    claims["nats"]["data"] = -1;
    claims["nats"]["payload"] = -1;
    return claims;
}

nlohmann::json activation_claims(std::string_view importer, std::string_view subject, std::string_view kind) {
    auto claims = base(std::string(subject), importer, "activation");
    claims["nats"]["subject"] = std::string(subject);
    claims["nats"]["kind"] = std::string(kind);
    return claims;
}

}  // namespace nats::jwt
