#include "kernel/plugin_host/feature_table.hpp"

#include "kernel/config/plugin_claims.hpp"
#include "kernel/config/value_json.hpp"

namespace nats::plugins {

namespace {

using nlohmann::ordered_json;

void copy_raw(const config::Options& o, std::string_view key, ordered_json& out) {
    if (const config::Value* v = o.raw.find(key)) out[std::string(key)] = config::to_json(*v);
}

bool wants_jetstream(const config::Options& o) { return o.jetstream; }
void fill_jetstream(const config::Options& o, ordered_json& out) {
    copy_raw(o, "jetstream", out);
    if (!out.contains("jetstream")) out["jetstream"] = true;  // enabled by -js
    out["store_dir"] = o.store_dir;
    out["max_memory_store"] = o.jetstream_max_memory;
    out["max_file_store"] = o.jetstream_max_store;
}

// The store backends JetStream keeps streams in ("storage": "memory" / "file"); they
// need nothing from the options (JetStream hands each store its root and settings).
void fill_store(const config::Options&, ordered_json&) {}

// jetstream { file_backend: rocksdb }: file storage on the RocksDB store instead; or
// jetstream { file_backends: [ { ..., backend: rocksdb } ] }: some streams on it.
bool wants_rocksdb(const config::Options& o) {
    if (!o.jetstream) return false;
    const config::Value* js = o.raw.find("jetstream");
    if (!js || !js->is_map()) return false;
    const auto names_rocksdb = [](const config::Value* backend) {
        return backend && backend->is_string() && config::lower(backend->as_string()) == "rocksdb";
    };
    if (names_rocksdb(js->find("file_backend"))) return true;
    const config::Value* rules = js->find("file_backends");
    if (!rules || !rules->is_array()) return false;
    for (const auto& rule : rules->as_array()) {
        if (rule.is_map() && names_rocksdb(rule.find("backend"))) return true;
    }
    return false;
}

bool wants_monitoring(const config::Options& o) { return o.http_port != 0 || o.https_port != 0; }
void fill_monitoring(const config::Options& o, ordered_json& out) {
    out["http_host"] = o.http_host.empty() ? o.host : o.http_host;
    out["http_port"] = o.http_port;
    out["https_port"] = o.https_port;
    copy_raw(o, "http_base_path", out);
    // As nats-server, https_port serves with the server's own certificate (a
    // tls block in plugins { monitoring { } } overrides it).
    if (o.https_port != 0 && !o.tls.cert_file.empty())
        out["tls"] = {{"cert_file", o.tls.cert_file}, {"key_file", o.tls.key_file}};
}

// The system account's $SYS services and events: wherever the server has a system
// account (nats-server always has one unless told `no_system_account`). Optional:
// a build without the plugin serves no $SYS requests, and nothing asked for them.
bool wants_system_account(const config::Options& o) {
    for (std::string_view key : {"no_system_account", "no_system", "no_sys_acc"})
        if (const config::Value* v = o.raw.find(key); v && v->is_bool() && v->as_bool()) return false;
    return true;
}
void fill_system_account(const config::Options& o, ordered_json& out) {
    copy_raw(o, "system_account", out);
    if (const config::Value* v = o.raw.find("system"); v && !out.contains("system_account"))
        out["system_account"] = config::to_json(*v);  // nats-server's alias
}

// Authentication. Every auth plugin gets the same settings: the authorization
// and accounts blocks as written, and the effective simple-auth values (flags
// override the authorization block):
//   {"authorization": {...}, "accounts": {...}, "system_account": "...",
//    "no_auth_user": "...", "username": "...", "password": "...", "token": "..."}
// with each key present only when set.
void fill_auth(const config::Options& o, ordered_json& out) {
    copy_raw(o, "authorization", out);
    copy_raw(o, "accounts", out);
    copy_raw(o, "system_account", out);
    if (const config::Value* v = o.raw.find("system"); v && !out.contains("system_account"))
        out["system_account"] = config::to_json(*v);  // nats-server's alias
    if (!o.no_auth_user.empty()) out["no_auth_user"] = o.no_auth_user;
    if (!o.username.empty()) out["username"] = o.username;
    if (!o.password.empty()) out["password"] = o.password;
    if (!o.token.empty()) out["token"] = o.token;
}

const config::Value* authorization(const config::Options& o) {
    const config::Value* a = o.raw.find("authorization");
    return a && a->is_map() ? a : nullptr;
}

// `users` entries: those with `nkey` go to auth_nkey, every other one (a user,
// or a malformed entry, which the plugin then refuses) to auth_users.
bool is_nkey_user(const config::Value& u) { return u.is_map() && u.find("nkey"); }
bool is_password_user(const config::Value& u) { return !is_nkey_user(u); }

bool users_have(const config::Value* users, bool (*kind)(const config::Value&)) {
    if (!users || !users->is_array()) return false;
    for (const auto& u : users->as_array())
        if (kind(u)) return true;
    return false;
}
bool accounts_users_have(const config::Options& o, bool (*kind)(const config::Value&)) {
    const config::Value* accounts = o.raw.find("accounts");
    if (!accounts || !accounts->is_map()) return false;
    for (const auto& [name, account] : accounts->as_map())
        if (account.is_map() && users_have(account.find("users"), kind)) return true;
    return false;
}

bool wants_token_config(const config::Options& o) {
    const config::Value* a = authorization(o);
    return a && a->find("token");
}
bool wants_token_flag(const config::Options& o) { return !o.token.empty(); }
bool wants_users_config(const config::Options& o) {
    const config::Value* a = authorization(o);
    return a && (a->find("user") || a->find("username") || a->find("pass") || a->find("password") ||
                 users_have(a->find("users"), is_password_user));
}
bool wants_users_accounts(const config::Options& o) { return accounts_users_have(o, is_password_user); }
bool wants_users_flag(const config::Options& o) { return !o.username.empty() || !o.password.empty(); }
bool wants_nkey_config(const config::Options& o) {
    const config::Value* a = authorization(o);
    return a && users_have(a->find("users"), is_nkey_user);
}
bool wants_nkey_accounts(const config::Options& o) { return accounts_users_have(o, is_nkey_user); }
// Operator mode: auth_jwt serves its own keys (its descriptor), and gets the auth
// settings too, to see system_account and refuse users or accounts beside operators.
bool wants_jwt(const config::Options& o) {
    for (std::string_view key : config::operator_keys)
        if (o.raw.find(key)) return true;
    for (std::string_view key : config::trusted_keys)
        if (o.raw.find(key)) return true;
    return false;
}

// Every feature but the system account is required: a server asked to authenticate never runs open, and one
// asked to serve monitoring or JetStream never runs without it (fail closed).
const Feature table[] = {
    {"jetstream", "jetstream", true, wants_jetstream, fill_jetstream},
    {"store_memory", "jetstream", true, wants_jetstream, fill_store},
    {"store_file", "jetstream", true, wants_jetstream, fill_store},
    {"store_rocksdb", "jetstream.file_backend", true, wants_rocksdb, fill_store},
    {"monitoring", "http_port", true, wants_monitoring, fill_monitoring},
    {"system_account", "system_account", false, wants_system_account, fill_system_account},
    {"auth_token", "authorization", true, wants_token_config, fill_auth},
    {"auth_token", "--auth", true, wants_token_flag, fill_auth},
    {"auth_users", "authorization", true, wants_users_config, fill_auth},
    {"auth_users", "accounts", true, wants_users_accounts, fill_auth},
    {"auth_users", "--user", true, wants_users_flag, fill_auth},
    {"auth_nkey", "authorization", true, wants_nkey_config, fill_auth},
    {"auth_nkey", "accounts", true, wants_nkey_accounts, fill_auth},
    {"auth_jwt", "operator", true, wants_jwt, fill_auth},
};

}  // namespace

std::span<const Feature> features() { return table; }

}  // namespace nats::plugins
