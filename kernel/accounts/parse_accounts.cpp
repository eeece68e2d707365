// Pass one of nats-server's parseAccounts (opts.go): the shape of the
// `accounts` block, account by account. Pass two, which checks imports against
// exports, is resolve_links.cpp.
#include "kernel/accounts/parse_accounts.hpp"

#include <algorithm>
#include <set>

#include "kernel/config/duration.hpp"

namespace nats::accounts {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// A key written again later in the same map: the later one wins, as in Go's map.
bool overridden(const config::Map& entries, std::size_t i) {
    for (std::size_t j = i + 1; j < entries.size(); ++j)
        if (entries[j].first == entries[i].first) return true;
    return false;
}

// Go's %q of a value: a quoted string, or the value printed plainly.
std::string quoted(const config::Value& v) {
    if (v.is_string()) return "\"" + v.as_string() + "\"";
    if (v.is_int()) return std::to_string(v.as_int());
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    return "%!q(" + go_type(v) + ")";
}

struct Parser {
    ErrorList& errors;

    void error(const config::Value& at, const std::string& reason) { errors.add(at.location(), reason); }

    void unknown_field(const config::Value& at, std::string_view key) {
        if (!at.used_as_variable()) error(at, "unknown field \"" + std::string(key) + "\"");
    }

    // A string where nats-server asserts one (a panic it reports as an error).
    std::optional<std::string> string_of(const config::Value& v, std::string_view what) {
        if (v.is_string()) return v.as_string();
        error(v, "Expected " + std::string(what) + " to be string, got " + go_type(v));
        return std::nullopt;
    }

    std::vector<std::string> account_names(const config::Value& v) {
        std::vector<std::string> names;
        if (!v.is_array()) {
            error(v, "Expected accounts to be an array, got " + go_type(v));
            return names;
        }
        for (const auto& item : v.as_array()) {
            if (auto s = string_of(item, "account name")) names.push_back(*s);
        }
        return names;
    }

    std::optional<LatencyTracking> latency(const config::Value& v) {
        if (v.is_string()) return LatencyTracking{v.as_string(), 100};
        if (!v.is_map()) {
            error(v, "Expected latency entry to be a map/struct or string, got " + go_type(v));
            return std::nullopt;
        }
        LatencyTracking out;
        if (const config::Value* s = v.find("sampling")) {
            bool headers = false;
            std::int64_t sample = 0;
            if (s->is_int()) {
                sample = s->as_int();
            } else if (s->is_string()) {
                std::string text = s->as_string();
                if (lower(text) == "headers") {
                    headers = true;
                } else {
                    if (!text.empty() && text.back() == '%') text.pop_back();
                    char* end = nullptr;
                    sample = std::strtoll(text.c_str(), &end, 10);
                    if (text.empty() || *end != '\0') {
                        error(*s, "Failed to parse latency sample: strconv.Atoi: parsing \"" + text + "\": invalid syntax");
                        return std::nullopt;
                    }
                }
            } else {
                error(*s, "Expected latency sample to be a string or map/struct, got " + go_type(*s));
                return std::nullopt;
            }
            if (!headers && (sample < 1 || sample > 100)) {
                error(*s, "bad sampling percentage, should be 1-100");
                return std::nullopt;
            }
            out.sampling = headers ? 0 : static_cast<int>(sample);
        }
        const config::Value* subject = v.find("subject");
        if (!subject) {
            error(v, "Latency subject required, but missing");
            return std::nullopt;
        }
        if (!subject->is_string()) {
            error(*subject, "Expected latency subject to be a string, got " + go_type(*subject));
            return std::nullopt;
        }
        out.subject = subject->as_string();
        return out;
    }

