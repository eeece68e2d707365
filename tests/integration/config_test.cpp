// Configuration file and command line, end to end: the syntax features a real
// deployment uses (include, variables, environment, size and duration units),
// `-t`, start-up errors with file and line, flags over the file, -v, -h and
// unknown flags. Expectations are what nats-server 2.9.10 does.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/net.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::free_port;
using test_support::process_listens_on;
using test_support::run_server_to_exit;
using test_support::write_file;

// Waits until the server listens on `port` (a port that came from its config
// file, so ServerProcess cannot wait for it). False when it exits or times out.
bool wait_listening(ServerProcess& server, int port, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!server.running()) return false;
        if (process_listens_on(server.pid(), port)) return true;
        std::this_thread::sleep_for(5ms);
    }
    return false;
}

// A server started only with `-c <conf>`, so everything comes from the file.
std::unique_ptr<ServerProcess> start_with_file_only(const std::filesystem::path& conf) {
    ServerOptions options;
    options.listen_args = false;
    options.args = {"-c", conf.string()};
    return std::make_unique<ServerProcess>(std::move(options));
}

// Sets an environment variable for one test; the server child inherits it.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
};

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

TEST(ConfigFile, IncludeVariablesEnvironmentAndUnitsWorkEndToEnd) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    TempDir dir;
    const int port = free_port();
    // The listen address comes only from the included file, and the password
    // only from the environment (a $NAME not defined in the file).
    const ScopedEnv password("NMK_OPSTEST_PASSWORD", "env-secret");
    write_file(dir.file("listen.conf"), "listen: 127.0.0.1:" + std::to_string(port) + "\n");
    write_file(dir.file("main.conf"),
               "# settings shared by the test\n"
               "include ./listen.conf\n"
               "PAYLOAD_LIMIT = 2KB\n"
               "max_payload: $PAYLOAD_LIMIT\n"
               "ping_interval: \"150ms\"\n"
               "authorization {\n"
               "  user: ops\n"
               "  password: $NMK_OPSTEST_PASSWORD\n"
               "}\n");
    auto server = start_with_file_only(dir.file("main.conf"));
    ASSERT_TRUE(wait_listening(*server, port, 5s)) << server->log_text();

    {
        RawClient c(port);
        const json info = c.connect({{"user", "ops"}, {"pass", "env-secret"}});
        EXPECT_EQ(info["max_payload"], 2048);
        EXPECT_EQ(info["auth_required"], true);
        // 2 KB is 2048 bytes: exactly that much passes.
        c.send("SUB big 1\r\n" + pub("big", std::string(2048, 'p')));
        const auto frames = c.flush();
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_EQ(frames[0].payload.size(), 2048u);
        // The 150 ms ping interval: several server PINGs within a second.
        c.idle_for(1000ms);
        EXPECT_GE(c.pings_answered(), 3);
        // One byte more is a protocol error that closes the connection.
        c.send("PUB big 2049\r\n");
        std::string received;
        EXPECT_TRUE(c.wait_closed(3s, &received));
        EXPECT_EQ(received, "-ERR 'Maximum Payload Violation'\r\n");
    }
    {
        RawClient c(port);
        c.read_info();
        c.send("CONNECT {\"verbose\":false,\"user\":\"ops\",\"pass\":\"wrong\"}\r\nPING\r\n");
        std::string received;
        EXPECT_TRUE(c.wait_closed(3s, &received));
        EXPECT_TRUE(contains(received, "-ERR 'Authorization Violation'\r\n")) << received;
    }
}

TEST(ConfigFile, SizeUnitsAreBinary) {
    auto server = start_server("max_payload: 1MB\n");
    RawClient c(server->port());
    EXPECT_EQ(c.read_info()["max_payload"], 1048576);
}

TEST(ConfigFile, DefaultPingIntervalSendsNoEarlyPings) {
    // The counterpart of the 150 ms interval above: without it there is no
    // PING in the first second.
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    EXPECT_EQ(c.idle_for(1000ms), "");
    EXPECT_EQ(c.pings_answered(), 0);
}

