// Plugin loading end to end: every way a plugin can be broken stops start-up
// with one [FTL] line naming the file and the reason and exit code 1; working
// plugins start in dependency order and are logged; `--plugins` lists what a
// config would load; SIGHUP hands plugins their new block.
#include <csignal>
#include <filesystem>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::write_file;

struct BrokenCase {
    const char* load;      // the `load` entry
    const char* shown;     // what the message names (empty: the plugin file)
    const char* reason;    // regex for the rest of the line
};

std::ostream& operator<<(std::ostream& os, const BrokenCase& c) { return os << c.load; }

class BrokenPlugin : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenPlugin, StopsStartupWithOneLineAndExitCode1) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const BrokenCase& c = GetParam();
    const ExitResult r = run_config_to_exit(plugins_block({c.load}));
    ASSERT_TRUE(r.exit_code.has_value()) << "still running:\n" << r.output;
    EXPECT_EQ(*r.exit_code, 1) << r.output;
    const std::string shown = *c.shown ? c.shown : plugin_file(c.load);
    const auto fatal = lines_containing(r.output, "[FTL]");
    ASSERT_EQ(fatal.size(), 1u) << r.output;
    const std::string expected_prefix = "[FTL] plugin \"" + shown + "\": ";
    const auto at = fatal[0].find(expected_prefix);
    ASSERT_NE(at, std::string::npos) << fatal[0];
    const std::string reason = fatal[0].substr(at + expected_prefix.size());
    EXPECT_TRUE(std::regex_match(reason, std::regex(c.reason))) << "reason: " << reason;
    EXPECT_EQ(r.output.find("Server is ready"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    Plugins, BrokenPlugin,
    ::testing::Values(
        BrokenCase{"test_no_entry", "", R"(no entry symbol "nmk_plugin_entry" \(not a plugin for this server\))"},
        BrokenCase{"test_bad_major", "", R"(SDK major version \d+ is not supported by this server \(SDK \d+\.\d+\))"},
        BrokenCase{"test_newer_minor", "", R"(built for SDK (\d+)\.\d+, newer than this server \(SDK \1\.\d+\))"},
        BrokenCase{"test_create_fails", "", R"(create\(\) failed: missing setting "answer")"},
        BrokenCase{"test_start_fails", "", R"(start\(\) failed: cannot open port 1: permission denied)"},
        BrokenCase{"test_create_throws", "", R"(create\(\) threw an exception: boom in create)"},
        BrokenCase{"test_requires_missing", "",
                   R"(requires plugin "test_not_installed", which is not installed \(.*\))"},
        BrokenCase{"test_cycle_a", "", R"(dependency cycle: test_cycle_a -> test_cycle_b -> test_cycle_a)"},
        BrokenCase{"not_installed_anywhere", "not_installed_anywhere",
                   R"(not found \(looked for libnot_installed_anywhere\.so in .*\))"},
        BrokenCase{"/nonexistent/dir/libghost.so", "/nonexistent/dir/libghost.so", "file not found"}),
    [](const auto& info) {
        std::string name;
        for (char ch : std::string(info.param.load))
            if (std::isalnum(static_cast<unsigned char>(ch))) name.push_back(ch);
        return name;
    });

TEST(PluginLoading, FileThatIsNotASharedObjectIsRefused) {
    SKIP_UNLESS_PLUGIN_SERVER();
    TempDir dir;
    const auto fake = dir.file("libfake.so");
    write_file(fake, "this is not an ELF file\n");
    const ExitResult r = run_config_to_exit(plugins_block({fake.string()}));
    ASSERT_EQ(r.exit_code, 1) << r.output;
    const auto fatal = lines_containing(r.output, "[FTL]");
    ASSERT_EQ(fatal.size(), 1u) << r.output;
    EXPECT_NE(fatal[0].find("[FTL] plugin \"" + fake.string() + "\": not a loadable shared library ("),
              std::string::npos)
        << fatal[0];
}

TEST(PluginLoading, MalformedPluginsBlockNamesFileAndLine) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const ExitResult r = run_config_to_exit("port: -1\nplugins {\n  load: 5\n}\n");
    ASSERT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(has_line_matching(r.output, std::regex(R"(\[FTL\] .*server\.conf:3:\d+: plugins: "load" must be a string or an array of strings)")))
        << r.output;
}

