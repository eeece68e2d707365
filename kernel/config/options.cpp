// Maps a parsed config tree onto Options, key by key as nats-server's
// processConfigFileLine does for the keys the kernel owns. Everything else stays
// in Options::raw for plugins.
#include "kernel/config/options.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>

#include "kernel/config/duration.hpp"
#include "kernel/config/tls_names.hpp"

namespace nats::config {
namespace {

struct Context {
    Options& opts;
    std::string fallback_file;
    std::vector<std::string> errors;
    // Cross-key checks run after all keys; they point at these entries.
    const Value* max_payload_at = nullptr;
    const Value* max_pending_at = nullptr;
    const Value* lame_duck_at = nullptr;
    const Value* grace_at = nullptr;
};

std::string where(const Context& c, const Value& v) {
    Location loc = v.location();
    if (loc.file.empty()) loc.file = c.fallback_file;
    return loc.to_string();
}

[[noreturn]] void fail(const Context& c, const Value& v, const std::string& reason) {
    throw ConfigError(where(c, v) + ": " + reason);
}

[[noreturn]] void wrong_type(const Context& c, std::string_view key, std::string_view wanted, const Value& v) {
    fail(c, v, "expected " + std::string(wanted) + " for '" + std::string(key) + "', got " + std::string(v.type_name()));
}

const std::string& get_string(const Context& c, std::string_view key, const Value& v) {
    if (!v.is_string()) wrong_type(c, key, "string", v);
    return v.as_string();
}

bool get_bool(const Context& c, std::string_view key, const Value& v) {
    if (!v.is_bool()) wrong_type(c, key, "bool", v);
    return v.as_bool();
}

std::int64_t get_int(const Context& c, std::string_view key, const Value& v) {
    if (!v.is_int()) wrong_type(c, key, "integer", v);
    return v.as_int();
}

// A count or size that must fit nats-server's int32 and not be negative.
int get_limit(const Context& c, std::string_view key, const Value& v) {
    const std::int64_t n = get_int(c, key, v);
    if (n > INT_MAX) fail(c, v, std::string(key) + " value is too big");
    if (n < 0) fail(c, v, std::string(key) + " value can not be negative");
    return static_cast<int>(n);
}

int check_port(const Context& c, std::string_view key, const Value& v, std::int64_t port) {
    if (port < -1 || port > 65535) {
        fail(c, v, "invalid port " + std::to_string(port) + " for '" + std::string(key) +
                        "', must be between -1 and 65535");
    }
    return static_cast<int>(port);
}

int get_port(const Context& c, std::string_view key, const Value& v) {
    return check_port(c, key, v, get_int(c, key, v));
}

Duration to_ms(std::chrono::nanoseconds d) { return std::chrono::duration_cast<Duration>(d); }

// nats-server's parseDuration: a Go duration string, or (deprecated) whole seconds.
Duration get_duration(Context& c, std::string_view key, const Value& v) {
    const std::string k(key);
    if (v.is_int()) {
        c.opts.warnings.push_back(where(c, v) + ": invalid use of field \"" + k + "\": " + k +
                                  " should be converted to a duration");
        const auto d = parse_duration(v);
        if (!d) fail(c, v, "error parsing " + k + ": value out of range");
        return *d;
    }
    if (!v.is_string()) wrong_type(c, key, "duration", v);
    std::string error;
    const auto d = parse_go_duration(v.as_string(), &error);
    if (!d) fail(c, v, "error parsing " + k + ": " + error);
    return to_ms(*d);
}

// Seconds as an integer or float (nats-server's auth and tls timeouts).
Duration get_seconds(const Context& c, std::string_view key, const Value& v) {
    if (!v.is_number()) wrong_type(c, key, "number of seconds", v);
    const double secs = v.as_double();
    if (secs < 0) fail(c, v, std::string(key) + " can not be negative");
    if (secs > 1e9) fail(c, v, std::string(key) + " value is too big");
    return Duration{static_cast<Duration::rep>(secs * 1000.0)};
}

struct HostPort {
    std::string host;
    int port = 0;
};

// listen/http/https: a port, or "host:port" split as Go's net.SplitHostPort.
HostPort get_listen(const Context& c, std::string_view key, const Value& v) {
    if (v.is_int()) return {"", get_port(c, key, v)};
    if (!v.is_string()) wrong_type(c, key, "port or host:port", v);
    const std::string& s = v.as_string();
    std::string host;
    std::string port;
    const auto bad_address = [&] { fail(c, v, "could not parse address string \"" + s + "\""); };
    if (!s.empty() && s[0] == '[') {
        const auto close = s.find(']');
        if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') bad_address();
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
    } else {
        const auto colon = s.rfind(':');
        if (colon == std::string::npos) bad_address();
        host = s.substr(0, colon);
        if (host.find(':') != std::string::npos) bad_address();
        port = s.substr(colon + 1);
    }
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size()) {
        fail(c, v, "could not parse port \"" + port + "\"");
    }
    return {host, check_port(c, key, v, n)};
}

// JetStream sizes: an integer (sizes like 1GB are already integers) or "<n>K|M|G|T".
std::int64_t get_storage_size(const Context& c, std::string_view field, const Value& v) {
    if (v.is_int()) return v.as_int();
    if (!v.is_string()) fail(c, v, std::string(field) + " must be int64 or string");
    const std::string& s = v.as_string();
    if (s.empty()) return 0;
    const std::string prefix = s.substr(0, s.size() - 1);
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), n);
    if (prefix.empty() || ec != std::errc() || ptr != prefix.data() + prefix.size()) {
        fail(c, v, std::string(field) + " strconv.ParseInt: parsing \"" + prefix + "\": invalid syntax");
    }
    int shift = 0;
    switch (s.back()) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: fail(c, v, std::string(field) + " sizes defined as strings must end in K, M, G, T");
    }
    std::int64_t out = 0;
    if (__builtin_mul_overflow(n, std::int64_t{1} << shift, &out)) fail(c, v, std::string(field) + " value is too big");
    return out;
}