    // parseExportStreamOrService
    void export_item(const config::Value& item, AccountConfig& account) {
        if (!item.is_map()) {
            error(item, "Export Items should be a map with type entry, got " + go_type(item));
            return;
        }
        std::optional<StreamExport> stream;
        std::optional<ServiceExport> service;
        ExportAuth auth;
        std::optional<ResponseType> response;
        const config::Value* response_at = nullptr;
        const config::Value* latency_at = nullptr;
        std::optional<LatencyTracking> tracking;
        std::optional<std::chrono::milliseconds> threshold;
        bool threshold_seen = false;
        for (const auto& [key, v] : item.as_map()) {
            const std::string k = lower(key);
            if (k == "stream") {
                if (service) {
                    error(v, "Detected stream " + quoted(v) + " but already saw a service");
                    continue;
                }
                if (response_at) {
                    error(*response_at, "Detected response directive on non-service");
                    continue;
                }
                if (latency_at) {
                    error(*latency_at, "Detected latency directive on non-service");
                    continue;
                }
                if (!v.is_string()) {
                    error(v, "Expected stream name to be string, got " + go_type(v));
                    continue;
                }
                stream = StreamExport{v.as_string(), {}, item.location()};
            } else if (k == "service") {
                if (stream) {
                    error(v, "Detected service " + quoted(v) + " but already saw a stream");
                    continue;
                }
                if (!v.is_string()) {
                    error(v, "Expected service name to be string, got " + go_type(v));
                    continue;
                }
                service = ServiceExport{};
                service->subject = v.as_string();
                service->where = item.location();
            } else if (k == "response" || k == "response_type") {
                if (response_at) {
                    error(v, "Duplicate response type definition");
                    continue;
                }
                response_at = &v;
                if (!v.is_string()) {
                    error(v, "Expected response type to be string, got " + go_type(v));
                    continue;
                }
                const std::string t = lower(v.as_string());
                if (t == "single" || t == "singleton") response = ResponseType::singleton;
                else if (t == "stream") response = ResponseType::stream;
                else if (t == "chunk" || t == "chunked") response = ResponseType::chunked;
                else {
                    error(v, "Unknown response type: \"" + v.as_string() + "\"");
                    continue;
                }
                if (stream) error(v, "Detected response directive on non-service");
            } else if (k == "threshold" || k == "response_threshold" || k == "response_max_time" ||
                       k == "response_time") {
                if (threshold_seen) {
                    error(v, "Duplicate response threshold detected");
                    continue;
                }
                threshold_seen = true;
                if (!v.is_string()) {
                    error(v, "Expected response threshold to be a parseable time duration, got " + go_type(v));
                    continue;
                }
                auto d = config::parse_go_duration(v.as_string(), nullptr);
                if (!d) {
                    error(v, "Expected response threshold to be a parseable time duration, got \"" + v.as_string() + "\"");
                    continue;
                }
                threshold = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
                if (stream) error(v, "Detected response directive on non-service");
            } else if (k == "accounts") {
                auth.accounts = account_names(v);
            } else if (k == "latency") {
                latency_at = &v;
                tracking = latency(v);
                if (stream) error(v, "Detected latency directive on non-service");
            } else if (k == "account_token_position") {
                if (!v.is_int() || v.as_int() < 0) {
                    error(v, "Expected account_token_position to be a positive integer, got " + go_type(v));
                    continue;
                }
                auth.account_token_position = static_cast<unsigned>(v.as_int());
            } else {
                unknown_field(v, key);
            }
        }
        if (stream) {
            stream->auth = auth;
            account.stream_exports.push_back(std::move(*stream));
        }
        if (service) {
            service->auth = auth;
            if (response) service->response_type = *response;
            if (threshold) service->response_threshold = *threshold;
            service->latency = tracking;
            account.service_exports.push_back(std::move(*service));
        }
    }

