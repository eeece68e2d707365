// nats-server's command line (main.go, ConfigureOptions in server/opts.go):
// Go flag syntax, the config file first, then the flags again on top of it.
#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <filesystem>

#include "kernel/config/options.hpp"
#include "kernel/config/plugin_claims.hpp"

namespace nats::config {
namespace {

enum class Kind { boolean, integer, string };

// A flag's value after conversion; which member is set depends on the kind.
struct FlagValue {
    bool b = false;
    std::int64_t i = 0;
    std::string s;
};

// What the flags set that is not an option by itself.
struct FlagState {
    std::string config_file;
    bool tls_flag_seen = false;    // any of -tls, -tlsverify, -tlscert, -tlskey, -tlscacert
    bool tls_given = false;        // -tls itself, so "-tls=false" can turn TLS off
    bool tls = false;
    bool tls_verify = false;
    std::string tls_cert;
    std::string tls_key;
    std::string tls_ca;
};

struct Target {
    Options& opts;
    CommandLine& cmd;
    FlagState& state;
};

using Apply = void (*)(Target&, const FlagValue&, std::string_view name);

struct FlagDef {
    std::string_view name;
    Kind kind;
    Apply apply;
};

[[noreturn]] void bad_value(std::string_view name, const std::string& value, std::string_view why) {
    throw FlagError("invalid value \"" + value + "\" for flag -" + std::string(name) + ": " + std::string(why));
}

int flag_port(const FlagValue& v, std::string_view name, bool zero_is_default) {
    if (v.i < -1 || v.i > 65535) bad_value(name, std::to_string(v.i), "port must be between -1 and 65535");
    if (zero_is_default && v.i == 0) return 4222;
    return static_cast<int>(v.i);
}

// Go's flag names, one entry per alias, as ConfigureOptions declares them.
const FlagDef flags[] = {
    {"h", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.show_help = v.b; }},
    {"help", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.show_help = v.b; }},
    {"v", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.show_version = v.b; }},
    {"version", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.show_version = v.b; }},
    {"t", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.check_config = v.b; }},
    {"c", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.state.config_file = v.s; }},
    {"config", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.state.config_file = v.s; }},
    {"sl", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.signal = v.s; }},
    {"signal", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.cmd.signal = v.s; }},
    {"p", Kind::integer, [](Target& t, const FlagValue& v, std::string_view n) { t.opts.port = flag_port(v, n, true); }},
    {"port", Kind::integer,
     [](Target& t, const FlagValue& v, std::string_view n) { t.opts.port = flag_port(v, n, true); }},
    {"n", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.server_name = v.s; }},
    {"name", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.server_name = v.s; }},
    {"server_name", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.server_name = v.s; }},
    {"a", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.host = v.s; }},
    {"addr", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.host = v.s; }},
    {"net", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.host = v.s; }},
    {"client_advertise", Kind::string,
     [](Target& t, const FlagValue& v, std::string_view) { t.opts.client_advertise = v.s; }},
    {"D", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.debug = v.b; }},
    {"debug", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.debug = v.b; }},
    {"V", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.trace = v.b; }},
    {"trace", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.trace = v.b; }},
    // -VV and -DVV also trace the system account in nats-server; here they are -V and -DV.
    {"VV", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.trace = v.b; }},
    {"DV", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.debug = t.opts.trace = v.b; }},
    {"DVV", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.debug = t.opts.trace = v.b; }},
    {"T", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.logtime = v.b; }},
    {"logtime", Kind::boolean, [](Target& t, const FlagValue& v, std::string_view) { t.opts.logtime = v.b; }},
    {"l", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.log_file = v.s; }},
    {"log", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.log_file = v.s; }},
    {"log_size_limit", Kind::integer,
     [](Target& t, const FlagValue& v, std::string_view n) {
         if (v.i < 0) bad_value(n, std::to_string(v.i), "can not be negative");
         t.opts.log_size_limit = v.i;
     }},
    {"P", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.pid_file = v.s; }},
    {"pid", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.pid_file = v.s; }},
    {"ports_file_dir", Kind::string,
     [](Target& t, const FlagValue& v, std::string_view) { t.opts.ports_file_dir = v.s; }},
    {"m", Kind::integer,
     [](Target& t, const FlagValue& v, std::string_view n) { t.opts.http_port = flag_port(v, n, false); }},
    {"http_port", Kind::integer,
     [](Target& t, const FlagValue& v, std::string_view n) { t.opts.http_port = flag_port(v, n, false); }},
    {"ms", Kind::integer,
     [](Target& t, const FlagValue& v, std::string_view n) { t.opts.https_port = flag_port(v, n, false); }},
    {"https_port", Kind::integer,
     [](Target& t, const FlagValue& v, std::string_view n) { t.opts.https_port = flag_port(v, n, false); }},
    {"user", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.username = v.s; }},
    {"pass", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.password = v.s; }},
    {"auth", Kind::string, [](Target& t, const FlagValue& v, std::string_view) { t.opts.token = v.s; }},
    {"tls", Kind::boolean,
     [](Target& t, const FlagValue& v, std::string_view) {
         t.state.tls_flag_seen = true;
         t.state.tls_given = true;
         t.state.tls = v.b;
     }},
    {"tlsverify", Kind::boolean,
     [](Target& t, const FlagValue& v, std::string_view) {
         t.state.tls_flag_seen = true;
         t.state.tls_verify = v.b;
     }},
    {"tlscert", Kind::string,
     [](Target& t, const FlagValue& v, std::string_view) {
         t.state.tls_flag_seen = true;
         t.state.tls_cert = v.s;
     }},
    {"tlskey", Kind::string,
     [](Target& t, const FlagValue& v, std::string_view) {
         t.state.tls_flag_seen = true;
         t.state.tls_key = v.s;
     }},
    {"tlscacert", Kind::string,
     [](Target& t, const FlagValue& v, std::string_view) {
         t.state.tls_flag_seen = true;
         t.state.tls_ca = v.s;
     }},
};