TEST(ConfigCheck, GoodFileExitsZero) {
    TempDir dir;
    write_file(dir.file("listen.conf"), "port: 4222\n");
    write_file(dir.file("good.conf"),
               "include ./listen.conf\nLIMIT = 2KB\nmax_payload: $LIMIT\nping_interval: \"2m\"\n"
               "write_deadline: \"1s\"\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", dir.file("good.conf").string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "nats-server: configuration file " + dir.file("good.conf").string() + " is valid\n");
}

TEST(ConfigCheck, ShippedConfigsAreValid) {
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(NMK_CONF_DIR)) {
        if (entry.path().extension() != ".conf") continue;
        ++checked;
        const ExitResult r = run_server_to_exit({"-t", "-c", entry.path().string()}, 5s);
        ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
        EXPECT_EQ(*r.exit_code, 0) << entry.path() << "\n" << r.output;
    }
    EXPECT_GE(checked, 2) << "conf/nats-server.conf and conf/edge.conf at least";
}

TEST(ConfigCheck, SystemAccountAliasesAreAccepted) {
    TempDir dir;
    for (const char* text : {"accounts { OPS: {} }\nsystem: OPS\n", "accounts { OPS: {} }\nsystem_account: OPS\n",
                             "no_system: true\n", "no_sys_acc: true\n", "no_system_account: false\n"}) {
        write_file(dir.file("s.conf"), text);
        const ExitResult r = run_server_to_exit({"-t", "-c", dir.file("s.conf").string()}, 5s);
        ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
        EXPECT_EQ(*r.exit_code, 0) << text << r.output;
    }
}

