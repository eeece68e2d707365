// Mapping of the top-level keys nats-server 2.9.10 knows onto Options.
#include <gtest/gtest.h>

#include "kernel/config/options.hpp"
#include "temp_dir.hpp"

namespace nats::config {
namespace {

using namespace std::chrono_literals;

Options load(const std::string& text) { return options_from_value(parse_config_string(text, "s.conf"), "s.conf"); }

std::string error_of(const std::string& text) {
    try {
        load(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ConfOptions, DefaultsMatchNatsServer) {
    const Options o = load("");
    EXPECT_EQ(o.host, "0.0.0.0");
    EXPECT_EQ(o.port, 4222);
    EXPECT_EQ(o.max_payload, 1024 * 1024);
    EXPECT_EQ(o.max_control_line, 4096);
    EXPECT_EQ(o.max_connections, 64 * 1024);
    EXPECT_EQ(o.max_pending, 64 * 1024 * 1024);
    EXPECT_EQ(o.ping_interval, 2min);
    EXPECT_EQ(o.max_pings_out, 2);
    EXPECT_EQ(o.write_deadline, 10s);
    EXPECT_EQ(o.lame_duck_duration, 2min);
    EXPECT_EQ(o.lame_duck_grace_period, 10s);
    EXPECT_TRUE(o.logtime);
    EXPECT_FALSE(o.tls.enabled);
    EXPECT_FALSE(o.auth_timeout.has_value());
    EXPECT_TRUE(o.warnings.empty());
}

TEST(ConfOptions, IdentityListenAndLogging) {
    const Options o = load(
        "server_name: srv1\nhost: 127.0.0.1\nport: 4333\nclient_advertise: \"x.example:4222\"\n"
        "debug: true\ntrace: yes\nlogtime: off\nlog_file: \"/tmp/n.log\"\nlog_size_limit: 10MB\n"
        "pid_file: /tmp/n.pid\nports_file_dir: /tmp\n");
    EXPECT_EQ(o.server_name, "srv1");
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 4333);
    EXPECT_EQ(o.client_advertise, "x.example:4222");
    EXPECT_TRUE(o.debug);
    EXPECT_TRUE(o.trace);
    EXPECT_FALSE(o.logtime);
    EXPECT_EQ(o.log_file, "/tmp/n.log");
    EXPECT_EQ(o.log_size_limit, 10 * 1024 * 1024);
    EXPECT_EQ(o.pid_file, "/tmp/n.pid");
    EXPECT_EQ(o.ports_file_dir, "/tmp");
}

TEST(ConfOptions, AliasesAndCaseInsensitiveKeys) {
    const Options o = load("NET: 10.0.0.1\nlogfile: a.log\npidfile: p\nmax_conn: 7\nmax_subs: 9\nmonitor_port: 8300\n"
                           "logfile_size_limit: 5\nPort: 5000\n");
    EXPECT_EQ(o.host, "10.0.0.1");
    EXPECT_EQ(o.log_file, "a.log");
    EXPECT_EQ(o.pid_file, "p");
    EXPECT_EQ(o.max_connections, 7);
    EXPECT_EQ(o.max_subscriptions, 9);
    EXPECT_EQ(o.http_port, 8300);
    EXPECT_EQ(o.log_size_limit, 5);
    EXPECT_EQ(o.port, 5000);
}

TEST(ConfOptions, ListenForms) {
    Options o = load("listen: \"127.0.0.1:4555\"\n");
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 4555);
    o = load("listen: 4556\n");
    EXPECT_EQ(o.host, "0.0.0.0");
    EXPECT_EQ(o.port, 4556);
    o = load("listen: \"[::1]:4557\"\n");
    EXPECT_EQ(o.host, "::1");
    EXPECT_EQ(o.port, 4557);
    o = load("listen: 127.0.0.1:-1\n");
    EXPECT_EQ(o.port, -1);
    o = load("listen: \":4558\"\n");
    EXPECT_EQ(o.host, "0.0.0.0");
    EXPECT_EQ(o.port, 4558);
}

TEST(ConfOptions, ListenErrors) {
    EXPECT_EQ(error_of("listen: \"1.2.3.4\"\n"), "s.conf:1:1: could not parse address string \"1.2.3.4\"");
    EXPECT_EQ(error_of("listen: \"host:abc\"\n"), "s.conf:1:1: could not parse port \"abc\"");
    EXPECT_EQ(error_of("listen: true\n"), "s.conf:1:1: expected port or host:port for 'listen', got bool");
}

TEST(ConfOptions, PortZeroMeansDefaultAndMinusOneRandom) {
    EXPECT_EQ(load("port: 0\n").port, 4222);
    EXPECT_EQ(load("port: -1\n").port, -1);
}

TEST(ConfOptions, BadPorts) {
    EXPECT_EQ(error_of("port: -5\n"), "s.conf:1:1: invalid port -5 for 'port', must be between -1 and 65535");
    EXPECT_EQ(error_of("\n  port: 70000\n"), "s.conf:2:3: invalid port 70000 for 'port', must be between -1 and 65535");
    EXPECT_EQ(error_of("port: \"abc\"\n"), "s.conf:1:1: expected integer for 'port', got string");
    EXPECT_EQ(error_of("http_port: 1.5\n"), "s.conf:1:1: expected integer for 'http_port', got float");
}

TEST(ConfOptions, Monitoring) {
    Options o = load("http: \"localhost:8222\"\nhttps_port: 8443\n");
    EXPECT_EQ(o.http_host, "localhost");
    EXPECT_EQ(o.http_port, 8222);
    EXPECT_EQ(o.https_port, 8443);
    o = load("https: 127.0.0.1:9443\n");
    EXPECT_EQ(o.http_host, "127.0.0.1");
    EXPECT_EQ(o.https_port, 9443);
    o = load("http: 8223\n");
    EXPECT_EQ(o.http_port, 8223);
}

TEST(ConfOptions, TypeErrorsNameKeyAndLine) {
    EXPECT_EQ(error_of("port: 1\ndebug: 1\n"), "s.conf:2:1: expected bool for 'debug', got integer");
    EXPECT_EQ(error_of("server_name: 12\n"), "s.conf:1:1: expected string for 'server_name', got integer");
    EXPECT_EQ(error_of("authorization: 5\n"), "s.conf:1:1: expected map for 'authorization', got integer");
    EXPECT_EQ(error_of("tls: [1]\n"), "s.conf:1:1: expected map for 'tls', got array");
}

TEST(ConfOptions, AllErrorsAreReportedTogether) {
    EXPECT_EQ(error_of("debug: 1\nport: \"x\"\n"),
              "s.conf:1:1: expected bool for 'debug', got integer\ns.conf:2:1: expected integer for 'port', got string");
}

TEST(ConfOptions, Limits) {
    const Options o = load("max_payload: 2MB\nmax_control_line: 8KB\nmax_connections: 100\nmax_subscriptions: 50\n"
                           "max_pending: 128MB\nping_max: 5\n");
    EXPECT_EQ(o.max_payload, 2 * 1024 * 1024);
    EXPECT_EQ(o.max_control_line, 8192);
    EXPECT_EQ(o.max_connections, 100);
    EXPECT_EQ(o.max_subscriptions, 50);
    EXPECT_EQ(o.max_pending, 128LL * 1024 * 1024);
    EXPECT_EQ(o.max_pings_out, 5);
}

TEST(ConfOptions, ZeroLimitsKeepDefaults) {
    const Options o = load("max_payload: 0\nmax_control_line: 0\nmax_connections: 0\nmax_pending: 0\nping_max: 0\n");
    EXPECT_EQ(o.max_payload, 1024 * 1024);
    EXPECT_EQ(o.max_control_line, 4096);
    EXPECT_EQ(o.max_connections, 64 * 1024);
    EXPECT_EQ(o.max_pending, 64 * 1024 * 1024);
    EXPECT_EQ(o.max_pings_out, 2);
}

TEST(ConfOptions, LimitErrors) {
    EXPECT_EQ(error_of("max_payload: 3GB\n"), "s.conf:1:1: max_payload value is too big");
    EXPECT_EQ(error_of("max_control_line: 3GB\n"), "s.conf:1:1: max_control_line value is too big");
    EXPECT_EQ(error_of("max_payload: -1\n"), "s.conf:1:1: max_payload value can not be negative");
    EXPECT_EQ(error_of("max_payload: 70MB\n"), "s.conf:1:1: max_payload (73400320) cannot be higher than max_pending "
                                               "(67108864)");
    EXPECT_EQ(error_of("max_pending: 1MB\nmax_payload: 2MB\n"),
              "s.conf:2:1: max_payload (2097152) cannot be higher than max_pending (1048576)");
    EXPECT_EQ(error_of("max_pending: 512KB\n"),
              "s.conf:1:1: max_payload (1048576) cannot be higher than max_pending (524288)");
    // Raising max_pending lets max_payload go past 64MB.
    EXPECT_EQ(load("max_pending: 256MB\nmax_payload: 100MB\n").max_payload, 100 * 1024 * 1024);
}

TEST(ConfOptions, Durations) {
    const Options o = load("ping_interval: \"30s\"\nwrite_deadline: \"1.5s\"\nlame_duck_duration: \"1m30s\"\n"
                           "lame_duck_grace_period: \"20s\"\n");
    EXPECT_EQ(o.ping_interval, 30s);
    EXPECT_EQ(o.write_deadline, 1500ms);
    EXPECT_EQ(o.lame_duck_duration, 90s);
    EXPECT_EQ(o.lame_duck_grace_period, 20s);
    EXPECT_TRUE(o.warnings.empty());
}

// Whole seconds still work, with nats-server's warning (fatal under -t).
TEST(ConfOptions, IntegerSecondsWarn) {
    const Options o = load("ping_interval: 30\nwrite_deadline: 2\n");
    EXPECT_EQ(o.ping_interval, 30s);
    EXPECT_EQ(o.write_deadline, 2s);
    ASSERT_EQ(o.warnings.size(), 2u);
    EXPECT_EQ(o.warnings[0], "s.conf:1:1: invalid use of field \"ping_interval\": ping_interval should be converted to "
                             "a duration");
}

// An unquoted 2m is the size 2,000,000 in this syntax; nats-server takes it as seconds.
TEST(ConfOptions, UnquotedMinutesAreASize) {
    const Options o = load("ping_interval: 2m\n");
    EXPECT_EQ(o.ping_interval, 2'000'000s);
    EXPECT_EQ(o.warnings.size(), 1u);
}

TEST(ConfOptions, DurationErrors) {
    EXPECT_EQ(error_of("ping_interval: \"3x\"\n"),
              "s.conf:1:1: error parsing ping_interval: time: unknown unit \"x\" in duration \"3x\"");
    EXPECT_EQ(error_of("write_deadline: true\n"), "s.conf:1:1: expected duration for 'write_deadline', got bool");
    EXPECT_EQ(error_of("ping_interval: \"-1s\"\n"), "s.conf:1:1: ping_interval can not be negative");
    EXPECT_EQ(error_of("lame_duck_duration: 10\n"), "s.conf:1:1: expected string for 'lame_duck_duration', got integer");
    EXPECT_EQ(error_of("lame_duck_duration: \"10s\"\n"),
              "s.conf:1:1: invalid lame_duck_duration of 10s, minimum is 30 seconds");
    EXPECT_EQ(error_of("lame_duck_duration: \"zz\"\n"),
              "s.conf:1:1: error parsing lame_duck_duration: time: invalid duration \"zz\"");
    EXPECT_EQ(error_of("lame_duck_grace_period: \"-1s\"\n"),
              "s.conf:1:1: invalid lame_duck_grace_period, needs to be positive");
    EXPECT_EQ(error_of("lame_duck_grace_period: \"3m\"\n"),
              "s.conf:1:1: lame duck grace period (3m0s) should be strictly lower than lame duck duration (2m0s)");
}

TEST(ConfOptions, Authorization) {
    const Options o = load("authorization {\n  user: derek\n  password: s3cr3t\n  timeout: 1.5\n}\nno_auth_user: derek\n");
    EXPECT_EQ(o.username, "derek");
    EXPECT_EQ(o.password, "s3cr3t");
    EXPECT_EQ(o.token, "");
    ASSERT_TRUE(o.auth_timeout.has_value());
    EXPECT_EQ(*o.auth_timeout, 1500ms);
    EXPECT_EQ(o.no_auth_user, "derek");
    const Options t = load("authorization { token: abc, timeout: 3 }\n");
    EXPECT_EQ(t.token, "abc");
    EXPECT_EQ(*t.auth_timeout, 3s);
    const Options aliases = load("authorization { username: a, pass: b }\n");
    EXPECT_EQ(aliases.username, "a");
    EXPECT_EQ(aliases.password, "b");
}

TEST(ConfOptions, AuthorizationLeavesUsersAndPermissionsInRaw) {
    const Options o = load("authorization {\n  users: [ {user: a, password: b} ]\n  default_permissions: { publish: "
                           "\"x.>\" }\n}\n");
    EXPECT_EQ(o.username, "");
    const Value* users = o.raw.find("authorization")->find("users");
    ASSERT_NE(users, nullptr);
    EXPECT_EQ(users->as_array()[0].find("user")->as_string(), "a");
}

TEST(ConfOptions, AuthorizationConflicts) {
    EXPECT_EQ(error_of("authorization { user: a, token: b }\n"), "s.conf:1:1: Cannot have a user/pass and token");
    EXPECT_EQ(error_of("authorization { users: [], user: a }\n"),
              "s.conf:1:1: Can not have a single user/pass and a users array");
    EXPECT_EQ(error_of("authorization { users: [], token: a }\n"), "s.conf:1:1: Can not have a token and a users array");
    EXPECT_EQ(error_of("authorization {\n  timeout: \"2s\"\n}\n"),
              "s.conf:2:3: expected number of seconds for 'authorization timeout', got string");
    EXPECT_EQ(error_of("authorization {\n  users: 5\n}\n"), "s.conf:2:3: expected array for 'users', got integer");
}

TEST(ConfOptions, Tls) {
    const Options o = load("tls {\n  cert_file: \"./server.pem\"\n  key_file: \"./key.pem\"\n  ca_file: ca.pem\n"
                           "  verify: true\n  timeout: 0.5\n  cipher_suites: [\"TLS_AES_128_GCM_SHA256\"]\n}\n");
    EXPECT_TRUE(o.tls.enabled);
    EXPECT_EQ(o.tls.cert_file, "./server.pem");
    EXPECT_EQ(o.tls.key_file, "./key.pem");
    EXPECT_EQ(o.tls.ca_file, "ca.pem");
    EXPECT_TRUE(o.tls.verify);
    EXPECT_EQ(o.tls.timeout, 500ms);
    EXPECT_EQ(load("tls { cert_file: a, key_file: b, timeout: \"3s\" }\n").tls.timeout, 3s);
    EXPECT_EQ(load("tls { cert_file: a, key_file: b, timeout: 4 }\n").tls.timeout, 4s);
    EXPECT_EQ(load("tls { cert_file: a, key_file: b }\n").tls.timeout, 2s);
    // verify_and_map is refused (fail closed) until certificates can map to users.
    EXPECT_EQ(error_of("tls { cert_file: a, key_file: b, verify_and_map: true }\n"),
              "s.conf:1:34: error parsing tls config, 'verify_and_map' is not supported by this server yet");
    EXPECT_FALSE(load("tls { cert_file: a, key_file: b, verify_and_map: false }\n").tls.verify);
}

TEST(ConfOptions, TlsErrors) {
    EXPECT_EQ(error_of("tls { cert_file: \"a\", foo: 1 }\n"), "s.conf:1:23: error parsing tls config, unknown field "
                                                              "[\"foo\"]");
    EXPECT_EQ(error_of("tls { cert_file: \"a\" }\n"), "s.conf:1:1: missing 'key_file' in TLS configuration");
    EXPECT_EQ(error_of("tls { key_file: \"a\" }\n"), "s.conf:1:1: missing 'cert_file' in TLS configuration");
    EXPECT_EQ(error_of("tls {\n  verify: 1\n}\n"), "s.conf:2:3: error parsing tls config, expected 'verify' to be a "
                                                  "boolean");
    EXPECT_EQ(error_of("tls {\n  cert_file: 1\n}\n"), "s.conf:2:3: error parsing tls config, expected 'cert_file' to "
                                                     "be filename");
    EXPECT_EQ(error_of("tls {\n  timeout: [1]\n}\n"), "s.conf:2:3: error parsing tls config, 'timeout' wrong type");
}

TEST(ConfOptions, JetStreamForms) {
    EXPECT_TRUE(load("jetstream: true\n").jetstream);
    EXPECT_TRUE(load("jetstream: enabled\n").jetstream);
    EXPECT_FALSE(load("jetstream: \"disabled\"\n").jetstream);
    const Options o = load("jetstream {\n  store_dir: \"/tmp/js\"\n  max_mem: 1G\n  max_file: \"10G\"\n  domain: x\n}\n");
    EXPECT_TRUE(o.jetstream);
    EXPECT_EQ(o.store_dir, "/tmp/js");
    EXPECT_EQ(o.jetstream_max_memory, 1'000'000'000);
    EXPECT_EQ(o.jetstream_max_store, 10LL * 1024 * 1024 * 1024);
    EXPECT_EQ(o.raw.find("jetstream")->find("domain")->as_string(), "x");
    EXPECT_FALSE(load("jetstream { enabled: false }\n").jetstream);
    const Options top = load("store_dir: /data\njetstream: on\n");
    EXPECT_EQ(top.store_dir, "/data");
    EXPECT_TRUE(top.jetstream);
}

TEST(ConfOptions, JetStreamErrors) {
    EXPECT_EQ(error_of("jetstream: \"maybe\"\n"), "s.conf:1:1: Expected 'enabled' or 'disabled' for string value, got "
                                                  "'maybe'");
    EXPECT_EQ(error_of("jetstream: 5\n"), "s.conf:1:1: Expected map, bool or string to define JetStream, got integer");
    EXPECT_EQ(error_of("store_dir: /a\njetstream {\n  store_dir: /b\n}\n"),
              "s.conf:3:3: Duplicate 'store_dir' configuration");
    EXPECT_EQ(error_of("jetstream {\n  max_mem: \"5X\"\n}\n"),
              "s.conf:2:3: max_mem_store sizes defined as strings must end in K, M, G, T");
    EXPECT_EQ(error_of("jetstream {\n  max_file: true\n}\n"), "s.conf:2:3: max_file_store must be int64 or string");
}

TEST(ConfOptions, PluginBlocksStayInRawWithoutFailing) {
    const Options o = load("port: 4222\ncluster { port: 6222 }\nplugins { my_plugin { answer: 42 } }\n");
    ASSERT_NE(o.raw.find("plugins"), nullptr);
    EXPECT_EQ(o.raw.find("plugins")->find("my_plugin")->find("answer")->as_int(), 42);
    EXPECT_EQ(o.raw.find("cluster")->find("port")->as_int(), 6222);
    EXPECT_EQ(o.port, 4222);
}

TEST(ConfOptions, UnknownTopLevelKeyIsAnErrorWithFileAndLine) {
    // nats-server 2.9.10 refuses unknown fields too.
    EXPECT_EQ(error_of("port: 4222\nno_such_setting: 1\n"), "s.conf:2:1: unknown field \"no_such_setting\"");
    // A key read through $NAME is a variable, not a setting.
    EXPECT_NO_THROW(load("LIMIT = 2KB\nmax_payload: $LIMIT\n"));
    EXPECT_TRUE(is_plugin_key("Cluster"));
    EXPECT_FALSE(is_plugin_key("no_such_setting"));
}

TEST(ConfOptions, KernelKeys) {
    EXPECT_TRUE(is_kernel_key("port"));
    EXPECT_TRUE(is_kernel_key("MAX_PAYLOAD"));
    EXPECT_TRUE(is_kernel_key("authorization"));
    EXPECT_FALSE(is_kernel_key("cluster"));
    EXPECT_FALSE(is_kernel_key("my_plugin"));
}

TEST(ConfOptions, LoadFromFileRecordsAbsolutePath) {
    test::TempDir dir;
    const auto path = dir.write("n.conf", "port: 4999\n");
    const Options o = load_options_from_file(path);
    EXPECT_EQ(o.port, 4999);
    EXPECT_EQ(o.config_file, path);
}

TEST(ConfOptions, LoadFromFileErrorsNameTheFile) {
    test::TempDir dir;
    const auto path = dir.write("n.conf", "port: 1\nport: x\n");
    try {
        load_options_from_file(path);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), path + ":2:1: expected integer for 'port', got string");
    }
}

TEST(ConfOptions, ValuesWithoutLocationUseTheGivenFileName) {
    const Value root = Value::make_map({{"port", Value::make_string("x")}});
    try {
        options_from_value(root, "given.conf");
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), "given.conf:0:0: expected integer for 'port', got string");
    }
}