const Map& get_map(const Context& c, std::string_view key, const Value& v) {
    if (!v.is_map()) wrong_type(c, key, "map", v);
    return v.as_map();
}

void apply_authorization(Context& c, std::string_view key, const Value& v) {
    Options& o = c.opts;
    std::string user, pass, token;
    std::optional<Duration> timeout;
    bool has_users = false;
    for (const auto& [k, mv] : get_map(c, key, v)) {
        const std::string name = lower(k);
        if (name == "user" || name == "username") {
            user = get_string(c, k, mv);
        } else if (name == "pass" || name == "password") {
            pass = get_string(c, k, mv);
        } else if (name == "token") {
            token = get_string(c, k, mv);
        } else if (name == "timeout") {
            timeout = get_seconds(c, "authorization timeout", mv);
        } else if (name == "users") {
            if (!mv.is_array()) wrong_type(c, k, "array", mv);
            has_users = true;
        }
        // Permissions, users and the rest belong to the auth plugin (raw).
    }
    if ((!user.empty() || !pass.empty()) && !token.empty()) fail(c, v, "Cannot have a user/pass and token");
    if (has_users && !user.empty()) fail(c, v, "Can not have a single user/pass and a users array");
    if (has_users && !token.empty()) fail(c, v, "Can not have a token and a users array");
    o.username = user;
    o.password = pass;
    o.token = token;
    o.auth_timeout = timeout;
}

