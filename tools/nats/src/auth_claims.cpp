#include "auth_claims.hpp"

#include <algorithm>
#include <charconv>

#include "errors.hpp"
#include "format.hpp"

namespace nats::cli {
namespace {

using nlohmann::json;

[[noreturn]] void bad_value(const std::string& flag, const std::string& value, const char* expected) {
    throw cli_error("invalid value for --" + flag + ": " + go_quote(value) + " (" + expected + ")");
}

void set_if(json& target, const char* key, const std::optional<std::string>& value, const std::string& flag,
            bool size) {
    if (!value) return;
    target[key] = size ? parse_size_limit(flag, *value) : parse_count_limit(flag, *value);
}

// Adds the subjects to claims[section][kind], skipping ones already there.
void add_subjects(json& nats, const char* section, const char* kind, const std::vector<std::string>& subjects,
                  const std::string& flag) {
    if (subjects.empty()) return;
    json& list = nats[section][kind];
    if (!list.is_array()) list = json::array();
    for (const auto& s : subjects) {
        if (s.empty() || s.find_first_of(" \t\r\n") != std::string::npos) bad_value(flag, s, "a subject");
        if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
    }
}

} // namespace

std::int64_t parse_count_limit(const std::string& flag, const std::string& value) {
    if (value == "unlimited") return -1;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < -1) {
        bad_value(flag, value, "a whole number, -1 for unlimited");
    }
    return n;
}

std::int64_t parse_size_limit(const std::string& flag, const std::string& value) {
    if (value == "-1" || value == "unlimited") return -1;
    const std::int64_t n = parse_size(value);
    if (n < 0) bad_value(flag, value, "a size such as 1024, 512K or 1MB, -1 for unlimited");
    return n;
}

void apply_account_limits(json& claims, const account_limit_flags& f) {
    json& limits = claims["nats"]["limits"];
    set_if(limits, "conn", f.connections, "connections", false);
    set_if(limits, "subs", f.subscriptions, "subscriptions", false);
    set_if(limits, "payload", f.payload, "payload", true);
    set_if(limits, "data", f.data, "data", true);
    set_if(limits, "leaf", f.leafnodes, "leafnodes", false);
    set_if(limits, "imports", f.imports, "imports", false);
    set_if(limits, "exports", f.exports, "exports", false);
    // JetStream is on when either storage is not 0 (nats-server's IsJSEnabled);
    // --jetstream without sizes allows both without limit.
    const bool sizes_given = f.js_memory || f.js_disk;
    if (f.jetstream && !*f.jetstream) {
        limits["mem_storage"] = 0;
        limits["disk_storage"] = 0;
    } else if (f.jetstream && *f.jetstream && !sizes_given) {
        limits["mem_storage"] = -1;
        limits["disk_storage"] = -1;
    }
    set_if(limits, "mem_storage", f.js_memory, "js-memory", true);
    set_if(limits, "disk_storage", f.js_disk, "js-disk", true);
    if (sizes_given || (f.jetstream && *f.jetstream)) {
        // Streams and consumers default to no limit once JetStream is on.
        if (!limits.contains("streams") || limits["streams"] == 0) limits["streams"] = -1;
        if (!limits.contains("consumer") || limits["consumer"] == 0) limits["consumer"] = -1;
    }
    set_if(limits, "streams", f.js_streams, "js-streams", false);
    set_if(limits, "consumer", f.js_consumers, "js-consumers", false);
    set_if(limits, "max_ack_pending", f.js_max_pending, "js-max-pending", false);
    set_if(limits, "mem_max_stream_bytes", f.js_memory_stream, "js-memory-stream", true);
    set_if(limits, "disk_max_stream_bytes", f.js_disk_stream, "js-disk-stream", true);
    if (f.js_stream_size_required) limits["max_bytes_required"] = *f.js_stream_size_required;
    if (f.bearer) {
        if (*f.bearer) claims["nats"].erase("disallow_bearer");
        else claims["nats"]["disallow_bearer"] = true;
    }
}

