#include "plugins/auth_jwt/jwt_settings.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>

#include <nats_sdk/error.hpp>
#include <nats_sdk/go_time.hpp>

#include "libs/jwt/creds.hpp"
#include "libs/nkeys/nkeys.hpp"

namespace nats::auth_jwt {

namespace {

using nats_sdk::ConfigError;
using nlohmann::json;

[[noreturn]] void refuse(std::string_view key, std::string_view problem) {
    throw ConfigError("config key '" + std::string(key) + "': " + std::string(problem));
}

const json* find(const json& config, std::initializer_list<const char*> keys, std::string* used = nullptr) {
    for (const char* key : keys) {
        const auto it = config.find(key);
        if (it != config.end()) {
            if (used) *used = key;
            return &*it;
        }
    }
    return nullptr;
}

std::vector<std::string> string_list(const json& value, std::string_view key, std::string_view what) {
    std::vector<std::string> out;
    if (value.is_string()) {
        out.push_back(value.get<std::string>());
    } else if (value.is_array()) {
        for (const auto& item : value) {
            if (!item.is_string()) refuse(key, "error parsing " + std::string(what) + ": unsupported type " + item.type_name());
            out.push_back(item.get<std::string>());
        }
    } else {
        refuse(key, "error parsing " + std::string(what) + ": unsupported type " + value.type_name());
    }
    return out;
}

// nats-server's readOperatorJWT: a file, else (when it starts like a JWT) the JWT itself.
std::pair<std::string, jwt::OperatorClaims> read_operator_jwt(const std::string& where, std::string_view key) {
    std::string contents;
    std::ifstream file(where, std::ios::binary);
    if (file) {
        std::ostringstream buffer;
        buffer << file.rdbuf();
        contents = buffer.str();
    } else if (where.starts_with("eyJ")) {
        contents = where;
    } else {
        refuse(key, "error parsing operator JWT: open " + where + ": no such file or directory");
    }
    const std::string token_text = jwt::token_in_file_text(contents);
    try {
        const jwt::Token token = jwt::decode(token_text);
        if (token.type != jwt::ClaimType::operator_) {
            refuse(key, "error parsing operator JWT: not an operator claim");
        }
        return {token_text, jwt::read_operator(token)};
    } catch (const jwt::Error& e) {
        refuse(key, std::string("error parsing operator JWT: ") + e.what());
    }
}

std::chrono::milliseconds duration(const json& block, const char* name, std::chrono::milliseconds fallback) {
    const auto it = block.find(name);
    if (it == block.end()) return fallback;
    if (!it->is_string()) refuse(std::string("resolver.") + name, std::string("expected a duration string, got ") + it->type_name());
    std::string error;
    const auto parsed = nats_sdk::parse_go_duration(it->get<std::string>(), &error);
    if (!parsed) refuse(std::string("resolver.") + name, error);
    return std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
}

// nats-server's parseTLS for resolver_tls, then GenTLSConfig's checks of the files.
ResolverTls read_resolver_tls(const json& value) {
    const std::string key = "resolver_tls";
    if (!value.is_object()) refuse(key, std::string("expected a map, got ") + value.type_name());
    ResolverTls out;
    auto text = [&](const std::string& field, const json& v) {
        if (!v.is_string()) refuse(key + "." + field, "error parsing tls config, expected '" + field + "' to be a filename");
        return v.get<std::string>();
    };
    for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string& field = it.key();
        if (field == "cert_file") out.cert_file = text(field, *it);
        else if (field == "key_file") out.key_file = text(field, *it);
        else if (field == "ca_file") out.ca_file = text(field, *it);
        else if (field == "insecure") {
            if (!it->is_boolean()) refuse(key + ".insecure", "error parsing tls config, expected 'insecure' to be a boolean");
            out.insecure = it->get<bool>();
        } else if (field == "verify" || field == "timeout") {
            // Server-side settings in nats-server's TLS block: they change nothing for a client.
        } else if (field == "cipher_suites" || field == "curve_preferences" || field == "pinned_certs" ||
                   field == "verify_and_map" || field == "verify_cert_and_check_known_urls") {
            refuse(key + "." + field, "'" + field + "' is not supported for the account resolver's TLS");
        } else {
            refuse(key + "." + field, "error parsing tls config, unknown field [\"" + field + "\"]");
        }
    }
    if (!out.cert_file.empty() && out.key_file.empty()) refuse(key, "missing 'key_file' in TLS configuration");
    if (out.cert_file.empty() && !out.key_file.empty()) refuse(key, "missing 'cert_file' in TLS configuration");
    for (const std::string* file : {&out.cert_file, &out.key_file, &out.ca_file}) {
        if (!file->empty() && !std::ifstream(*file).good())
            refuse(key, "error parsing X509 certificate/key pair: open " + *file + ": no such file or directory");
    }
    return out;
}

ResolverSettings read_resolver(const json& value, const std::string& key) {
    ResolverSettings out;
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        static const std::regex memory(R"((MEM|MEMORY)\s*)", std::regex::icase);
        static const std::regex url(R"_((?:URL)(?:\(\s*"?([^\s"]*)"?\s*\))?\s*)_", std::regex::icase);
        std::smatch match;
        if (std::regex_search(text, memory)) {
            out.kind = ResolverSettings::Kind::memory;
        } else if (std::regex_search(text, match, url) && match[1].matched) {
            out.kind = ResolverSettings::Kind::url;
            out.url = match[1].str();
            if (!out.url.starts_with("http://") && !out.url.starts_with("https://")) {
                refuse(key, "error parsing account resolver url \"" + out.url + "\": only http:// and https:// are supported");
            }
        } else {
            refuse(key, "resolver must be MEMORY, URL(<url>) or a {type: full|cache, dir: ...} block, got \"" + text + "\"");
        }
        return out;
    }
    if (!value.is_object()) refuse(key, std::string("expected a string or a map, got ") + value.type_name());
    std::string type = value.value("type", std::string());
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type == "full") out.kind = ResolverSettings::Kind::full;
    else if (type == "cache") out.kind = ResolverSettings::Kind::cache;
    else refuse(key, "resolver type must be full or cache, got \"" + type + "\"");
    out.dir = value.value("dir", std::string());
    if (out.dir.empty()) refuse(key, "dir has no value and needs to point to a directory");
    if (const auto it = value.find("allow_delete"); it != value.end()) {
        if (!it->is_boolean()) refuse("resolver.allow_delete", "expected a boolean");
        out.allow_delete = it->get<bool>();
    }
    if (const auto it = value.find("limit"); it != value.end()) {
        if (!it->is_number_integer()) refuse("resolver.limit", "expected an integer");
        out.limit = it->get<std::int64_t>();
    }
    out.ttl = duration(value, "ttl", out.ttl);
    out.interval = duration(value, "interval", out.interval);
    out.timeout = duration(value, "timeout", out.timeout);
    if (out.kind == ResolverSettings::Kind::cache) {
        if (value.contains("interval")) refuse(key, "CACHE does not accept sync");
        if (out.allow_delete) refuse(key, "CACHE does not accept allow_delete");
        if (out.limit <= 0) out.limit = 1000;  // nats-server's default for the cache
    } else {
        if (value.contains("ttl") && out.ttl.count() != 0) refuse(key, "FULL does not accept ttl");
        // nats-server: no limit unless one is given (0 means none too).
        if (!value.contains("limit") || out.limit < 0) out.limit = 0;
    }
    // nats-server's DEFAULT_ACCOUNT_FETCH_TIMEOUT for a lookup through the system account.
    if (!value.contains("timeout")) out.timeout = std::chrono::milliseconds(1900);
    return out;
}

}  // namespace

