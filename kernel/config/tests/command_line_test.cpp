// nats-server's flags with Go flag syntax, and flags winning over the file.
#include <gtest/gtest.h>

#include <initializer_list>

#include "kernel/config/options.hpp"
#include "temp_dir.hpp"

namespace nats::config {
namespace {

using namespace std::chrono_literals;

struct Parsed {
    Options opts;
    CommandLine cmd;
};

Parsed run(std::initializer_list<std::string> args) {
    std::vector<std::string> storage{"nats-server"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const auto& s : storage) argv.push_back(s.c_str());
    Parsed r;
    r.opts = parse_command_line(static_cast<int>(argv.size()), argv.data(), r.cmd);
    return r;
}

std::string error_of(std::initializer_list<std::string> args) {
    try {
        run(args);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ConfCommandLine, NoArgumentsGiveDefaults) {
    const Parsed r = run({});
    EXPECT_EQ(r.opts.port, 4222);
    EXPECT_EQ(r.opts.config_file, "");
    EXPECT_FALSE(r.cmd.show_help || r.cmd.show_version || r.cmd.check_config);
}

TEST(ConfCommandLine, ValueForms) {
    EXPECT_EQ(run({"-p", "4333"}).opts.port, 4333);
    EXPECT_EQ(run({"-p=4334"}).opts.port, 4334);
    EXPECT_EQ(run({"--port", "4335"}).opts.port, 4335);
    EXPECT_EQ(run({"--port=4336"}).opts.port, 4336);
    EXPECT_EQ(run({"-port", "4337"}).opts.port, 4337);
    EXPECT_EQ(run({"-p", "-1"}).opts.port, -1);
    EXPECT_EQ(run({"-p", "0x10F1"}).opts.port, 0x10F1);  // Go ParseInt base 0
    EXPECT_EQ(run({"-p", "0"}).opts.port, 4222);
}

TEST(ConfCommandLine, ServerFlags) {
    const Parsed r = run({"-a", "127.0.0.1", "-n", "srv", "--client_advertise", "adv:1", "-P", "/tmp/p.pid",
                       "--ports_file_dir", "/tmp", "-m", "8222", "-ms", "8443", "-l", "/tmp/l.log",
                       "--log_size_limit", "1000"});
    EXPECT_EQ(r.opts.host, "127.0.0.1");
    EXPECT_EQ(r.opts.server_name, "srv");
    EXPECT_EQ(r.opts.client_advertise, "adv:1");
    EXPECT_EQ(r.opts.pid_file, "/tmp/p.pid");
    EXPECT_EQ(r.opts.ports_file_dir, "/tmp");
    EXPECT_EQ(r.opts.http_port, 8222);
    EXPECT_EQ(r.opts.https_port, 8443);
    EXPECT_EQ(r.opts.log_file, "/tmp/l.log");
    EXPECT_EQ(r.opts.log_size_limit, 1000);
}

TEST(ConfCommandLine, Aliases) {
    EXPECT_EQ(run({"--addr", "h1"}).opts.host, "h1");
    EXPECT_EQ(run({"--net", "h2"}).opts.host, "h2");
    EXPECT_EQ(run({"--name", "n1"}).opts.server_name, "n1");
    EXPECT_EQ(run({"--server_name", "n2"}).opts.server_name, "n2");
    EXPECT_EQ(run({"--http_port", "1"}).opts.http_port, 1);
    EXPECT_EQ(run({"--https_port", "2"}).opts.https_port, 2);
    EXPECT_EQ(run({"--pid", "x"}).opts.pid_file, "x");
    EXPECT_EQ(run({"--log", "y"}).opts.log_file, "y");
}

TEST(ConfCommandLine, BooleanForms) {
    EXPECT_TRUE(run({"-D"}).opts.debug);
    EXPECT_TRUE(run({"--debug"}).opts.debug);
    EXPECT_FALSE(run({"-D=false"}).opts.debug);
    EXPECT_TRUE(run({"-D=1"}).opts.debug);
    EXPECT_TRUE(run({"-V"}).opts.trace);
    EXPECT_TRUE(run({"--trace"}).opts.trace);
    const Parsed dv = run({"-DV"});
    EXPECT_TRUE(dv.opts.debug);
    EXPECT_TRUE(dv.opts.trace);
    EXPECT_FALSE(run({"-T=false"}).opts.logtime);
    EXPECT_FALSE(run({"--logtime=f"}).opts.logtime);
}

// A boolean flag never takes the next argument: "-D false" leaves "false" as a command.
TEST(ConfCommandLine, BooleanDoesNotConsumeNextArgument) {
    EXPECT_EQ(error_of({"-D", "false"}), "unrecognized command: \"false\"");
}

TEST(ConfCommandLine, AuthFlags) {
    const Parsed r = run({"--user", "u", "--pass", "p", "--auth", "tok"});
    EXPECT_EQ(r.opts.username, "u");
    EXPECT_EQ(r.opts.password, "p");
    EXPECT_EQ(r.opts.token, "tok");
}

TEST(ConfCommandLine, HelpVersionAndCommands) {
    EXPECT_TRUE(run({"-h"}).cmd.show_help);
    EXPECT_TRUE(run({"--help"}).cmd.show_help);
    EXPECT_TRUE(run({"-v"}).cmd.show_version);
    EXPECT_TRUE(run({"--version"}).cmd.show_version);
    EXPECT_TRUE(run({"version"}).cmd.show_version);
    EXPECT_TRUE(run({"HELP"}).cmd.show_help);
    // Help wins before the config file is even looked at.
    EXPECT_TRUE(run({"-c", "/nonexistent/x.conf", "-h"}).cmd.show_help);
}

TEST(ConfCommandLine, Signal) {
    const Parsed r = run({"--signal", "reload=/tmp/x.pid", "-c", "/nonexistent/x.conf"});
    EXPECT_EQ(r.cmd.signal, "reload=/tmp/x.pid");
    EXPECT_EQ(run({"-sl", "stop"}).cmd.signal, "stop");
}

TEST(ConfCommandLine, FlagErrors) {
    EXPECT_EQ(error_of({"--bogus"}), "flag provided but not defined: -bogus");
    EXPECT_EQ(error_of({"-p"}), "flag needs an argument: -p");
    EXPECT_EQ(error_of({"-p", "abc"}), "invalid value \"abc\" for flag -p: parse error");
    EXPECT_EQ(error_of({"-p=99999999999999999999"}), "invalid value \"99999999999999999999\" for flag -p: value out of "
                                                    "range");
    EXPECT_EQ(error_of({"-p", "70000"}), "invalid value \"70000\" for flag -p: port must be between -1 and 65535");
    EXPECT_EQ(error_of({"-D=maybe"}), "invalid boolean value \"maybe\" for -D: parse error");
    EXPECT_EQ(error_of({"---p", "5"}), "bad flag syntax: ---p");
    EXPECT_EQ(error_of({"-=5"}), "bad flag syntax: -=5");
    EXPECT_EQ(error_of({"foo"}), "unrecognized command: \"foo\"");
    EXPECT_EQ(error_of({"--max_payload", "5"}), "flag provided but not defined: -max_payload");
    EXPECT_EQ(error_of({"--syslog"}), "flag -syslog of nats-server is not supported by this server");
    EXPECT_EQ(error_of({"--log_size_limit", "5MB"}), "invalid value \"5MB\" for flag -log_size_limit: parse error");
}

TEST(ConfCommandLine, DoubleDashEndsFlags) {
    EXPECT_EQ(error_of({"-p", "1", "--", "-D"}), "unrecognized command: \"-D\"");
}

TEST(ConfCommandLine, CheckConfigNeedsAFile) {
    EXPECT_EQ(error_of({"-t"}), "must specify [-c, --config] option to check configuration file syntax");
    test::TempDir dir;
    const auto path = dir.write("ok.conf", "port: 4999\n");
    const Parsed r = run({"-t", "-c", path});
    EXPECT_TRUE(r.cmd.check_config);
    EXPECT_EQ(r.opts.port, 4999);
}

// nats-server -t stops after the file: flags that would fail later are not checked.
TEST(ConfCommandLine, CheckConfigValidatesOnlyTheFile) {
    test::TempDir dir;
    const auto path = dir.write("ok.conf", "port: 4999\n");
    const Parsed r = run({"-t", "-c", path, "--tlsverify", "-p", "5000"});
    EXPECT_TRUE(r.cmd.check_config);
    EXPECT_EQ(r.opts.port, 4999);
    EXPECT_EQ(error_of({"-t", "-c", path, "-p", "x"}), "invalid value \"x\" for flag -p: parse error");
}

TEST(ConfCommandLine, CheckConfigTreatsWarningsAsErrors) {
    test::TempDir dir;
    const auto path = dir.write("w.conf", "ping_interval: 30\n");
    EXPECT_EQ(error_of({"-t", "-c", path}),
              path + ":1:1: invalid use of field \"ping_interval\": ping_interval should be converted to a duration");
    const Parsed r = run({"-c", path});
    EXPECT_EQ(r.opts.warnings.size(), 1u);
    EXPECT_EQ(r.opts.ping_interval, 30s);
}

TEST(ConfCommandLine, FlagsOverrideTheFile) {
    test::TempDir dir;
    const auto path = dir.write("f.conf", "port: 4999\ndebug: true\nserver_name: from_file\nmax_payload: 2MB\n"
                                          "authorization { user: fu, password: fp }\n");
    const Parsed r = run({"-p", "5001", "--config", path, "-D=false", "--user", "cli"});
    EXPECT_EQ(r.opts.port, 5001);
    EXPECT_FALSE(r.opts.debug);
    EXPECT_EQ(r.opts.server_name, "from_file");
    EXPECT_EQ(r.opts.max_payload, 2 * 1024 * 1024);
    EXPECT_EQ(r.opts.username, "cli");
    EXPECT_EQ(r.opts.password, "fp");
    EXPECT_EQ(r.opts.config_file, path);
    EXPECT_EQ(r.opts.raw.find("port")->as_int(), 4999);
}

TEST(ConfCommandLine, LastRepeatedFlagWins) {
    EXPECT_EQ(run({"-p", "1000", "--port", "2000"}).opts.port, 2000);
}

TEST(ConfCommandLine, BadConfigFileIsAnError) {
    test::TempDir dir;
    const auto path = dir.write("bad.conf", "port: [\n");
    EXPECT_EQ(error_of({"-c", path}), path + ":2:1: Unexpected EOF processing array.");
}

TEST(ConfCommandLine, TlsFlags) {
    const Parsed r = run({"--tlscert", "c.pem", "--tlskey", "k.pem", "--tlscacert", "ca.pem", "--tlsverify"});
    EXPECT_TRUE(r.opts.tls.enabled);
    EXPECT_EQ(r.opts.tls.cert_file, "c.pem");
    EXPECT_EQ(r.opts.tls.key_file, "k.pem");
    EXPECT_EQ(r.opts.tls.ca_file, "ca.pem");
    EXPECT_TRUE(r.opts.tls.verify);
    EXPECT_EQ(error_of({"--tls"}), "TLS Server certificate must be present and valid");
    EXPECT_EQ(error_of({"--tls", "--tlscert", "c"}), "TLS Server private key must be present and valid");
}

TEST(ConfCommandLine, TlsFlagsReplaceTheFilesBlockAndTlsFalseDisables) {
    test::TempDir dir;
    const auto path = dir.write("t.conf", "tls { cert_file: a, key_file: b, timeout: 5 }\n");
    const Parsed over = run({"-c", path, "--tlscert", "c2", "--tlskey", "k2"});
    EXPECT_EQ(over.opts.tls.cert_file, "c2");
    EXPECT_EQ(over.opts.tls.timeout, 5s);  // timeout comes from the file
    const Parsed off = run({"-c", path, "--tls=false", "--tlscert", "c2"});
    EXPECT_FALSE(off.opts.tls.enabled);
    // nats-server ignores the file's certificate once a -tls* flag is given.
    EXPECT_EQ(error_of({"-c", path, "--tlsverify"}), "TLS Server certificate must be present and valid");
}

TEST(ConfCommandLine, UsageText) {
    const std::string u = usage_text();
    EXPECT_NE(u.find("Usage: nats-server [options]"), std::string::npos);
    for (const char* flag : {"--addr", "--port", "--config", "-t ", "--signal", "--user",
                             "--tlscert", "--help", "--version", "-DV", "--log_size_limit"}) {
        EXPECT_NE(u.find(flag), std::string::npos) << flag;
    }
    EXPECT_EQ(u.find("--routes"), std::string::npos);
    EXPECT_EQ(u.find("--jetstream"), std::string::npos);  // the jetstream plugin's
}

// nats-server flags whose feature is a plugin: with no plugin serving them they
// are kept (value and all) for the plugin host to refuse, naming the plugin.
TEST(ConfCommandLine, NatsServerPluginFlagsWithoutPlugin) {
    const Parsed r = run({"-js", "-sd", "/d", "--routes=nats://x:1", "--cluster", "nats://0.0.0.0:6222", "-p", "5"});
    const std::vector<FlagWithoutPlugin> expected{
        {"-js", "jetstream"}, {"-sd", "jetstream"}, {"--routes", "cluster"}, {"--cluster", "cluster"}};
    EXPECT_EQ(r.opts.flags_without_plugin, expected);
    EXPECT_EQ(r.opts.port, 5);  // the value-taking ones did not swallow "-p"
    EXPECT_EQ(r.opts.store_dir, "");
    EXPECT_FALSE(r.opts.jetstream);
}

// A stand-in for the plugin catalog: serves key "greeter" and three flags.
struct FakeClaims : PluginClaims {
    int key_questions = 0;
    bool serves_key(std::string_view key, const Value&, const std::string&) override {
        ++key_questions;
        return key == "greeter";
    }
    std::optional<PluginFlag> find_flag(std::string_view name) override {
        if (name == "greeting") return PluginFlag{PluginFlag::Type::string, "greeter.text", "test"};
        if (name == "greet_times") return PluginFlag{PluginFlag::Type::integer, "greeter.times", "test"};
        if (name == "greet_loud") return PluginFlag{PluginFlag::Type::boolean, "greeter.loud", "test"};
        return std::nullopt;
    }
};

Parsed run_with(PluginClaims& claims, std::initializer_list<std::string> args) {
    std::vector<std::string> storage{"nats-server"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const auto& s : storage) argv.push_back(s.c_str());
    Parsed r;
    r.opts = parse_command_line(static_cast<int>(argv.size()), argv.data(), r.cmd, &claims);
    return r;
}

TEST(ConfCommandLine, PluginFlagsSetTheirConfigPathAndWinOverTheFile) {
    test::TempDir dir;
    const std::string path = dir.write("s.conf", "port: 4333\ngreeter { text: \"from file\", times: 1, keep: yes }\n");
    FakeClaims claims;
    const Parsed r = run_with(claims, {"-c", path, "--greeting", "from flag", "--greet_times=0x10", "--greet_loud"});
    EXPECT_EQ(r.opts.port, 4333);
    const Value* greeter = r.opts.raw.find("greeter");
    ASSERT_NE(greeter, nullptr);
    EXPECT_EQ(greeter->find("text")->as_string(), "from flag");
    EXPECT_EQ(greeter->find("times")->as_int(), 16);
    EXPECT_TRUE(greeter->find("loud")->as_bool());
    EXPECT_TRUE(greeter->find("keep")->as_bool());  // the rest of the block stays
    EXPECT_TRUE(r.opts.flags_without_plugin.empty());

    // Without a file the flags make the block; a bad value is the flag's error.
    const Parsed bare = run_with(claims, {"--greet_loud=false"});
    EXPECT_FALSE(bare.opts.raw.find("greeter")->find("loud")->as_bool());
    try {
        run_with(claims, {"--greet_times", "many"});
        ADD_FAILURE() << "no error";
    } catch (const FlagError& e) {
        EXPECT_STREQ(e.what(), "invalid value \"many\" for flag -greet_times: parse error");
    }
}

TEST(ConfCommandLine, UnknownKeysAreAskedOfThePluginsAndOnlyThen) {
    test::TempDir dir;
    const std::string path = dir.write("s.conf", "port: 4333\ncluster { port: 6222 }\n");
    FakeClaims claims;
    run_with(claims, {"-c", path});
    EXPECT_EQ(claims.key_questions, 0);  // nothing the kernel does not know
    dir.write("s.conf", "greeter { text: hi }\n");
    EXPECT_EQ(run_with(claims, {"-c", path}).opts.raw.find("greeter")->find("text")->as_string(), "hi");
    dir.write("s.conf", "greeter { text: hi }\nnot_served: 1\n");
    try {
        run_with(claims, {"-c", path});
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), path + ":2:1: unknown field \"not_served\"");
    }
}

}  // namespace
}  // namespace nats::config
