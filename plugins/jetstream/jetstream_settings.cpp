#include "jetstream_settings.hpp"

#include "declare/declared_assets.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include <nats_sdk/error.hpp>
#include <nats_sdk/go_time.hpp>

namespace nmk::jetstream {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

[[noreturn]] void refuse(const std::string& key, const std::string& why) {
    throw nats_sdk::ConfigError("config key 'jetstream." + key + "' " + why);
}

std::int64_t size_value(const std::string& key, const nlohmann::json& v) {
    // The kernel hands sizes over in bytes already (1GB -> 1073741824).
    if (!v.is_number_integer()) refuse(key, "must be a size");
    return v.get<std::int64_t>();
}

std::string text_value(const std::string& key, const nlohmann::json& v) {
    if (!v.is_string()) refuse(key, "must be a string");
    return v.get<std::string>();
}

// sync: "batch" (default: fsync before every ack, group commit), "always", or a Go
// duration for nats-server's lazy mode (2.10's sync_interval).
std::string sync_value(const std::string& key, const nlohmann::json& v) {
    const std::string s = lower(text_value(key, v));
    if (s == "batch" || s == "always") return s;
    std::string error;
    const auto d = nats_sdk::parse_go_duration(s, &error);
    if (!d || d->count() <= 0) refuse(key, "must be batch, always or a duration such as 2m, got '" + s + "'");
    return s;
}

std::string backend_value(const std::string& key, const nlohmann::json& v) {
    const std::string backend = lower(text_value(key, v));
    if (backend != "file" && backend != "rocksdb") refuse(key, "must be file or rocksdb, got '" + backend + "'");
    return backend;
}

// file_backends: [ { account: "A*", stream: "KV_*", backend: rocksdb }, ... ]
std::vector<FileBackendRule> backend_rules(const std::string& key, const nlohmann::json& v) {
    if (!v.is_array()) refuse(key, "must be a list of { account, stream, backend } rules");
    std::vector<FileBackendRule> rules;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string at = key + "[" + std::to_string(i) + "]";
        if (!v[i].is_object()) refuse(at, "must be a map such as { account: \"A\", stream: \"KV_*\", backend: rocksdb }");
        FileBackendRule rule;
        for (const auto& [raw_field, value] : v[i].items()) {
            const std::string field = lower(raw_field);
            if (field == "account") rule.account = text_value(at + ".account", value);
            else if (field == "stream") rule.stream = text_value(at + ".stream", value);
            else if (field == "backend") rule.backend = backend_value(at + ".backend", value);
            else refuse(at + "." + raw_field, "is not a rule field (account, stream, backend)");
            if ((field == "account" || field == "stream") && text_value(at, value).empty())
                refuse(at + "." + field, "must not be empty (leave it out to match every name)");
        }
        if (rule.backend.empty()) refuse(at, "names no backend (backend: file or rocksdb)");
        rules.push_back(std::move(rule));
    }
    return rules;
}

}  // namespace

ServerSettings read_settings(const nlohmann::json& config) {
    ServerSettings out;
    std::string store_dir;
    if (auto it = config.find("store_dir"); it != config.end() && it->is_string()) store_dir = it->get<std::string>();
    if (auto it = config.find("max_memory_store"); it != config.end() && it->is_number_integer()) out.max_memory = it->get<std::int64_t>();
    if (auto it = config.find("max_file_store"); it != config.end() && it->is_number_integer()) out.max_store = it->get<std::int64_t>();

    const auto block = config.find("jetstream");
    if (block != config.end() && block->is_object()) {
        for (const auto& [raw_key, v] : block->items()) {
            const std::string key = lower(raw_key);
            if (key == "store" || key == "store_dir" || key == "storedir") store_dir = text_value(key, v);
            else if (key == "max_memory_store" || key == "max_mem_store" || key == "max_mem") out.max_memory = size_value(key, v);
            else if (key == "max_file_store" || key == "max_file") out.max_store = size_value(key, v);
            else if (key == "domain") out.domain = text_value(key, v);
            else if (key == "sync" || key == "sync_interval") out.sync = sync_value(key, v);
            else if (key == "file_backend") out.file_backend = backend_value(key, v);
            else if (key == "file_backends") out.file_backend_rules = backend_rules(key, v);
            else if (key == "enable" || key == "enabled") continue;
            else if (is_declared_assets_key(key)) continue;  // declare/declared_assets.cpp
            else if (key == "key" || key == "ek" || key == "cipher")
                refuse(key, "asks for encryption at rest, which this build does not provide");
            else if (key == "limits" || key == "unique_tag" || key == "max_outstanding_catchup" || key == "extension_hint")
                continue;  // cluster and tiering settings: no effect on a single server
            else refuse(key, "is not a known JetStream setting");
        }
    }
    if (out.domain.find_first_of(" \t\r\n.*>") != std::string::npos)
        refuse("domain", "must not contain spaces, '.', '*' or '>'");
    // nats-server keeps its files in <store_dir>/jetstream; without a store_dir, in the
    // system's temporary folder.
    if (store_dir.empty()) store_dir = (std::filesystem::temp_directory_path() / "nats").string();
    out.store_dir = (std::filesystem::path(store_dir) / "jetstream").string();
    return out;
}

}  // namespace nmk::jetstream