void apply_tls(Context& c, std::string_view key, const Value& v) {
    TlsOptions t;
    t.enabled = true;
    auto filename = [&](const std::string& k, const Value& mv) -> std::string {
        if (!mv.is_string()) fail(c, mv, "error parsing tls config, expected '" + k + "' to be filename");
        return mv.as_string();
    };
    auto flag = [&](const std::string& k, const Value& mv) {
        if (!mv.is_bool()) fail(c, mv, "error parsing tls config, expected '" + k + "' to be a boolean");
        return mv.as_bool();
    };
    // A list of names, each checked by `known` (nats-server's words on failure).
    auto names = [&](const std::string& k, const Value& mv, auto known, const char* unknown_text) {
        if (!mv.is_array()) fail(c, mv, "error parsing tls config, expected '" + k + "' to be an array");
        if (mv.as_array().empty()) fail(c, mv, "error parsing tls config, '" + k + "' cannot be empty");
        std::vector<std::string> out;
        for (const auto& item : mv.as_array()) {
            if (!item.is_string() || !known(item.as_string()))
                fail(c, item, std::string(unknown_text) + " " + (item.is_string() ? item.as_string() : "?"));
            out.push_back(item.as_string());
        }
        return out;
    };
    for (const auto& [k, mv] : get_map(c, key, v)) {
        const std::string name = lower(k);
        if (name == "cert_file") {
            t.cert_file = filename(name, mv);
        } else if (name == "key_file") {
            t.key_file = filename(name, mv);
        } else if (name == "ca_file") {
            t.ca_file = filename(name, mv);
        } else if (name == "verify") {
            t.verify = flag(name, mv);
        } else if (name == "verify_and_map") {
            // Fail closed: mapping a certificate to a user needs the auth plugins'
            // help, which they do not give yet; running without it would let any
            // verified certificate in as no user at all.
            if (flag(name, mv))
                fail(c, mv, "error parsing tls config, 'verify_and_map' is not supported by this server yet");
        } else if (name == "verify_cert_and_check_known_urls") {
            // As nats-server: only routes, gateways and leaf nodes know URLs.
            if (flag(name, mv)) fail(c, mv, "verify_cert_and_check_known_urls not supported in this context");
        } else if (name == "insecure") {
            flag(name, mv);  // skips verifying servers we dial: clients are never dialled
        } else if (name == "cipher_suites") {
            t.cipher_suites = names(name, mv, [](const std::string& n) { return openssl_cipher_name(n).has_value(); },
                                    "unrecognized cipher");
        } else if (name == "curve_preferences") {
            t.curve_preferences = names(
                name, mv, [](const std::string& n) { return openssl_group_name(n).has_value(); },
                "unrecognized curve preference");
        } else if (name == "connection_rate_limit") {
            if (!mv.is_int()) fail(c, mv, "error parsing tls config, 'connection_rate_limit' wrong type");
            t.connection_rate_limit = mv.as_int();
        } else if (name == "pinned_certs") {
            static constexpr const char* what = "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo";
            if (!mv.is_array())
                fail(c, mv, std::string("error parsing tls config, expected 'pinned_certs' to be a list of ") + what);
            for (const auto& item : mv.as_array()) {
                const std::string entry = item.is_string() ? lower(item.as_string()) : "?";
                const bool hex64 = entry.size() == 64 && entry.find_first_not_of("0123456789abcdef") == std::string::npos;
                if (!hex64)
                    fail(c, item, "error parsing tls config, 'pinned_certs' key " + entry + " does not look like " + what);
                t.pinned_certs.push_back(entry);
            }
        } else if (name == "timeout") {
            if (mv.is_string()) {
                std::string error;
                const auto d = parse_go_duration(mv.as_string(), &error);
                if (!d) fail(c, mv, "error parsing tls config, 'timeout' " + error);
                t.timeout = to_ms(*d);
            } else if (mv.is_number()) {
                t.timeout = get_seconds(c, "tls timeout", mv);
            } else {
                fail(c, mv, "error parsing tls config, 'timeout' wrong type");
            }
            if (t.timeout.count() <= 0) t.timeout = TlsOptions{}.timeout;  // 0 means the default
        } else {
            fail(c, mv, "error parsing tls config, unknown field [\"" + k + "\"]");
        }
    }
    if (!t.cert_file.empty() && t.key_file.empty()) fail(c, v, "missing 'key_file' in TLS configuration");
    if (t.cert_file.empty() && !t.key_file.empty()) fail(c, v, "missing 'cert_file' in TLS configuration");
    c.opts.tls = t;
}