bool Settings::trusts(std::string_view issuer) const {
    return std::find(trusted_keys.begin(), trusted_keys.end(), issuer) != trusted_keys.end();
}

Settings read_settings(const json& config) {
    Settings out;
    std::string operator_key;
    const json* operators = find(config, {"operator", "operators", "root", "roots", "root_operator", "root_operators"}, &operator_key);
    std::string trusted_key;
    const json* trusted = find(config, {"trusted", "trusted_keys"}, &trusted_key);
    if (operators) {
        for (const auto& where : string_list(*operators, operator_key, "operators")) {
            out.operators.push_back(read_operator_jwt(where, operator_key).second);
        }
    }
    if (trusted) {
        for (const auto& key : string_list(*trusted, trusted_key, "trusted")) {
            if (!nkeys::is_valid_public_key(key, nkeys::KeyType::operator_)) {
                refuse(trusted_key, "trusted Keys \"" + key + "\" are required to be a valid public operator nkey");
            }
            out.trusted_keys.push_back(key);
        }
    }
    if (!operators && !trusted) {
        std::string key = config.contains("resolver") ? "resolver" : "resolver_preload";
        refuse(key, "the resolver needs trusted operators: set 'operator' (or 'trusted') too");
    }
    if (operators && trusted) refuse(trusted_key, "conflicting options for 'TrustedKeys' and 'TrustedOperators'");

    if (const auto it = config.find("system_account"); it != config.end() && it->is_string()) {
        out.system_account = it->get<std::string>();
    }
    if (const json* resolver = find(config, {"resolver"}); resolver) {
        out.resolver = read_resolver(*resolver, "resolver");
    } else if (out.operators.size() == 1 && !out.operators[0].account_server_url.empty()) {
        // nsc appends "/accounts" when it pushes; nats-server looks there.
        out.resolver.kind = ResolverSettings::Kind::url;
        out.resolver.url = out.operators[0].account_server_url + "/accounts/";
    }
    if (out.operators.size() == 1 && out.system_account.empty()) out.system_account = out.operators[0].system_account;

    if (!out.operators.empty()) {
        const std::string key = operator_key;
        if (out.resolver.kind == ResolverSettings::Kind::none) refuse(key, "operators require an account resolver to be configured");
        if (config.contains("accounts")) refuse(key, "operators do not allow Accounts to be configured directly");
        if (const auto a = config.find("authorization"); a != config.end() && a->is_object() &&
                                                         (a->contains("users") || a->contains("user"))) {
            refuse(key, "operators do not allow users to be configured directly");
        }
        if (!out.system_account.empty()) {
            bool found = false, any = false;
            for (const auto& op : out.operators) {
                any = any || !op.system_account.empty();
                found = found || op.system_account == out.system_account;
            }
            if (any && !found) refuse(key, "system_account in config and operator JWT must be identical");
        } else if (out.resolver.kind == ResolverSettings::Kind::full || out.resolver.kind == ResolverSettings::Kind::cache) {
            refuse(key, "using nats based account resolver - the system account needs to be specified in configuration or the operator jwt");
        }
        for (const auto& op : out.operators) {
            if (!op.strict_signing_key_usage) out.trusted_keys.push_back(op.subject);
            out.trusted_keys.insert(out.trusted_keys.end(), op.signing_keys.begin(), op.signing_keys.end());
        }
        for (const auto& k : out.trusted_keys) {
            if (!nkeys::is_valid_public_key(k, nkeys::KeyType::operator_)) {
                refuse(key, "trusted Keys \"" + k + "\" are required to be a valid public operator nkey");
            }
        }
    }

    if (const json* tls = find(config, {"resolver_tls"}); tls) out.resolver.tls = read_resolver_tls(*tls);

    if (const json* preload = find(config, {"resolver_preload"}); preload) {
        if (!preload->is_object()) refuse("resolver_preload", "preload should be a map of account_public_key:account_jwt");
        if (out.resolver.kind == ResolverSettings::Kind::url) {
            refuse("resolver_preload", "resolver preloads only available for writeable resolver types MEM/DIR/CACHE_DIR");
        }
        for (auto it = preload->begin(); it != preload->end(); ++it) {
            const std::string where = "resolver_preload." + it.key();
            if (!it->is_string()) refuse(where, "preload map value should be a string JWT");
            try {
                const jwt::Token token = jwt::decode(it->get<std::string>());
                jwt::read_account(token);
            } catch (const jwt::Error& e) {
                refuse(where, "preload account error for \"" + it.key() + "\": " + e.what());
            }
            out.preload[it.key()] = it->get<std::string>();
        }
    }
    return out;
}

}  // namespace nats::auth_jwt