TEST(PluginLoading, OlderMinorPluginLoadsAndGetsItsBlock) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_minor_zero"}, "test_minor_zero { answer: 42, names: [a, b] }"));
    const std::string log = server->log_text();
    EXPECT_TRUE(has_line_matching(log, std::regex(R"(\[INF\] Plugin "test_minor_zero" version 0\.3\.1 \(SDK \d+\.0\) started from )" +
                                                  plugin_file("test_minor_zero"))))
        << log;
    EXPECT_NE(log.find(R"(test_minor_zero: config {"answer":42,"names":["a","b"]})"), std::string::npos) << log;
    // The server works as usual.
    RawClient client(server->port());
    client.connect();
}

TEST(PluginLoading, RequirementsStartFirstAndStopLast) {
    SKIP_UNLESS_PLUGIN_SERVER();
    // Only the dependent plugin is asked for; its requirement comes from the search path.
    auto server = start_plugin_server(plugins_block({"test_needs_echo", "test_minor_zero"}));
    server->send_signal(SIGTERM);
    ASSERT_TRUE(server->wait_exit(5s).has_value());
    const std::string log = server->log_text();
    const auto echo = log.find("Plugin \"test_echo\"");
    const auto dependent = log.find("Plugin \"test_needs_echo\"");
    ASSERT_NE(echo, std::string::npos) << log;
    ASSERT_NE(dependent, std::string::npos) << log;
    EXPECT_LT(echo, dependent);
    // Stopped in reverse order of starting.
    const auto stop_minor = log.find("test_minor_zero: stopped");
    const auto stop_dependent = log.find("stopped test_needs_echo");
    ASSERT_NE(stop_minor, std::string::npos) << log;
    ASSERT_NE(stop_dependent, std::string::npos) << log;
    EXPECT_LT(stop_minor, stop_dependent);
}

// A missing jetstream plugin and a plugins block for no loaded plugin now stop
// start-up: fail_closed_test.cpp (KeyWithoutPlugin, BlockForAPluginThatIsNotLoadedIsAnError).
TEST(PluginLoading, BlockForAPluginNotLoadedIsFatal) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const ExitResult r = run_config_to_exit(plugins_block({}, "forgotten { x: 1 }"));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(has_line_matching(r.output, std::regex(R"(\[FTL\] .*server\.conf:\d+:\d+: plugins: block "forgotten" is for a plugin that is not loaded)")))
        << r.output;
}