void apply_user_flags(json& claims, const user_flags& f) {
    json& nats = claims["nats"];
    add_subjects(nats, "pub", "allow", f.pub_allow, "pub-allow");
    add_subjects(nats, "pub", "deny", f.pub_deny, "pub-deny");
    add_subjects(nats, "sub", "allow", f.sub_allow, "sub-allow");
    add_subjects(nats, "sub", "deny", f.sub_deny, "sub-deny");
    set_if(nats, "payload", f.payload, "payload", true);
    set_if(nats, "subs", f.subscriptions, "subscriptions", false);
    set_if(nats, "data", f.data, "data", true);
    if (f.bearer) {
        if (*f.bearer) nats["bearer_token"] = true;
        else nats.erase("bearer_token");
    }
    if (f.expires) {
        if (*f.expires == 0) claims.erase("exp");
        else claims["exp"] = *f.expires;
    }
}

void revoke_user(json& account_claims, const std::string& user_key, std::int64_t at) {
    json& list = account_claims["nats"]["revocations"];
    if (!list.is_object()) list = json::object();
    list[user_key] = at;
}

void add_signing_key(json& claims, const std::string& public_key) {
    json& keys = claims["nats"]["signing_keys"];
    if (!keys.is_array()) keys = json::array();
    if (std::find(keys.begin(), keys.end(), public_key) == keys.end()) keys.push_back(public_key);
}

std::vector<std::string> signing_keys(const json& claims) {
    std::vector<std::string> out;
    const auto nats = claims.find("nats");
    if (nats == claims.end()) return out;
    const auto keys = nats->find("signing_keys");
    if (keys == nats->end() || !keys->is_array()) return out;
    for (const auto& k : *keys) {
        // A scoped key is an object with its "key".
        if (k.is_string()) out.push_back(k.get<std::string>());
        else if (k.is_object() && k.contains("key")) out.push_back(k["key"].get<std::string>());
    }
    return out;
}

std::string mem_resolver_config(const std::string& operator_name, const std::string& operator_jwt,
                                const std::string& system_account, std::vector<resolver_account> accounts) {
    std::sort(accounts.begin(), accounts.end(),
              [](const auto& a, const auto& b) { return a.public_key < b.public_key; });
    std::string out = "// Operator " + go_quote(operator_name) + "\noperator: " + operator_jwt + "\n\n";
    if (!system_account.empty()) out += "system_account: " + system_account + "\n\n";
    out += "resolver: MEMORY\n\nresolver_preload: {\n";
    for (const auto& a : accounts) {
        out += "  // Account " + go_quote(a.name) + "\n  " + a.public_key + ": " + a.jwt + "\n\n";
    }
    return out + "}\n";
}

std::string full_resolver_config(const std::string& operator_name, const std::string& operator_jwt,
                                 const resolver_account& system_account, const std::string& dir) {
    std::string out = "# Operator named " + operator_name + "\noperator: " + operator_jwt + "\n";
    out += "# System Account named " + system_account.name + "\nsystem_account: " + system_account.public_key + "\n\n";
    out += "# The full resolver keeps every account JWT pushed to it in `dir`\n"
           "# (nats auth account push) and shares them with the other servers.\n"
           "resolver {\n    type: full\n    dir: " + go_quote(dir) +
           "\n    allow_delete: false\n    interval: \"2m\"\n    timeout: \"1.9s\"\n}\n\n";
    out += "# Only the system account is preloaded: the others are pushed.\nresolver_preload: {\n    " +
           system_account.public_key + ": " + system_account.jwt + ",\n}\n";
    return out;
}

std::string limit_text(const json& value, bool bytes) {
    if (!value.is_number_integer()) return "unlimited";
    const auto n = value.get<std::int64_t>();
    if (n < 0) return "unlimited";
    return bytes ? ibytes(static_cast<std::uint64_t>(n)) : comma(n);
}

} // namespace nats::cli
