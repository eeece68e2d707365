#include "libs/auth_common/permissions.hpp"

#include <nats_sdk/go_time.hpp>
#include <nats_sdk/subject.hpp>

#include <string>
#include <vector>

#include "libs/auth_common/config_error.hpp"
#include "libs/auth_common/json_text.hpp"

namespace nats::auth_common {
namespace {

using nlohmann::json;
using nats_sdk::subject::is_valid_subject;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::vector<std::string_view> fields(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) ++i;
        if (i > start) out.push_back(text.substr(start, i - start));
    }
    return out;
}

// A subject, or for subscribe also "subject queue" (a queue-group permission),
// written back with a single space.
std::string checked_subject(std::string_view subject, bool allow_queue, std::string_view where) {
    if (is_valid_subject(subject)) return std::string(subject);
    if (!allow_queue) throw config_error(where, "subject " + in_quotes(subject) + " is not a valid subject");
    const auto parts = fields(subject);
    if (parts.size() != 2) throw config_error(where, "subject " + in_quotes(subject) + " is not a valid subject");
    if (!is_valid_subject(parts[0])) throw config_error(where, "subject " + in_quotes(parts[0]) + " is not a valid subject");
    if (!is_valid_subject(parts[1])) throw config_error(where, "queue " + in_quotes(parts[1]) + " is not a valid queue");
    return std::string(parts[0]) + " " + std::string(parts[1]);
}

// A subject or a list of subjects. An empty list restricts nothing, as in nats-server.
json subject_list(const json& value, bool allow_queue, std::string_view where) {
    json out = json::array();
    if (value.is_string()) {
        out.push_back(checked_subject(value.get_ref<const std::string&>(), allow_queue, where));
    } else if (value.is_array()) {
        for (const auto& item : value) {
            if (!item.is_string()) throw config_error(where, "Subject in permissions array cannot be cast to string");
            out.push_back(checked_subject(item.get_ref<const std::string&>(), allow_queue, where));
        }
    } else {
        throw config_error(where, "Expected subject permissions to be a subject, or array of subjects, got " +
                                      go_type_name(value));
    }
    return out;
}

// publish/subscribe: the old style (a subject or a list = allow) or {allow, deny}.
json subject_permission(const json& value, bool allow_queue, std::string_view where) {
    json out = json::object();
    if (!value.is_object()) {
        json allow = subject_list(value, allow_queue, where);
        if (!allow.empty()) out["allow"] = std::move(allow);
        return out;
    }
    for (const auto& item : value.items()) {
        const std::string key = lower(item.key());
        if (key != "allow" && key != "deny") {
            throw config_error(where, "Unknown field name " + in_quotes(item.key()) +
                                          " parsing subject permissions, only 'allow' or 'deny' are permitted");
        }
        json list = subject_list(item.value(), allow_queue, member_path(where, item.key()));
        if (list.empty()) {
            out.erase(key);
        } else {
            out[key] = std::move(list);
        }
    }
    return out;
}

json response_permission(const json& value, std::string_view where) {
    json out = {{"max", default_response_max}, {"expires", default_response_expires_ns}};
    if (!value.is_object()) throw config_error(where, "error parsing response permissions, expected a boolean or a map");
    for (const auto& item : value.items()) {
        const std::string key = lower(item.key());
        if (key == "max" || key == "max_msgs" || key == "max_messages" || key == "max_responses") {
            if (!item.value().is_number_integer()) {
                throw config_error(where, "error parsing max, expected an integer, got " + go_type_name(item.value()));
            }
            // Negative means unlimited; 0 keeps the default.
            if (const auto max = item.value().get<std::int64_t>(); max != 0) out["max"] = max;
        } else if (key == "expires" || key == "expiration" || key == "ttl") {
            if (!item.value().is_string()) throw config_error(where, "error parsing expires, not a duration string");
            std::string error;
            const auto ttl = nats_sdk::parse_go_duration(item.value().get_ref<const std::string&>(), &error);
            if (!ttl) throw config_error(where, "error parsing expires: " + error);
            if (ttl->count() != 0) out["expires"] = ttl->count();
        } else {
            throw config_error(where, "Unknown field " + in_quotes(item.key()) + " parsing permissions");
        }
    }
    return out;
}

}  // namespace

json normalize_permissions(const json& permissions, std::string_view where) {
    if (!permissions.is_object()) {
        throw config_error(where, "Expected permissions to be a map/struct, got " + value_text(permissions));
    }
    json out = json::object();
    bool responses = false;
    for (const auto& item : permissions.items()) {
        const std::string key = lower(item.key());
        const std::string path = member_path(where, item.key());
        if (key == "pub" || key == "publish" || key == "import") {
            json p = subject_permission(item.value(), false, path);
            if (p.empty()) {
                out.erase("publish");
            } else {
                out["publish"] = std::move(p);
            }
        } else if (key == "sub" || key == "subscribe" || key == "export") {
            json s = subject_permission(item.value(), true, path);
            if (s.empty()) {
                out.erase("subscribe");
            } else {
                out["subscribe"] = std::move(s);
            }
        } else if (key == "allow_responses" || key == "publish_allow_responses") {
            if (item.value().is_boolean()) {
                responses = item.value().get<bool>();
                if (responses) {
                    out["allow_responses"] = {{"max", default_response_max},
                                              {"expires", default_response_expires_ns}};
                } else {
                    out.erase("allow_responses");
                }
            } else {
                out["allow_responses"] = response_permission(item.value(), path);
                responses = true;
            }
        } else {
            throw config_error(where, "Unknown field " + in_quotes(item.key()) + " parsing permissions");
        }
    }
    // Replies only: allow_responses turns off the blanket publish allow.
    if (responses && !(out.contains("publish") && out["publish"].contains("allow"))) {
        out["publish"]["allow"] = json::array();
    }
    return out;
}

}  // namespace nats::auth_common
