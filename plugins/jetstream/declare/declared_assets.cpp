#include "declare/declared_assets.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include <nats_sdk/error.hpp>
#include <nats_sdk/go_time.hpp>

#include "stream/stream_check.hpp"

namespace nmk::jetstream {

namespace {

using nlohmann::json;

constexpr std::int64_t two_minutes_ns = 120'000'000'000;
constexpr std::int64_t kv_max_history = 64;  // KeyValueMaxHistory
const char* const default_account = "$G";

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
    throw nats_sdk::ConfigError("config key '" + where + "' " + why);
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A duration member as nanoseconds: a Go duration text or a number (already ns).
void normalize_duration(json& item, const std::string& key, const std::string& where) {
    auto it = item.find(key);
    if (it == item.end()) return;
    const auto convert = [&](json& v) {
        if (!v.is_string()) return;
        std::string error;
        const auto d = nats_sdk::parse_go_duration(v.get<std::string>(), &error);
        if (!d) refuse(where + "." + key, "is not a duration: " + error);
        v = static_cast<std::int64_t>(d->count());
    };
    if (it->is_array()) {
        for (auto& v : *it) convert(v);
    } else {
        convert(*it);
    }
}

std::int64_t duration_ns(const json& item, const std::string& key, const std::string& where) {
    json copy = item;
    normalize_duration(copy, key, where);
    auto it = copy.find(key);
    if (it == copy.end() || it->is_null()) return 0;
    if (!it->is_number_integer()) refuse(where + "." + key, "must be a duration");
    return it->get<std::int64_t>();
}

std::int64_t integer(const json& item, const std::string& key, const std::string& where, std::int64_t fallback) {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) return fallback;
    if (!it->is_number_integer()) refuse(where + "." + key, "must be a number");
    return it->get<std::int64_t>();
}

std::string text(const json& item, const std::string& key, const std::string& where, const std::string& fallback = {}) {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) return fallback;
    if (!it->is_string()) refuse(where + "." + key, "must be a string");
    return it->get<std::string>();
}

Storage storage_of(const json& item, const std::string& where) {
    const std::string s = lower(text(item, "storage", where, "file"));
    if (s == "file") return Storage::file;
    if (s == "memory") return Storage::memory;
    refuse(where + ".storage", "must be file or memory, got '" + s + "'");
}

std::string account_of(const json& item, const std::string& where) { return text(item, "account", where, default_account); }

std::string bucket_of(const json& item, const std::string& where) {
    static const std::regex valid("^[a-zA-Z0-9_-]+$");  // nats.go's validBucketRe
    const std::string bucket = text(item, "bucket", where);
    if (bucket.empty()) refuse(where + ".bucket", "is required");
    if (!std::regex_match(bucket, valid)) refuse(where + ".bucket", "'" + bucket + "' is not a valid bucket name");
    return bucket;
}

const json& list(const json& block, const std::string& key) {
    static const json none = json::array();
    for (const auto& [k, v] : block.items()) {
        if (lower(k) != key) continue;
        if (!v.is_array()) refuse("jetstream." + key, "must be a list");
        return v;
    }
    return none;
}

// Several names for one list (kv, key_value).
std::vector<std::pair<std::string, const json*>> items_of(const json& block, std::initializer_list<const char*> keys) {
    std::vector<std::pair<std::string, const json*>> out;
    for (const char* key : keys) {
        const json& l = list(block, key);
        for (std::size_t i = 0; i < l.size(); ++i) {
            const std::string where = "jetstream." + std::string(key) + "[" + std::to_string(i) + "]";
            if (!l[i].is_object()) refuse(where, "must be a map");
            out.emplace_back(where, &l[i]);
        }
    }
    return out;
}

DeclaredStream stream_item(const json& item, const std::string& where) {
    json body = item;
    body.erase("account");
    normalize_duration(body, "max_age", where);
    normalize_duration(body, "duplicate_window", where);
    DeclaredStream out{account_of(item, where), where, {}};
    try {
        out.config = stream_config_from_json(body);
    } catch (const std::exception& e) {
        refuse(where, std::string("is not a valid stream config: ") + e.what());
    }
    if (out.config.name.empty()) refuse(where + ".name", "is required");
    return out;
}