TEST(PluginList, PrintsWhatTheConfigWouldLoadAndExits0) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const ExitResult r = run_config_to_exit(plugins_block({"test_needs_echo", "test_minor_zero"}) + "http_port: 8222\n",
                                            {"--plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    // Requirement first, each with version, SDK and file.
    const std::regex echo(R"(^test_echo\s+1\.2\.0\s+\d+\.\d+\s+)" + plugin_file("test_echo") + "$");
    const std::regex dependent(R"(^test_needs_echo\s+1\.0\.0\s+\d+\.\d+\s+)" + plugin_file("test_needs_echo") + "$");
    const std::regex minor(R"(^test_minor_zero\s+0\.3\.1\s+\d+\.0\s+)" + plugin_file("test_minor_zero") + "$");
    EXPECT_TRUE(has_line_matching(r.output, echo)) << r.output;
    EXPECT_TRUE(has_line_matching(r.output, dependent)) << r.output;
    EXPECT_TRUE(has_line_matching(r.output, minor)) << r.output;
    EXPECT_LT(r.output.find("test_echo "), r.output.find("test_needs_echo "));
    // http_port asks for monitoring: listed when this build has it, else said, but not an error.
    if (std::filesystem::exists(plugin_file("monitoring"))) {
        const std::regex monitoring(R"(^monitoring\s+\d+\.\d+\.\d+\s+\d+\.\d+\s+)" + plugin_file("monitoring") + "$");
        EXPECT_TRUE(has_line_matching(r.output, monitoring)) << r.output;
    } else {
        EXPECT_NE(r.output.find("\"http_port\" needs plugin \"monitoring\""), std::string::npos) << r.output;
    }
    // Nothing was started.
    EXPECT_EQ(r.output.find("Server is ready"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("test_minor_zero: config"), std::string::npos) << r.output;
}

TEST(PluginList, ReportsABrokenPluginAndExits1) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const ExitResult r = run_config_to_exit(plugins_block({"test_echo", "test_bad_major"}), {"--plugins"});
    ASSERT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(has_line_matching(r.output, std::regex("^nats-server: plugin \"" + plugin_file("test_bad_major") +
                                                       R"(": SDK major version \d+ is not supported)")))
        << r.output;
}

TEST(PluginList, NoPlugins) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const ExitResult r = run_config_to_exit("port: 4222\nno_system_account: true\n", {"--plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("no plugins to load"), std::string::npos) << r.output;
}

// The system account's services come with every server that has a system account
// (nats-server always has one), when the build has the plugin: it is optional.
TEST(PluginList, TheSystemAccountPluginIsLoadedByDefault) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("system_account");
    const ExitResult r = run_config_to_exit("port: 4222\n", {"--plugins"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has_line_matching(r.output, std::regex("^system_account +1\\.0\\.0 "))) << r.output;
}

// The probe answers "probe.greeting" with its block's greeting.
std::string ask_greeting(natsConnection* nc) {
    natsMsg* raw = nullptr;
    test_support::nats_check(natsConnection_RequestString(&raw, nc, "probe.greeting", "", 2000), "request greeting");
    test_support::NatsMsgPtr reply(raw);
    return test_support::nats_msg_data(reply.get());
}

TEST(PluginReload, SighupHandsPluginsTheirNewBlock) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_probe"}, "test_probe { greeting: \"first\" }"));
    auto nc = test_support::nats_connect(server->url());
    EXPECT_EQ(ask_greeting(nc.get()), "first");

    const auto conf = server->dir().file("server.conf");
    write_file(conf, plugins_block({"test_probe"}, "test_probe { greeting: \"second\" }"));
    server->send_signal(SIGHUP);
    std::string greeting;
    for (int i = 0; i < 100 && greeting != "second"; ++i) {
        std::this_thread::sleep_for(10ms);
        greeting = ask_greeting(nc.get());
    }
    EXPECT_EQ(greeting, "second") << server->log_text();

    // A block the plugin refuses: it keeps the old one, the server says so and runs on.
    write_file(conf, plugins_block({"test_probe"}, "test_probe { greeting: \"third\", refuse: true }"));
    server->send_signal(SIGHUP);
    bool logged = false;
    for (int i = 0; i < 100 && !logged; ++i) {
        std::this_thread::sleep_for(10ms);
        logged = server->log_text().find("Plugin \"test_probe\" keeps its previous configuration: reload() failed: "
                                         "refusing this config") != std::string::npos;
    }
    EXPECT_TRUE(logged) << server->log_text();
    EXPECT_EQ(ask_greeting(nc.get()), "second");

    // Another plugin list is only applied at the next start.
    write_file(conf, plugins_block({"test_probe", "test_echo"}, "test_probe { greeting: \"fourth\" }"));
    server->send_signal(SIGHUP);
    EXPECT_TRUE(wait_for_log(*server, "[WRN] The list of plugins changed: it takes effect when the server restarts"))
        << server->log_text();
    natsMsg* raw = nullptr;
    EXPECT_EQ(natsConnection_RequestString(&raw, nc.get(), "echo.x", "x", 300), NATS_NO_RESPONDERS);
    EXPECT_EQ(ask_greeting(nc.get()), "fourth");
}

}  // namespace
}  // namespace nats::integration