// Flags nats-server has for features this server does not offer: refusing them
// beats silently running without syslog. Flags of features a plugin serves
// (-js, --routes, ...) are in plugin_names.cpp.
constexpr std::array<std::string_view, 7> unsupported = {
    "s", "syslog", "r", "remote_syslog", "profile", "help_tls", "max_traced_msg_len"};

const FlagDef* find_flag(std::string_view name) {
    for (const auto& f : flags) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

// strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s) {
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
    return std::nullopt;
}

// strconv.ParseInt(s, 0, 64): optional sign, then 0x/0o/0b prefixes or a leading 0 for octal.
FlagValue parse_go_int(std::string_view name, const std::string& text) {
    std::string_view s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    int base = 10;
    if (s.size() > 1 && s[0] == '0') {
        const char p = static_cast<char>(s[1] | 0x20);
        if (p == 'x') {
            base = 16;
            s.remove_prefix(2);
        } else if (p == 'o') {
            base = 8;
            s.remove_prefix(2);
        } else if (p == 'b') {
            base = 2;
            s.remove_prefix(2);
        } else {
            base = 8;
            s.remove_prefix(1);
        }
    }
    if (s.empty()) bad_value(name, text, "parse error");
    unsigned long long mag = 0;
    for (const char ch : s) {
        int d = -1;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (ch >= 'a' && ch <= 'z') d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'Z') d = ch - 'A' + 10;
        if (d < 0 || d >= base) bad_value(name, text, "parse error");
        if (mag > (ULLONG_MAX - static_cast<unsigned>(d)) / static_cast<unsigned>(base)) {
            bad_value(name, text, "value out of range");
        }
        mag = mag * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    }
    constexpr unsigned long long max_pos = static_cast<unsigned long long>(INT64_MAX);
    if (mag > max_pos + (neg ? 1 : 0)) bad_value(name, text, "value out of range");
    FlagValue v;
    v.i = neg ? static_cast<std::int64_t>(0 - mag) : static_cast<std::int64_t>(mag);
    return v;
}

struct Assignment {
    const FlagDef* def;
    FlagValue value;
};

// A flag a plugin serves, with its value converted to the flag's type.
struct PluginAssignment {
    std::string config_path;
    Value value;
};

struct ParsedArgs {
    std::vector<Assignment> assignments;
    std::vector<std::string> positional;
    std::vector<PluginAssignment> plugin_values;
    std::vector<FlagWithoutPlugin> without_plugin;
};

