#include "kernel/plugins/feature_table.hpp"

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

bool wants_monitoring(const config::Options& o) { return o.http_port != 0 || o.https_port != 0; }
void fill_monitoring(const config::Options& o, ordered_json& out) {
    out["http_host"] = o.http_host.empty() ? o.host : o.http_host;
    out["http_port"] = o.http_port;
    out["https_port"] = o.https_port;
    copy_raw(o, "http_base_path", out);
}

bool wants_auth_users(const config::Options& o) {
    const config::Value* a = o.raw.find("authorization");
    return a && a->is_map() && (a->find("users") || a->find("nkeys"));
}
bool wants_auth_accounts(const config::Options& o) { return o.raw.find("accounts") != nullptr; }
void fill_auth(const config::Options& o, ordered_json& out) {
    copy_raw(o, "authorization", out);
    copy_raw(o, "accounts", out);
    copy_raw(o, "system_account", out);
    if (!o.no_auth_user.empty()) out["no_auth_user"] = o.no_auth_user;
}

const Feature table[] = {
    {"jetstream", "jetstream", wants_jetstream, fill_jetstream},
    {"monitoring", "http_port", wants_monitoring, fill_monitoring},
    {"auth", "authorization", wants_auth_users, fill_auth},
    {"auth", "accounts", wants_auth_accounts, fill_auth},
};

}  // namespace

std::span<const Feature> features() { return table; }

}  // namespace nats::plugins
