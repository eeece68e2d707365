// Fail closed: a nats-server key or flag whose feature is a plugin that is not
// installed stops start-up with one [FTL] line naming the plugin and exit code
// 1, and -t reports the same line; a plugins block for no loaded plugin and a
// plugin block the plugin refuses fail the same way, with the key's position.
// A plugin's own key and flags reach it end to end (the flag wins over the file).
#include <filesystem>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::NatsMsgPtr;
using test_support::TempDir;
using test_support::write_file;

// The text after "[FTL] " of the one fatal line, or what went wrong.
std::string fatal_text(const ExitResult& r) {
    if (!r.exit_code) return "still running";
    if (*r.exit_code != 1) return "exit code " + std::to_string(*r.exit_code) + ":\n" + r.output;
    const auto fatal = lines_containing(r.output, "[FTL]");
    if (fatal.size() != 1) return std::to_string(fatal.size()) + " [FTL] lines:\n" + r.output;
    if (r.output.find("Server is ready") != std::string::npos) return "started:\n" + r.output;
    return fatal[0].substr(fatal[0].find("[FTL] ") + 6);
}

// nats-server -t on `config` (written to <dir>/server.conf) plus `extra` flags:
// the whole output when it exits 1, else what went wrong.
std::string check_output(const TempDir& dir, std::string_view config, std::vector<std::string> extra = {}) {
    write_file(dir.file("server.conf"), config);
    std::vector<std::string> args{"-t", "-c", dir.file("server.conf").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const ExitResult r = test_support::run_server_to_exit(args, std::chrono::seconds(10));
    if (!r.exit_code) return "still running";
    if (*r.exit_code != 1) return "exit code " + std::to_string(*r.exit_code) + ":\n" + r.output;
    return r.output;
}

std::string not_installed(std::string_view what, std::string_view plugin) {
    return std::string(what) + " needs plugin \"" + std::string(plugin) + "\", which is not installed (looked for lib" +
           std::string(plugin) + ".so in " + std::filesystem::path(plugin_dir).lexically_normal().string() + ")";
}

struct KeyCase {
    const char* line;
    const char* key;
    const char* plugin;
};

class KeyWithoutPlugin : public ::testing::TestWithParam<KeyCase> {};

TEST_P(KeyWithoutPlugin, StopsStartUpAndFailsCheck) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const KeyCase& c = GetParam();
    const std::string config = std::string(c.line) + "\n";
    const std::string expected = not_installed("config \"" + std::string(c.key) + "\"", c.plugin);
    EXPECT_EQ(fatal_text(run_config_to_exit(config)), expected);
    TempDir dir;
    EXPECT_EQ(check_output(dir, config), "nats-server: " + expected + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    FailClosed, KeyWithoutPlugin,
    ::testing::Values(KeyCase{"cluster { port: 6222 }", "cluster", "cluster"},
                      KeyCase{"leafnodes { port: 7422 }", "leafnodes", "leafnodes"},
                      KeyCase{"gateway { name: A, port: 7222 }", "gateway", "gateway"},
                      KeyCase{"websocket { port: 8080, no_tls: true }", "websocket", "websocket"},
                      KeyCase{"mqtt { port: 1883 }", "mqtt", "mqtt"}),
    [](const auto& info) { return std::string(info.param.key) + std::to_string(info.index); });

// A copy of the server whose plugin folder (../lib beside the binary) is empty: a slim
// install, for features this build has but that install lacks.
class SlimInstall {
public:
    SlimInstall() {
        std::filesystem::create_directories(dir_.file("bin"));
        std::filesystem::create_directories(dir_.file("lib"));
        std::filesystem::copy_file(test_support::server_binary(), binary());
    }
    std::string binary() const { return dir_.file("bin").string() + "/nats-server"; }
    std::string not_installed(std::string_view what, std::string_view plugin) const {
        return std::string(what) + " needs plugin \"" + std::string(plugin) + "\", which is not installed (looked for lib" +
               std::string(plugin) + ".so in " + dir_.file("lib").lexically_normal().string() + ")";
    }
    test_support::ExitResult run(std::string_view config, std::vector<std::string> extra = {}) const {
        write_file(dir_.file("server.conf"), config);
        std::vector<std::string> args{"-c", dir_.file("server.conf").string(), "-a", "127.0.0.1", "-p", "-1"};
        args.insert(args.end(), extra.begin(), extra.end());
        return test_support::run_binary_to_exit(binary(), args, std::chrono::seconds(10));
    }

private:
    TempDir dir_;
};

TEST(FailClosed, JetStreamWithoutItsPluginStopsStartUpAndFailsCheck) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SlimInstall slim;
    for (const char* line : {"jetstream {}", "jetstream: enabled"}) {
        EXPECT_EQ(fatal_text(slim.run(std::string(line) + "\n")), slim.not_installed("config \"jetstream\"", "jetstream"))
            << line;
        const ExitResult check = slim.run(std::string(line) + "\n", {"-t"});
        EXPECT_EQ(check.exit_code, 1) << check.output;
        EXPECT_NE(check.output.find(slim.not_installed("config \"jetstream\"", "jetstream")), std::string::npos)
            << check.output;
    }
    EXPECT_EQ(fatal_text(slim.run("port: 4222\n", {"-js"})), slim.not_installed("flag \"-js\"", "jetstream"));
}