    // parseAccount: {account: NAME, subject: SUBJECT}
    bool import_source(const config::Value& v, std::string& account, std::string& subject) {
        for (const auto& [key, mv] : v.as_map()) {
            const std::string k = lower(key);
            if (k == "account") {
                if (auto s = string_of(mv, "account")) account = *s;
            } else if (k == "subject") {
                if (auto s = string_of(mv, "subject")) subject = *s;
            } else {
                unknown_field(mv, key);
            }
        }
        if (account.empty() || subject.empty()) {
            error(v, "Expect an account name and a subject");
            return false;
        }
        return true;
    }

    // parseImportStreamOrService
    void import_item(const config::Value& item, AccountConfig& account) {
        if (!item.is_map()) {
            error(item, "Import Items should be a map with type entry, got " + go_type(item));
            return;
        }
        std::optional<StreamImport> stream;
        std::optional<ServiceImport> service;
        std::string prefix, to;
        const config::Value* to_at = nullptr;
        bool share = false;
        for (const auto& [key, v] : item.as_map()) {
            const std::string k = lower(key);
            if (k == "stream" || k == "service") {
                const bool is_stream = k == "stream";
                if (is_stream && service) {
                    error(v, "Detected stream but already saw a service");
                    continue;
                }
                if (!is_stream && stream) {
                    error(v, "Detected service but already saw a stream");
                    continue;
                }
                if (!v.is_map()) {
                    error(v, std::string(is_stream ? "Stream" : "Service") + " entry should be an account map, got " +
                                 go_type(v));
                    continue;
                }
                std::string name, subject;
                if (!import_source(v, name, subject)) continue;
                if (is_stream) stream = StreamImport{name, subject, {}, {}, item.location()};
                else service = ServiceImport{name, subject, {}, false, item.location()};
            } else if (k == "prefix") {
                if (auto s = string_of(v, "prefix")) prefix = *s;
            } else if (k == "to") {
                if (auto s = string_of(v, "to")) {
                    to = *s;
                    to_at = &v;
                }
            } else if (k == "share") {
                if (!v.is_bool()) {
                    error(v, "Expected share to be a boolean, got " + go_type(v));
                    continue;
                }
                share = v.as_bool();
            } else {
                unknown_field(v, key);
            }
        }
        if (stream) {
            if (!prefix.empty() && to_at) {
                error(*to_at, "Stream import can not have a 'prefix' and a 'to' property");
                return;
            }
            stream->prefix = prefix;
            stream->to = to;
            account.stream_imports.push_back(std::move(*stream));
        }
        if (service) {
            service->to = to.empty() ? service->subject : to;
            service->share = share;
            for (const ServiceImport& seen : account.service_imports) {
                if (seen.to == service->to) {
                    error(item, "Duplicate service import subject \"" + service->to +
                                    "\", previously used in import for account \"" + seen.account +
                                    "\", subject \"" + seen.subject + "\"");
                    return;
                }
            }
            account.service_imports.push_back(std::move(*service));
        }
    }

    void limits(const config::Value& v, AccountLimits& out) {
        if (!v.is_map()) {
            error(v, "Expected account limits to be a map/struct, got " + go_type(v));
            return;
        }
        for (const auto& [key, mv] : v.as_map()) {
            const std::string k = lower(key);
            std::int64_t* target = nullptr;
            if (k == "max_connections" || k == "max_conn") target = &out.max_connections;
            else if (k == "max_subscriptions" || k == "max_subs") target = &out.max_subscriptions;
            else if (k == "max_payload" || k == "max_pay") target = &out.max_payload;
            else if (k != "max_leafnodes" && k != "max_leafs") {
                if (!mv.used_as_variable()) error(mv, "Unknown field \"" + key + "\" parsing account limits");
                continue;
            }
            if (!mv.is_int()) {
                error(mv, "Expected " + key + " to be an integer, got " + go_type(mv));
                continue;
            }
            // nats-server keeps these as int32; leaf node limits wait for leaf nodes.
            if (target) *target = static_cast<std::int32_t>(mv.as_int());
        }
    }