void set_store_dir(Context& c, const Value& v, std::string_view key) {
    // nats-server refuses a second store_dir (top level and inside jetstream {}).
    if (!c.opts.store_dir.empty()) fail(c, v, "Duplicate 'store_dir' configuration");
    c.opts.store_dir = get_string(c, key, v);
}

void apply_jetstream(Context& c, std::string_view key, const Value& v) {
    Options& o = c.opts;
    if (v.is_bool()) {
        o.jetstream = v.as_bool();
    } else if (v.is_string()) {
        const std::string s = lower(v.as_string());
        if (s == "enabled" || s == "enable") {
            o.jetstream = true;
        } else if (s == "disabled" || s == "disable") {
            o.jetstream = false;
        } else {
            fail(c, v, "Expected 'enabled' or 'disabled' for string value, got '" + v.as_string() + "'");
        }
    } else if (v.is_map()) {
        bool enable = true;
        for (const auto& [k, mv] : v.as_map()) {
            const std::string name = lower(k);
            if (name == "store" || name == "store_dir" || name == "storedir") {
                set_store_dir(c, mv, k);
            } else if (name == "max_memory_store" || name == "max_mem_store" || name == "max_mem") {
                o.jetstream_max_memory = get_storage_size(c, "max_mem_store", mv);
            } else if (name == "max_file_store" || name == "max_file") {
                o.jetstream_max_store = get_storage_size(c, "max_file_store", mv);
            } else if (name == "enable" || name == "enabled") {
                enable = get_bool(c, k, mv);
            }
            // domain, limits, cipher and the rest are the JetStream plugin's.
        }
        o.jetstream = enable;
    } else {
        fail(c, v, "Expected map, bool or string to define JetStream, got " + std::string(v.type_name()));
    }
}

using Handler = void (*)(Context&, std::string_view key, const Value&);
struct KeyRule {
    std::string_view name;
    Handler apply;
};