// The JWT keys in an install without auth_jwt (this build has it: JwtAuth.* tests it).
TEST(FailClosed, JwtKeysWithoutTheirPluginStopStartUpAndFailCheck) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SlimInstall slim;
    const KeyCase cases[] = {
        {"operator: \"/etc/nats/op.jwt\"", "operator", "auth_jwt"},
        {"trusted: \"OCBCXW3GNCQLXFMRD3HHOSNUIK6NXXE6HGWA3DPHZKNHIDYQN5JUSHQX\"", "trusted", "auth_jwt"},
        {"trusted_keys: [\"OCBCXW3GNCQLXFMRD3HHOSNUIK6NXXE6HGWA3DPHZKNHIDYQN5JUSHQX\"]", "trusted_keys", "auth_jwt"},
        {"resolver: MEMORY", "resolver", "auth_jwt"},
        {"resolver_preload { ACCOUNT: \"jwt\" }", "resolver_preload", "auth_jwt"},
    };
    for (const auto& c : cases) {
        const std::string expected = slim.not_installed("config \"" + std::string(c.key) + "\"", c.plugin);
        EXPECT_EQ(fatal_text(slim.run(std::string(c.line) + "\n")), expected) << c.line;
        const ExitResult check = slim.run(std::string(c.line) + "\n", {"-t"});
        EXPECT_EQ(check.exit_code, 1) << check.output;
        EXPECT_NE(check.output.find(expected), std::string::npos) << check.output;
    }
}

TEST(FailClosed, DisabledJetstreamStartsAndChecks) {
    SKIP_UNLESS_PLUGIN_SERVER();
    for (const char* line : {"jetstream: disabled", "jetstream: false", "jetstream { enabled: false }"}) {
        auto server = start_plugin_server(std::string(line) + "\n");
        EXPECT_TRUE(lines_containing(server->log_text(), "[FTL]").empty()) << line;
        TempDir dir;
        write_file(dir.file("server.conf"), std::string(line) + "\n");
        const ExitResult r = test_support::run_server_to_exit({"-t", "-c", dir.file("server.conf").string()},
                                                              std::chrono::seconds(10));
        EXPECT_EQ(r.exit_code, 0) << line << "\n" << r.output;
    }
}

TEST(FailClosed, PluginFlagsWithoutPluginStopStartUpAndFailCheck) {
    SKIP_UNLESS_PLUGIN_SERVER();
    EXPECT_EQ(fatal_text(run_config_to_exit("port: 4222\n", {"--cluster", "nats://127.0.0.1:6222"})),
              not_installed("flag \"--cluster\"", "cluster"));
    TempDir dir;
    EXPECT_EQ(check_output(dir, "port: 4222\n", {"--cluster=nats://127.0.0.1:6222"}),
              "nats-server: " + not_installed("flag \"--cluster\"", "cluster") + "\n");
}

TEST(FailClosed, BlockForAPluginThatIsNotLoadedIsAnError) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const std::string config = "port: 4222\nplugins {\n  nosuch { a: 1 }\n}\n";
    TempDir dir;
    const std::string file = dir.file("server.conf").string();
    const std::string expected = ":3:3: plugins: block \"nosuch\" is for a plugin that is not loaded";
    EXPECT_EQ(check_output(dir, config), "nats-server: " + file + expected + "\n");
    const std::string text = fatal_text(run_config_to_exit(config));
    EXPECT_TRUE(text.ends_with("/server.conf" + expected)) << text;
}

TEST(FailClosed, RefusedPluginBlockNamesThePluginAndTheKeysPosition) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const std::string config = "port: 4222\n" + plugins_block({}) + "greeter {\n  text: bad\n}\n";
    const std::string expected = ":8:3: plugin \"test_served\": config key 'greeter.text' must not be \"bad\"";
    TempDir dir;
    EXPECT_EQ(check_output(dir, config), "nats-server: " + dir.file("server.conf").string() + expected + "\n");
    const std::string text = fatal_text(run_config_to_exit(config));
    EXPECT_TRUE(text.ends_with("/server.conf" + expected)) << text;
}