// nats.go 1.22's CreateKeyValue.
DeclaredStream kv_item(const json& item, const std::string& where) {
    const std::string bucket = bucket_of(item, where);
    const std::int64_t history = integer(item, "history", where, 1);
    if (history < 1 || history > kv_max_history) refuse(where + ".history", "must be between 1 and 64");
    const std::int64_t ttl = duration_ns(item, "ttl", where);
    DeclaredStream out{account_of(item, where), where, {}};
    StreamConfig& c = out.config;
    c.name = "KV_" + bucket;
    c.description = text(item, "description", where);
    c.subjects = {"$KV." + bucket + ".>"};
    c.max_msgs_per_subject = history;
    c.max_bytes = integer(item, "max_bytes", where, -1);
    c.max_age_ns = ttl;
    c.max_msg_size = static_cast<std::int32_t>(integer(item, "max_value_size", where, -1));
    c.storage = storage_of(item, where);
    c.replicas = integer(item, "replicas", where, 1);
    c.allow_rollup = true;
    c.deny_delete = true;
    c.duplicate_window_ns = ttl > 0 && ttl < two_minutes_ns ? ttl : two_minutes_ns;
    c.max_msgs = -1;
    c.max_consumers = -1;
    c.allow_direct = true;
    c.discard = Discard::new_messages;
    return out;
}

// nats.go 1.22's CreateObjectStore.
DeclaredStream object_store_item(const json& item, const std::string& where) {
    const std::string bucket = bucket_of(item, where);
    DeclaredStream out{account_of(item, where), where, {}};
    StreamConfig& c = out.config;
    c.name = "OBJ_" + bucket;
    c.description = text(item, "description", where);
    c.subjects = {"$O." + bucket + ".C.>", "$O." + bucket + ".M.>"};
    c.max_age_ns = duration_ns(item, "ttl", where);
    c.max_bytes = integer(item, "max_bytes", where, -1);
    c.storage = storage_of(item, where);
    c.replicas = integer(item, "replicas", where, 1);
    c.discard = Discard::new_messages;
    c.allow_rollup = true;
    c.allow_direct = true;
    return out;
}

DeclaredConsumer consumer_item(const json& item, const std::string& where) {
    DeclaredConsumer out{account_of(item, where), where, text(item, "stream", where), {}};
    if (out.stream.empty()) refuse(where + ".stream", "is required");
    json body = item;
    body.erase("account");
    body.erase("stream");
    for (const char* key : {"ack_wait", "idle_heartbeat", "inactive_threshold", "max_expires", "backoff"})
        normalize_duration(body, key, where);
    try {
        out.config = consumer_config_from_json(body);
    } catch (const std::exception& e) {
        refuse(where, std::string("is not a valid consumer config: ") + e.what());
    }
    // Declared consumers are durable: an ephemeral one would be gone before anyone used it.
    if (out.config.durable.empty()) refuse(where + ".durable_name", "is required");
    return out;
}

}  // namespace

bool is_declared_assets_key(const std::string& key) {
    return key == "streams" || key == "consumers" || key == "kv" || key == "key_value" || key == "object_stores";
}

DeclaredAssets read_declared_assets(const json& block) {
    DeclaredAssets out;
    if (!block.is_object()) return out;
    for (const auto& [where, item] : items_of(block, {"streams"})) out.streams.push_back(stream_item(*item, where));
    for (const auto& [where, item] : items_of(block, {"kv", "key_value"})) out.streams.push_back(kv_item(*item, where));
    for (const auto& [where, item] : items_of(block, {"object_stores"}))
        out.streams.push_back(object_store_item(*item, where));
    for (const auto& [where, item] : items_of(block, {"consumers"})) out.consumers.push_back(consumer_item(*item, where));

    // The checks the API would make, with the declared streams as the only ones known.
    std::vector<std::pair<const DeclaredStream*, StreamConfig>> checked;
    for (const auto& s : out.streams) {
        for (const auto& [other, cfg] : checked) {
            if (other->account == s.account && other->config.name == s.config.name)
                refuse(s.where + ".name", "declares stream '" + s.config.name + "' a second time (first: " + other->where + ")");
        }
        StreamCheckContext ctx;
        const std::string account = s.account;
        ctx.find_stream = [&out, account](std::string_view name) -> std::optional<StreamConfig> {
            for (const auto& d : out.streams) {
                if (d.account == account && d.config.name == name) return d.config;
            }
            return std::nullopt;
        };
        auto result = check_stream_config(s.config, ctx);
        if (auto* e = std::get_if<ApiError>(&result)) refuse(s.where, e->description);
        checked.emplace_back(&s, std::get<StreamConfig>(result));
    }
    for (auto& c : out.consumers) {
        ConsumerConfig defaulted = c.config;
        set_consumer_defaults(defaulted, ConsumerLimits{});
        for (const auto& [stream, cfg] : checked) {
            if (stream->account != c.account || cfg.name != c.stream) continue;
            if (auto e = check_consumer_config(defaulted, cfg, ConsumerLimits{})) refuse(c.where, e->description);
        }
    }
    return out;
}

}  // namespace nmk::jetstream