// Lower-case names; nats-server matches top-level keys case-insensitively.
const KeyRule rules[] = {
    {"listen", [](Context& c, std::string_view k, const Value& v) {
         const HostPort hp = get_listen(c, k, v);
         c.opts.host = hp.host.empty() ? "0.0.0.0" : hp.host;
         c.opts.port = hp.port == 0 ? 4222 : hp.port;
     }},
    {"port", [](Context& c, std::string_view k, const Value& v) {
         const int p = get_port(c, k, v);
         c.opts.port = p == 0 ? 4222 : p;  // 0 means the default, as in setBaselineOptions
     }},
    {"host", [](Context& c, std::string_view k, const Value& v) { c.opts.host = get_string(c, k, v); }},
    {"net", [](Context& c, std::string_view k, const Value& v) { c.opts.host = get_string(c, k, v); }},
    {"server_name", [](Context& c, std::string_view k, const Value& v) { c.opts.server_name = get_string(c, k, v); }},
    {"client_advertise",
     [](Context& c, std::string_view k, const Value& v) { c.opts.client_advertise = get_string(c, k, v); }},
    {"debug", [](Context& c, std::string_view k, const Value& v) { c.opts.debug = get_bool(c, k, v); }},
    {"trace", [](Context& c, std::string_view k, const Value& v) { c.opts.trace = get_bool(c, k, v); }},
    {"trace_verbose", [](Context& c, std::string_view k, const Value& v) { c.opts.trace = get_bool(c, k, v); }},
    {"logtime", [](Context& c, std::string_view k, const Value& v) { c.opts.logtime = get_bool(c, k, v); }},
    {"log_file", [](Context& c, std::string_view k, const Value& v) { c.opts.log_file = get_string(c, k, v); }},
    {"logfile", [](Context& c, std::string_view k, const Value& v) { c.opts.log_file = get_string(c, k, v); }},
    {"log_size_limit", [](Context& c, std::string_view k, const Value& v) {
         const std::int64_t n = get_int(c, k, v);
         if (n < 0) fail(c, v, std::string(k) + " value can not be negative");
         c.opts.log_size_limit = n;
     }},
    {"logfile_size_limit", [](Context& c, std::string_view k, const Value& v) {
         const std::int64_t n = get_int(c, k, v);
         if (n < 0) fail(c, v, std::string(k) + " value can not be negative");
         c.opts.log_size_limit = n;
     }},
    {"pid_file", [](Context& c, std::string_view k, const Value& v) { c.opts.pid_file = get_string(c, k, v); }},
    {"pidfile", [](Context& c, std::string_view k, const Value& v) { c.opts.pid_file = get_string(c, k, v); }},
    {"ports_file_dir",
     [](Context& c, std::string_view k, const Value& v) { c.opts.ports_file_dir = get_string(c, k, v); }},
    {"http", [](Context& c, std::string_view k, const Value& v) {
         const HostPort hp = get_listen(c, k, v);
         c.opts.http_host = hp.host;
         c.opts.http_port = hp.port;
     }},
    {"https", [](Context& c, std::string_view k, const Value& v) {
         const HostPort hp = get_listen(c, k, v);
         c.opts.http_host = hp.host;
         c.opts.https_port = hp.port;
     }},
    {"http_port", [](Context& c, std::string_view k, const Value& v) { c.opts.http_port = get_port(c, k, v); }},
    {"monitor_port", [](Context& c, std::string_view k, const Value& v) { c.opts.http_port = get_port(c, k, v); }},
    {"https_port", [](Context& c, std::string_view k, const Value& v) { c.opts.https_port = get_port(c, k, v); }},
    {"jetstream", apply_jetstream},
    {"store_dir", [](Context& c, std::string_view k, const Value& v) { set_store_dir(c, v, k); }},
    {"storedir", [](Context& c, std::string_view k, const Value& v) { set_store_dir(c, v, k); }},
    {"authorization", apply_authorization},
    {"no_auth_user", [](Context& c, std::string_view k, const Value& v) { c.opts.no_auth_user = get_string(c, k, v); }},
    {"max_payload", [](Context& c, std::string_view k, const Value& v) {
         const int n = get_limit(c, k, v);
         c.opts.max_payload = n == 0 ? Options{}.max_payload : n;
         c.max_payload_at = &v;
     }},
    {"max_control_line", [](Context& c, std::string_view k, const Value& v) {
         const int n = get_limit(c, k, v);
         c.opts.max_control_line = n == 0 ? Options{}.max_control_line : n;
     }},
    {"max_pending", [](Context& c, std::string_view k, const Value& v) {
         const std::int64_t n = get_int(c, k, v);
         if (n < 0) fail(c, v, std::string(k) + " value can not be negative");
         c.opts.max_pending = n == 0 ? Options{}.max_pending : n;
         c.max_pending_at = &v;
     }},
    {"max_connections", [](Context& c, std::string_view k, const Value& v) {
         const std::int64_t n = get_int(c, k, v);
         if (n > INT_MAX || n < INT_MIN) fail(c, v, std::string(k) + " value is too big");
         c.opts.max_connections = n == 0 ? Options{}.max_connections : static_cast<int>(n);
     }},
    {"max_conn", [](Context& c, std::string_view k, const Value& v) {
         const std::int64_t n = get_int(c, k, v);
         if (n > INT_MAX || n < INT_MIN) fail(c, v, std::string(k) + " value is too big");
         c.opts.max_connections = n == 0 ? Options{}.max_connections : static_cast<int>(n);
     }},
    {"max_subscriptions",
     [](Context& c, std::string_view k, const Value& v) { c.opts.max_subscriptions = get_limit(c, k, v); }},
    {"max_subs", [](Context& c, std::string_view k, const Value& v) { c.opts.max_subscriptions = get_limit(c, k, v); }},
    {"ping_interval", [](Context& c, std::string_view k, const Value& v) {
         const Duration d = get_duration(c, k, v);
         if (d.count() < 0) fail(c, v, std::string(k) + " can not be negative");
         c.opts.ping_interval = d.count() == 0 ? Options{}.ping_interval : d;
     }},
    {"ping_max", [](Context& c, std::string_view k, const Value& v) {
         const int n = get_limit(c, k, v);
         c.opts.max_pings_out = n == 0 ? Options{}.max_pings_out : n;
     }},
    {"write_deadline", [](Context& c, std::string_view k, const Value& v) {
         const Duration d = get_duration(c, k, v);
         if (d.count() < 0) fail(c, v, std::string(k) + " can not be negative");
         c.opts.write_deadline = d.count() == 0 ? Options{}.write_deadline : d;
     }},
    {"lame_duck_duration", [](Context& c, std::string_view k, const Value& v) {
         std::string error;
         const auto d = parse_go_duration(get_string(c, k, v), &error);
         if (!d) fail(c, v, "error parsing lame_duck_duration: " + error);
         if (*d < std::chrono::seconds{30}) {
             fail(c, v, "invalid lame_duck_duration of " + format_go_duration(*d) + ", minimum is 30 seconds");
         }
         c.opts.lame_duck_duration = to_ms(*d);
         c.lame_duck_at = &v;
     }},
    {"lame_duck_grace_period", [](Context& c, std::string_view k, const Value& v) {
         std::string error;
         const auto d = parse_go_duration(get_string(c, k, v), &error);
         if (!d) fail(c, v, "error parsing lame_duck_grace_period: " + error);
         if (d->count() < 0) fail(c, v, "invalid lame_duck_grace_period, needs to be positive");
         c.opts.lame_duck_grace_period = d->count() == 0 ? Options{}.lame_duck_grace_period : to_ms(*d);
         c.grace_at = &v;
     }},
    {"max_closed_clients", [](Context& c, std::string_view k, const Value& v) {
         const std::int64_t n = get_int(c, k, v);
         if (n < 0) fail(c, v, std::string(k) + " value can not be negative");
         if (n > INT_MAX) fail(c, v, std::string(k) + " value is too big");
         c.opts.max_closed_clients = n == 0 ? Options{}.max_closed_clients : static_cast<int>(n);
     }},
    {"tls", apply_tls},
};