// -t creates (and destroys) a plugin without validate(): its refusal fails -t.
TEST(FailClosed, CheckRunsCreateOfPluginsWithoutValidate) {
    SKIP_UNLESS_PLUGIN_SERVER();
    TempDir dir;
    EXPECT_EQ(check_output(dir, plugins_block({"test_create_fails"})),
              "nats-server: plugin \"" + plugin_file("test_create_fails") +
                  "\": create() failed: missing setting \"answer\"\n");
    // And a plugin that is not installed fails -t as it fails start-up.
    EXPECT_NE(check_output(dir, plugins_block({"not_installed_anywhere"}))
                  .find("plugin \"not_installed_anywhere\": not found (looked for libnot_installed_anywhere.so in "),
              std::string::npos);
}

TEST(FailClosed, CheckPassesWithWorkingPluginsIncludingSdkOnePointZero) {
    SKIP_UNLESS_PLUGIN_SERVER();
    TempDir dir;
    write_file(dir.file("server.conf"), plugins_block({"test_minor_zero", "test_echo"}) + "greeter { text: hi }\n");
    const ExitResult r =
        test_support::run_server_to_exit({"-t", "-c", dir.file("server.conf").string()}, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(r.output.ends_with("nats-server: configuration file " + dir.file("server.conf").string() + " is valid\n"))
        << r.output;
    // test_minor_zero logs its config in create() and "started" in start(): -t creates, never starts.
    EXPECT_NE(r.output.find("test_minor_zero"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("started"), std::string::npos) << r.output;
}

NatsMsgPtr request(natsConnection* nc, const std::string& subject) {
    natsMsg* raw = nullptr;
    nats_check(natsConnection_RequestString(&raw, nc, subject.c_str(), "", 2000), "request " + subject);
    return NatsMsgPtr(raw);
}

// test_served's key loads it from the default plugin directory (no plugins
// block), and its flags set values inside that key, winning over the file.
TEST(FailClosed, PluginKeyAndFlagsReachThePlugin) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = test_support::ServerProcess::with_config(
        "greeter { text: \"from file\", times: 1, keep: true }\n", {"--greeting", "from flag", "--greet_times=3", "--greet_loud"});
    ASSERT_TRUE(wait_for_log(*server, "Server is ready")) << server->log_text();
    EXPECT_FALSE(lines_containing(server->log_text(), "Plugin \"test_served\" version 1.0.0").empty());
    auto nc = nats_connect(server->url());
    const auto config = nlohmann::json::parse(nats_msg_data(request(nc.get(), "served.config").get()));
    EXPECT_EQ(config["greeter"], nlohmann::json::parse(R"({"text":"from flag","times":3,"keep":true,"loud":true})"))
        << config.dump();
}

TEST(FailClosed, PluginFlagAloneLoadsItsPlugin) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = test_support::ServerProcess::with_config("", {"-gr", "hello"});
    ASSERT_TRUE(wait_for_log(*server, "Server is ready")) << server->log_text();
    auto nc = nats_connect(server->url());
    const auto config = nlohmann::json::parse(nats_msg_data(request(nc.get(), "served.config").get()));
    EXPECT_EQ(config["greeter"]["text"], "hello") << config.dump();
}

// -h lists the flags installed plugins declare, with their help and plugin,
// after the kernel's own options.
TEST(FailClosed, HelpListsPluginFlags) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const ExitResult r = test_support::run_server_to_exit({"-h"}, std::chrono::seconds(10));
    ASSERT_TRUE(r.exit_code.has_value()) << r.output;
    EXPECT_EQ(*r.exit_code, 0) << r.output;
    const auto section = r.output.find("Plugin Options:\n");
    ASSERT_NE(section, std::string::npos) << r.output;
    EXPECT_GT(section, r.output.find("-v, --version")) << r.output;
    const auto greeting = lines_containing(r.output, "--greeting,-gr <string>");
    ASSERT_EQ(greeting.size(), 1u) << r.output;
    EXPECT_NE(greeting[0].find("Greeting text (plugin test_served)"), std::string::npos) << greeting[0];
    EXPECT_EQ(lines_containing(r.output, "--greet_times <number>").size(), 1u) << r.output;
    EXPECT_EQ(lines_containing(r.output, "--greet_loud ").size(), 1u) << r.output;
}

TEST(FailClosed, UnknownKeyNoPluginServesIsStillAnError) {
    SKIP_UNLESS_PLUGIN_SERVER();
    TempDir dir;
    EXPECT_EQ(check_output(dir, "port: 4222\nno_such_setting: 1\n"),
              "nats-server: " + dir.file("server.conf").string() + ":2:1: unknown field \"no_such_setting\"\n");
}

}  // namespace
}  // namespace nats::integration