    static bool valid_account_nkey(const std::string& key) {
        if (key.size() != 56 || key[0] != 'A') return false;
        return std::all_of(key.begin(), key.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); });
    }

    void account(const std::string& name, const config::Value& v, AccountsConfig& out) {
        AccountConfig acc;
        MappingTable mappings;
        acc.name = name;
        acc.where = v.location();
        const config::Map& entries = v.as_map();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (overridden(entries, i)) continue;
            const auto& [key, mv] = entries[i];
            const std::string k = lower(key);
            if (k == "imports") {
                if (!mv.is_array()) {
                    error(mv, "Imports should be an array, got " + go_type(mv));
                    continue;
                }
                for (const auto& item : mv.as_array()) import_item(item, acc);
            } else if (k == "exports") {
                if (!mv.is_array()) {
                    error(mv, "Exports should be an array, got " + go_type(mv));
                    continue;
                }
                for (const auto& item : mv.as_array()) export_item(item, acc);
            } else if (k == "nkey") {
                if (!mv.is_string() || !valid_account_nkey(mv.as_string()))
                    error(mv, "Not a valid public nkey for an account: " + quoted(mv));
            } else if (k == "limits") {
                limits(mv, acc.limits);
            } else if (k == "mappings" || k == "maps") {
                parse_mappings(mv, mappings, errors);
            } else if (k == "users" || k == "default_permissions" || k == "jetstream") {
                // Read by the auth plugins and JetStream from Options::raw.
            } else {
                unknown_field(mv, key);
            }
        }
        if (!mappings.empty()) acc.mappings = std::make_shared<const MappingTable>(std::move(mappings));
        out.accounts.push_back(std::move(acc));
    }
};

}  // namespace

// Go's %T for the values a config can hold, as nats-server's messages print them.
std::string go_type(const config::Value& v) {
    switch (v.type()) {
        case config::Value::Type::map: return "map[string]interface {}";
        case config::Value::Type::array: return "[]interface {}";
        case config::Value::Type::string: return "string";
        case config::Value::Type::integer: return "int64";
        case config::Value::Type::floating: return "float64";
        case config::Value::Type::boolean: return "bool";
        case config::Value::Type::null: return "<nil>";
    }
    return "<nil>";
}

void ErrorList::add(const config::Location& where, const std::string& reason) {
    config::Location loc = where;
    if (loc.file.empty()) loc.file = fallback_file;
    messages.push_back(loc.to_string() + ": " + reason);
}

void ErrorList::throw_if_any() const {
    if (messages.empty()) return;
    std::string all;
    for (const auto& m : messages) all += (all.empty() ? "" : "\n") + m;
    throw config::ConfigError(all);
}

void parse_accounts_block(const config::Value& block, AccountsConfig& out, ErrorList& errors) {
    Parser p{errors};
    if (block.is_array()) {
        // accounts: [A, B]: names only.
        std::set<std::string> seen;
        for (const auto& item : block.as_array()) {
            auto name = p.string_of(item, "account name");
            if (!name) continue;
            if (*name == global_account) {
                p.error(item, "\"" + *name + "\" is a Reserved Account");
                continue;
            }
            if (!seen.insert(*name).second) {
                p.error(item, "Duplicate Account Entry: " + *name);
                continue;
            }
            out.accounts.push_back(AccountConfig{*name, item.location(), {}, {}, {}, {}, {}, {}});
        }
        return;
    }
    if (!block.is_map()) {
        p.error(block, "Expected map entries for accounts");
        return;
    }
    const config::Map& entries = block.as_map();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (overridden(entries, i)) continue;
        const auto& [name, v] = entries[i];
        if (v.used_as_variable()) continue;  // a variable defined inside the block
        if (!v.is_map()) {
            p.error(v, "Expected map entries for accounts");
            continue;
        }
        if (name == global_account) {
            p.error(v, "\"" + name + "\" is a Reserved Account");
            continue;
        }
        p.account(name, v, out);
    }
}

}  // namespace nats::accounts