const KeyRule* find_rule(std::string_view key) {
    const std::string name = lower(key);
    for (const auto& r : rules) {
        if (r.name == name) return &r;
    }
    return nullptr;
}

// Checks nats-server makes once all options are known (validateOptions).
void cross_checks(Context& c) {
    const Options& o = c.opts;
    if (o.max_payload > o.max_pending) {
        const std::string msg = "max_payload (" + std::to_string(o.max_payload) + ") cannot be higher than max_pending (" +
                                std::to_string(o.max_pending) + ")";
        const Value* at = c.max_payload_at ? c.max_payload_at : c.max_pending_at;
        c.errors.push_back(at ? where(c, *at) + ": " + msg : msg);
    }
    if (o.lame_duck_grace_period >= o.lame_duck_duration) {
        const std::string msg = "lame duck grace period (" + format_go_duration(o.lame_duck_grace_period) +
                                ") should be strictly lower than lame duck duration (" +
                                format_go_duration(o.lame_duck_duration) + ")";
        const Value* at = c.grace_at ? c.grace_at : c.lame_duck_at;
        c.errors.push_back(at ? where(c, *at) + ": " + msg : msg);
    }
}

}  // namespace

// Keys nats-server reads for features this server does not have. Accepted when
// the value asks for nothing (false, 0, empty), refused otherwise: running
// without what the config asks for would be silently smaller (fail closed).
static std::optional<std::string> unsupported_setting(std::string_view key, const Value& v) {
    const std::string k = lower(key);
    auto refused = [&](std::string_view what) {
        return "'" + std::string(key) + "' is not supported by this server (" + std::string(what) + ")";
    };
    if (k == "syslog") {
        if (!(v.is_bool() && !v.as_bool())) return refused("no syslog logging; remove it or set it to false");
    } else if (k == "remote_syslog") {
        if (!(v.is_string() && v.as_string().empty())) return refused("no remote syslog logging");
    } else if (k == "no_header_support") {
        if (!(v.is_bool() && !v.as_bool())) return refused("headers are always supported; remove it or set it to false");
    } else if (k == "prof_port") {
        if (!(v.is_int() && v.as_int() <= 0)) return refused("no profiling port");
    } else if (k == "default_js_domain") {
        const bool empty = (v.is_map() && v.as_map().empty()) || (v.is_string() && v.as_string().empty());
        if (!empty) return refused("no JetStream domains");
    } else if (k == "ocsp") {
        bool never = v.is_bool() && !v.as_bool();
        if (v.is_map()) {
            const Value* mode = v.find("mode");
            never = mode && mode->is_string() && lower(mode->as_string()) == "never";
        }
        if (!never) return refused("no OCSP stapling; remove it or set it to false or {mode: never}");
    }
    return std::nullopt;
}