// Go's flag.FlagSet.Parse: stops at the first non-flag argument or after "--".
ParsedArgs scan(int argc, const char* const* argv, PluginClaims* claims) {
    ParsedArgs out;
    int i = 1;
    while (i < argc) {
        const std::string arg = argv[i] ? argv[i] : "";
        if (arg.size() < 2 || arg[0] != '-') break;
        std::size_t dashes = 1;
        if (arg[1] == '-') {
            if (arg.size() == 2) {
                ++i;
                break;
            }
            dashes = 2;
        }
        std::string name = arg.substr(dashes);
        if (name.empty() || name[0] == '-' || name[0] == '=') throw FlagError("bad flag syntax: " + arg);
        ++i;
        bool has_value = false;
        std::string value;
        if (const auto eq = name.find('=', 1); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
            has_value = true;
        }
        const FlagDef* def = find_flag(name);
        std::optional<PluginFlag> plugin_flag;
        if (!def && claims) plugin_flag = claims->find_flag(name);
        std::optional<KnownFlag> known;
        if (!def && !plugin_flag) known = plugin_for_flag(name);
        if (!def && !plugin_flag && !known) {
            if (std::find(unsupported.begin(), unsupported.end(), name) != unsupported.end()) {
                throw FlagError("flag -" + name + " of nats-server is not supported by this server");
            }
            throw FlagError("flag provided but not defined: -" + name);
        }
        const Kind kind = def            ? def->kind
                          : plugin_flag  ? (plugin_flag->type == PluginFlag::Type::boolean   ? Kind::boolean
                                            : plugin_flag->type == PluginFlag::Type::integer ? Kind::integer
                                                                                             : Kind::string)
                          : known->takes_value ? Kind::string
                                               : Kind::boolean;
        FlagValue fv;
        if (kind == Kind::boolean) {
            if (has_value) {
                const auto b = parse_go_bool(value);
                if (!b) throw FlagError("invalid boolean value \"" + value + "\" for -" + name + ": parse error");
                fv.b = *b;
            } else {
                fv.b = true;
            }
        } else {
            // A non-boolean flag takes the next argument even if it starts with '-'.
            if (!has_value && i < argc) {
                value = argv[i] ? argv[i] : "";
                has_value = true;
                ++i;
            }
            if (!has_value) throw FlagError("flag needs an argument: -" + name);
            if (kind == Kind::integer) {
                fv = parse_go_int(name, value);
            } else {
                fv.s = value;
            }
        }
        if (def) {
            out.assignments.push_back({def, std::move(fv)});
        } else if (plugin_flag) {
            const Location at{"command line (" + arg + ")", 0, 0};
            Value v = kind == Kind::boolean   ? Value::make_bool(fv.b, at)
                      : kind == Kind::integer ? Value::make_int(fv.i, at)
                                              : Value::make_string(fv.s, at);
            out.plugin_values.push_back({plugin_flag->config_path, std::move(v)});
        } else {
            out.without_plugin.push_back({arg.substr(0, arg.find('=')), std::string(known->plugin)});
        }
    }
    for (; i < argc; ++i) out.positional.emplace_back(argv[i] ? argv[i] : "");
    return out;
}

