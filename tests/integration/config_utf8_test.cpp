// Config strings holding invalid UTF-8 (a Latin-1 file, a stray byte). nats-server
// 2.9.10 takes them: `-t` calls the file valid, the server starts, and a reload
// applies them; INFO carries such a server_name with U+FFFD in place of the byte,
// as Go's encoding/json writes it. Ours used to throw from a strict JSON dump (the
// plugin config block, the INFO line) and abort: at start-up, on the first client,
// or after logging "Reloaded server configuration".
#include <csignal>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::run_server_to_exit;
using test_support::write_file;

// "a" followed by the raw byte 0xb5 (not UTF-8 on its own).
const std::string latin1_user = "authorization { user: \"a\xb5\", password: \"b\" }\n";

json login(const std::string& user, const std::string& pass) { return {{"user", user}, {"pass", pass}}; }

// Authorization Violation for `credentials`: the server is up and answering.
void expect_refused(int port, const json& credentials) {
    RawClient c(port);
    c.read_info();
    c.send("CONNECT " + json{{"verbose", false}, {"pedantic", false}, {"user", credentials["user"]},
                             {"pass", credentials["pass"]}}
                            .dump() +
           "\r\nPING\r\n");
    EXPECT_EQ(c.read_line(), "-ERR 'Authorization Violation'");
}

void expect_not_crashed(ServerProcess& server) {
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(server.running()) << server.log_text();
    const std::string log = server.log_text();
    EXPECT_EQ(log.find("terminate called"), std::string::npos) << log;
    EXPECT_EQ(log.find("type_error"), std::string::npos) << log;
}

TEST(ConfigUtf8, CheckCallsTheFileValid) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users");
    TempDir dir;
    const auto conf = dir.file("latin1.conf");
    write_file(conf, latin1_user + "server_name: \"s\xff\"\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "nats-server: configuration file " + conf.string() + " is valid\n");
}

TEST(ConfigUtf8, StartsAndServesWithInvalidBytesInUserAndServerName) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users");
    auto server = start_server(latin1_user + "server_name: \"s\xff\"\n");
    RawClient c(server->port());
    const json info = c.read_info();  // ours threw building this line
    EXPECT_EQ(info["server_name"], "s\xef\xbf\xbd");  // U+FFFD, as Go's encoding/json writes it
    expect_refused(server->port(), login("a", "b"));
    expect_not_crashed(*server);
}

TEST(ConfigUtf8, ReloadWithInvalidBytesKeepsTheServerRunning) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users");
    auto server = start_server("authorization { user: \"a\", password: \"b\" }\n");
    {
        RawClient before(server->port());
        before.connect(login("a", "b"));
    }
    const auto conf = server->dir().file("server.conf");
    write_file(conf, latin1_user);
    server->send_signal(SIGHUP);
    ASSERT_TRUE(wait_for_log(*server, "Reloaded server configuration", 3s)) << server->log_text();
    expect_not_crashed(*server);
    expect_refused(server->port(), login("a", "b"));  // the new user list is in force

    // And the next reload still works: the plugins kept running.
    write_file(conf, "authorization { user: \"a\", password: \"b\" }\n");
    server->send_signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    for (;;) {
        RawClient again(server->port());
        try {
            again.connect(login("a", "b"));
            break;
        } catch (const std::exception&) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << server->log_text();
            std::this_thread::sleep_for(20ms);
        }
    }
    expect_not_crashed(*server);
}

// Ours only: a plugin's own block is handed to it as JSON text.
TEST(ConfigUtf8, PluginBlockWithInvalidBytesReachesThePlugin) {
    SKIP_UNLESS_PLUGIN_SERVER();
    TempDir dir;
    const std::string config = plugins_block({"test_echo"}, "test_echo { note: \"\xff\xfe\" }\n");
    write_file(dir.file("p.conf"), config);
    const ExitResult checked = run_server_to_exit({"-t", "-c", dir.file("p.conf").string()}, 5s);
    ASSERT_TRUE(checked.exit_code.has_value());
    EXPECT_EQ(*checked.exit_code, 0) << checked.output;

    auto server = start_plugin_server(config);
    RawClient c(server->port());
    c.connect();
    c.send("SUB _INBOX.1 1\r\n" + pub("echo.x", "hi", "_INBOX.1"));
    EXPECT_EQ(c.expect_msg().payload, "hi");  // the plugin was created and started
    expect_not_crashed(*server);
}

}  // namespace
}  // namespace nats::integration