bool is_kernel_key(std::string_view key) { return find_rule(key) != nullptr; }

// Top-level blocks nats-server knows that plugins, not the kernel, read (and our
// own "plugins" block). Any other unknown key is an error, as in nats-server.
bool is_plugin_key(std::string_view key) {
    static constexpr std::string_view keys[] = {
        "plugins", "accounts", "system_account", "system", "no_system_account", "no_system", "no_sys_acc",
        "cluster", "gateway", "leafnodes", "leaf", "websocket", "ws", "mqtt", "operator", "operators", "root", "roots",
        "root_operator", "root_operators", "resolver",
        "resolver_preload", "resolver_tls", "trusted", "trusted_keys", "server_tags", "default_js_domain",
        "mappings", "maps", "http_base_path", "ocsp",
        "connect_error_reports", "reconnect_error_reports", "max_traced_msg_len", "disable_sublist_cache",
        "syslog", "remote_syslog", "prof_port",
        "no_header_support", "jetstream_max_memory", "jetstream_max_store"};
    for (auto k : keys) {
        if (k.size() == key.size() &&
            std::equal(k.begin(), k.end(), key.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
            return true;
    }
    return false;
}

Options options_from_value(const Value& root, const std::string& file_for_errors, PluginClaims* claims) {
    Options opts;
    Context c{opts, file_for_errors, {}};
    if (!root.is_map()) {
        throw ConfigError(where(c, root) + ": expected a map at the top of the configuration, got " +
                          std::string(root.type_name()));
    }
    // Every problem is reported at once, as nats-server does.
    for (const auto& [key, value] : root.as_map()) {
        const KeyRule* rule = find_rule(key);
        if (!rule) {
            if (!value.used_as_variable()) {
                if (auto reason = unsupported_setting(key, value)) {
                    c.errors.push_back(where(c, value) + ": " + *reason);
                    continue;
                }
            }
            // A plugin's block is kept in raw for the plugin; anything else is a mistake.
            if (!is_plugin_key(key) && !value.used_as_variable() &&
                !(claims && claims->serves_key(key, root, file_for_errors)))
                c.errors.push_back(where(c, value) + ": unknown field \"" + key + "\"");
            continue;
        }
        try {
            rule->apply(c, key, value);
        } catch (const ConfigError& e) {
            c.errors.push_back(e.what());
        }
    }
    cross_checks(c);
    if (!c.errors.empty()) {
        std::string all;
        for (const auto& e : c.errors) all += (all.empty() ? "" : "\n") + e;
        throw ConfigError(all);
    }
    opts.raw = root;
    return opts;
}

Options load_options_from_file(const std::string& path, PluginClaims* claims) {
    return load_options_from_value(parse_config_file(path), path, claims);
}

Options load_options_from_value(const Value& root, const std::string& path, PluginClaims* claims) {
    Options opts = options_from_value(root, path, claims);
    std::error_code ec;
    const auto abs = std::filesystem::absolute(path, ec);
    opts.config_file = ec ? path : abs.lexically_normal().string();
    return opts;
}

}  // namespace nats::config