// Keys of nats-server features this server lacks: refused when they ask for
// something (fail closed), accepted when they ask for nothing.
TEST(ConfOptions, UnsupportedFeatureKeysAreRefused) {
    EXPECT_EQ(error_of("syslog: true\n"),
              "s.conf:1:1: 'syslog' is not supported by this server (no syslog logging; remove it or set it to false)");
    EXPECT_EQ(error_of("remote_syslog: \"udp://127.0.0.1:514\"\n"),
              "s.conf:1:1: 'remote_syslog' is not supported by this server (no remote syslog logging)");
    EXPECT_EQ(error_of("no_header_support: true\n"),
              "s.conf:1:1: 'no_header_support' is not supported by this server (headers are always supported; remove "
              "it or set it to false)");
    EXPECT_EQ(error_of("prof_port: 6060\n"), "s.conf:1:1: 'prof_port' is not supported by this server (no profiling port)");
    EXPECT_EQ(error_of("default_js_domain: { A: hub }\n"),
              "s.conf:1:1: 'default_js_domain' is not supported by this server (no JetStream domains)");
    const std::string ocsp =
        "is not supported by this server (no OCSP stapling; remove it or set it to false or {mode: never})";
    EXPECT_EQ(error_of("ocsp: true\n"), "s.conf:1:1: 'ocsp' " + ocsp);
    EXPECT_EQ(error_of("ocsp { mode: always }\n"), "s.conf:1:1: 'ocsp' " + ocsp);
    for (const char* fine : {"syslog: false\n", "remote_syslog: \"\"\n", "no_header_support: false\n", "prof_port: 0\n",
                             "default_js_domain: {}\n", "ocsp: false\n", "ocsp { mode: Never }\n",
                             "connect_error_reports: 5\n", "reconnect_error_reports: 5\n", "max_traced_msg_len: 10\n",
                             "disable_sublist_cache: true\n", "server_tags: [a]\n", "maps { a: b }\n"})
        EXPECT_EQ(error_of(fine), "") << fine;
}

}  // namespace
}  // namespace nats::config