// `root` with `value` set at the dotted `path`; a part of the path that is not a
// map becomes one (the flag wins over whatever the file had there).
Value with_value_at(const Value& root, std::string_view path, const Value& value) {
    const auto dot = path.find('.');
    const std::string head(path.substr(0, dot));
    Map entries = root.is_map() ? root.as_map() : Map{};
    const Value* old = root.find(head);
    Value next = dot == std::string_view::npos ? value
                                               : with_value_at(old ? *old : Value::make_map({}), path.substr(dot + 1), value);
    // Keys match case-insensitively: drop every spelling of the old entry.
    std::erase_if(entries, [&](const auto& entry) {
        return entry.first.size() == head.size() &&
               std::equal(head.begin(), head.end(), entry.first.begin(),
                          [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
    entries.emplace_back(head, std::move(next));
    return Value::make_map(std::move(entries), root.location());
}

void apply_all(const ParsedArgs& args, Options& opts, CommandLine& cmd, FlagState& state) {
    Target t{opts, cmd, state};
    for (const auto& a : args.assignments) a.def->apply(t, a.value, a.def->name);
}

// The -tls* flags replace the file's tls block (overrideTLS); "-tls=false" turns TLS off.
void apply_tls_flags(const FlagState& state, Options& opts) {
    if (!state.tls_flag_seen) return;
    if (state.tls_given && !state.tls) {
        opts.tls.enabled = false;
        return;
    }
    if (state.tls_cert.empty()) throw ConfigError("TLS Server certificate must be present and valid");
    if (state.tls_key.empty()) throw ConfigError("TLS Server private key must be present and valid");
    opts.tls.enabled = true;
    opts.tls.cert_file = state.tls_cert;
    opts.tls.key_file = state.tls_key;
    opts.tls.ca_file = state.tls_ca;
    opts.tls.verify = state.tls_verify;
}

}  // namespace

Options parse_command_line(int argc, const char* const* argv, CommandLine& cmd, PluginClaims* claims) {
    cmd = CommandLine{};
    const ParsedArgs args = scan(argc, argv, claims);

    // First pass: learn -c, -t, -h, -v and --signal.
    Options from_flags;
    FlagState state;
    apply_all(args, from_flags, cmd, state);
    if (cmd.show_version || cmd.show_help) return from_flags;
    if (!args.positional.empty()) {
        std::string word = args.positional.front();
        std::transform(word.begin(), word.end(), word.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (word == "version") {
            cmd.show_version = true;
        } else if (word == "help") {
            cmd.show_help = true;
        } else {
            throw ConfigError("unrecognized command: \"" + args.positional.front() + "\"");
        }
        return from_flags;
    }
    // Signalling another server does not read the config file.
    if (!cmd.signal.empty()) return from_flags;

    // Flags served by plugins go into the config tree before it is read, so they
    // win over the file and reach their plugin as the key would (not with -t,
    // which checks the file only, as nats-server's does).
    Options opts;
    if (!state.config_file.empty()) {
        Value root = parse_config_file(state.config_file);
        if (!cmd.check_config)
            for (const auto& p : args.plugin_values) root = with_value_at(root, p.config_path, p.value);
        opts = load_options_from_value(root, state.config_file, claims);
        opts.flags_without_plugin = args.without_plugin;
        // nats-server -t fails on warnings too; a plain start logs them and goes on.
        if (cmd.check_config && !opts.warnings.empty()) {
            std::string all;
            for (const auto& w : opts.warnings) all += (all.empty() ? "" : "\n") + w;
            throw ConfigError(all);
        }
        // Like nats-server, -t checks the file only; flags are not applied again.
        if (cmd.check_config) return opts;
    } else if (cmd.check_config) {
        throw ConfigError("must specify [-c, --config] option to check configuration file syntax");
    } else if (!args.plugin_values.empty()) {
        Value root = Value::make_map({});
        for (const auto& p : args.plugin_values) root = with_value_at(root, p.config_path, p.value);
        opts = options_from_value(root, "command line", claims);
    }
    opts.flags_without_plugin = args.without_plugin;

    // Second pass: the flags win over the file.
    FlagState again;
    apply_all(args, opts, cmd, again);
    apply_tls_flags(again, opts);
    return opts;
}

std::string usage_text() {
    return R"(
Usage: nats-server [options]

Server Options:
    -a, --addr, --net <host>         Bind to host address (default: 0.0.0.0)
    -p, --port <port>                Use port for clients (default: 4222)
    -n, --name
        --server_name <server_name>  Server name (default: auto)
    -P, --pid <file>                 File to store PID
    -m, --http_port <port>           Use port for http monitoring
    -ms,--https_port <port>          Use port for https monitoring
    -c, --config <file>              Configuration file
    -t                               Test configuration and exit
    -sl,--signal <signal>[=<pid>]    Send signal to nats-server process (ldm, stop, quit, term, reopen, reload)
                                     <pid> can be either a PID (e.g. 1) or the path to a PID file (e.g. /var/run/nats-server.pid)
        --client_advertise <string>  Client URL to advertise to other servers
        --ports_file_dir <dir>       Creates a ports file in the specified directory (<executable_name>_<pid>.ports).

Logging Options:
    -l, --log <file>                 File to redirect log output
    -T, --logtime                    Timestamp log entries (default: true)
    -D, --debug                      Enable debugging output
    -V, --trace                      Trace the raw protocol
    -DV                              Debug and trace
        --log_size_limit <limit>     Logfile size limit (default: auto)

Authorization Options:
        --user <user>                User required for connections
        --pass <password>            Password required for connections
        --auth <token>               Authorization token required for connections

TLS Options:
        --tls                        Enable TLS, do not verify clients (default: false)
        --tlscert <file>             Server certificate file
        --tlskey <file>              Private key for server certificate
        --tlsverify                  Enable TLS, verify client certificates
        --tlscacert <file>           Client certificate CA for verification

Common Options:
    -h, --help                       Show this message
    -v, --version                    Show version
)";
}

}  // namespace nats::config