TEST(ConfigCheck, BadAccountsBlockExitsNonZeroNamingFileAndLine) {
    TempDir dir;
    const auto conf = dir.file("bad.conf");
    write_file(conf, "accounts {\n  A: { imports: [{stream: {account: B, subject: \"x\"}}] }\n}\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*r.exit_code, 1);
    EXPECT_TRUE(contains(r.output, conf.string() + ":")) << r.output;
    EXPECT_TRUE(contains(r.output, "\"B\" account not defined for stream import")) << r.output;
}

TEST(ConfigCheck, BadValueExitsNonZeroNamingFileAndLine) {
    TempDir dir;
    const auto conf = dir.file("bad.conf");
    write_file(conf, "port: 4222\nmax_payload: 2KB\nping_interval: \"nonsense\"\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, conf.string() + ":3")) << r.output;
    EXPECT_TRUE(contains(r.output, "ping_interval")) << r.output;
}

TEST(ConfigCheck, UnknownFieldExitsNonZeroNamingFileAndLine) {
    TempDir dir;
    const auto conf = dir.file("bad.conf");
    write_file(conf, "port: 4222\nno_such_setting: 1\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, conf.string() + ":2")) << r.output;
    EXPECT_TRUE(contains(r.output, "no_such_setting")) << r.output;
}

TEST(ConfigCheck, SyntaxErrorExitsNonZero) {
    TempDir dir;
    const auto conf = dir.file("bad.conf");
    write_file(conf, "port: 4222\n\nmax_payload {\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_FALSE(r.output.empty());
}

TEST(ConfigCheck, UndefinedVariableExitsNonZero) {
    TempDir dir;
    const auto conf = dir.file("bad.conf");
    ::unsetenv("NMK_OPSTEST_UNDEFINED");
    write_file(conf, "port: 4222\nmax_payload: $NMK_OPSTEST_UNDEFINED\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, "NMK_OPSTEST_UNDEFINED")) << r.output;
}

TEST(ConfigFile, BadConfigStopsStartupWithFileLineAndReason) {
    TempDir dir;
    const auto conf = dir.file("bad.conf");
    write_file(conf, "max_payload: 2KB\nping_interval: \"nonsense\"\n");
    const ExitResult r =
        run_server_to_exit({"-a", "127.0.0.1", "-p", std::to_string(free_port()), "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*r.exit_code, 1);
    EXPECT_TRUE(contains(r.output, conf.string() + ":2")) << r.output;
    EXPECT_TRUE(contains(r.output, "ping_interval")) << r.output;
    EXPECT_TRUE(contains(r.output, "nonsense")) << r.output;
}

TEST(ConfigFile, MissingFileStopsStartup) {
    TempDir dir;
    const auto conf = dir.file("absent.conf");
    const ExitResult r =
        run_server_to_exit({"-a", "127.0.0.1", "-p", std::to_string(free_port()), "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*r.exit_code, 1);
    EXPECT_TRUE(contains(r.output, conf.string())) << r.output;
}

TEST(ConfigFlags, PortFlagOverridesListenInFile) {
    const int file_port = free_port();
    // ServerProcess adds -a 127.0.0.1 -p <port()>; the file says another port.
    auto server = start_server("listen: 127.0.0.1:" + std::to_string(file_port) + "\nmax_payload: 4KB\n");
    EXPECT_TRUE(process_listens_on(server->pid(), server->port()));
    EXPECT_FALSE(process_listens_on(server->pid(), file_port));
    RawClient c(server->port());
    const json info = c.read_info();
    EXPECT_EQ(info["port"], server->port());
    // The rest of the file still applies.
    EXPECT_EQ(info["max_payload"], 4096);
}

TEST(ConfigFlags, UserFlagsOverrideFileAuthorization) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server("authorization { user: fileuser, password: filepass }\n",
                               {"--user", "flaguser", "--pass", "flagpass"});
    {
        RawClient c(server->port());
        c.connect({{"user", "flaguser"}, {"pass", "flagpass"}});
    }
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"verbose\":false,\"user\":\"fileuser\",\"pass\":\"filepass\"}\r\nPING\r\n");
    std::string received;
    EXPECT_TRUE(c.wait_closed(3s, &received));
    EXPECT_TRUE(contains(received, "-ERR 'Authorization Violation'\r\n")) << received;
}

TEST(ConfigFlags, VersionPrintsAndExitsZero) {
    for (const char* flag : {"-v", "--version"}) {
        const ExitResult r = run_server_to_exit({flag}, 5s);
        ASSERT_TRUE(r.exit_code.has_value()) << flag << ": still running after 5 s";
        EXPECT_EQ(*r.exit_code, 0) << flag;
        EXPECT_TRUE(contains(r.output, "2.9.10")) << flag << ": " << r.output;
    }
}

TEST(ConfigFlags, HelpPrintsUsageAndExitsZero) {
    for (const char* flag : {"-h", "--help"}) {
        const ExitResult r = run_server_to_exit({flag}, 5s);
        ASSERT_TRUE(r.exit_code.has_value()) << flag << ": still running after 5 s";
        EXPECT_EQ(*r.exit_code, 0) << flag;
        const std::string text = lower(r.output);
        EXPECT_TRUE(contains(text, "usage")) << flag << ": " << r.output;
        // The options a deployment relies on are listed.
        for (const char* option : {"--port", "--config", "--log", "--tlscert", "--signal"}) {
            EXPECT_TRUE(contains(text, option)) << flag << " lacks " << option;
        }
    }
}

TEST(ConfigFlags, UnknownFlagIsReportedAndServerDoesNotStart) {
    const int port = free_port();
    const ExitResult r = run_server_to_exit({"-a", "127.0.0.1", "-p", std::to_string(port), "--no-such-flag"}, 5s);
    // nats-server 2.9.10 prints the error and the usage text and exits (with
    // status 0, through its usage handler), so only that is asserted.
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s: " << r.output;
    EXPECT_TRUE(contains(r.output, "no-such-flag")) << r.output;
    EXPECT_TRUE(contains(lower(r.output), "usage")) << r.output;
}

TEST(ConfigFlags, FlagMissingItsValueDoesNotStart) {
    const ExitResult r = run_server_to_exit({"-a", "127.0.0.1", "-p"}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s: " << r.output;
    EXPECT_TRUE(contains(r.output, "-p")) << r.output;
}

} // namespace
} // namespace nats::integration
