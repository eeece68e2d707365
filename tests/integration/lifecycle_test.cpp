// Process lifecycle as an operator drives it: stop signals and their exit
// codes, delivery of what was published just before the stop, SIGHUP reload
// (good and broken files), lame duck mode, and the log file (-l, -DV, SIGUSR1).
#include <csignal>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/net.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::process_listens_on;
using test_support::read_file;
using test_support::run_server_to_exit;
using test_support::write_file;
using Clock = std::chrono::steady_clock;

// The reference prints exactly "nats-server: v2.9.10" for -v; ours adds its
// own product name, so the two can be told apart where they are meant to differ.
bool is_reference_server() {
    static const bool reference = [] {
        const ExitResult r = run_server_to_exit({"-v"}, 5s);
        std::string text = r.output;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        return text == "nats-server: v2.9.10";
    }();
    return reference;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Polls `check` until it holds or `timeout` passes.
template <typename Check>
bool eventually(std::chrono::milliseconds timeout, Check check) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (check()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

// INFO of a fresh connection.
json fresh_info(int port) {
    RawClient c(port);
    return c.read_info();
}

std::filesystem::path config_path(const ServerProcess& server) { return server.dir().file("server.conf"); }

// ---- stop signals -----------------------------------------------------------

TEST(LifecycleSignals, SigintExitsZero) {
    auto server = start_server();
    server->send_signal(SIGINT);
    EXPECT_EQ(server->wait_exit(5s), std::optional<int>(0));
}

TEST(LifecycleSignals, SigtermExitsZero) {
    auto server = start_server();
    server->send_signal(SIGTERM);
    const auto code = server->wait_exit(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after SIGTERM";
    // Our documented behaviour: a clean stop exits 0. nats-server 2.9.10 exits
    // 1 on SIGTERM (0 from 2.11 on).
    EXPECT_EQ(*code, is_reference_server() ? 1 : 0);
}

TEST(LifecycleSignals, StopListeningAndCloseClientsOnSigint) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    server->send_signal(SIGINT);
    EXPECT_TRUE(c.wait_closed(5s));
    ASSERT_TRUE(server->wait_exit(5s).has_value());
    EXPECT_THROW(RawClient(server->port()), std::runtime_error);
}

// Publishes a batch, makes sure the server has processed it (PING/PONG), stops
// the server with `sig` at once, and expects the subscriber to get every message.
void expect_published_before_stop_is_delivered(int sig) {
    auto server = start_server();
    RawClient sub(server->port());
    sub.connect();
    sub.send("SUB last.words 1\r\n");
    sub.flush();
    RawClient publisher(server->port());
    publisher.connect();
    constexpr int count = 500;
    std::string batch;
    for (int i = 0; i < count; ++i) batch += pub("last.words", "message-" + std::to_string(i));
    publisher.send(batch);
    publisher.flush();
    server->send_signal(sig);
    for (int i = 0; i < count; ++i) {
        const Frame f = sub.read_frame(3s);
        ASSERT_EQ(f.kind, Frame::Kind::msg) << "frame " << i << ": " << f.line;
        ASSERT_EQ(f.payload, "message-" + std::to_string(i));
    }
    EXPECT_TRUE(sub.wait_closed(5s));
    EXPECT_TRUE(server->wait_exit(5s).has_value());
}

TEST(LifecycleSignals, MessagesPublishedBeforeSigintAreDelivered) { expect_published_before_stop_is_delivered(SIGINT); }

TEST(LifecycleSignals, MessagesPublishedBeforeSigtermAreDelivered) {
    expect_published_before_stop_is_delivered(SIGTERM);
}

TEST(LifecycleSignals, OutputQueuedForASlowReaderIsFlushedBeforeExit) {
    auto server = start_server();
    // A small receive buffer and no reading: most of the batch is still queued
    // in the server when the signal arrives.
    RawClientOptions slow_options;
    slow_options.receive_buffer = 4096;
    slow_options.timeout = 3000ms;
    RawClient sub(server->port(), slow_options);
    sub.connect();
    sub.send("SUB backlog 1\r\n");
    sub.flush();
    RawClient publisher(server->port());
    publisher.connect();
    constexpr int count = 8000;
    const std::string filler(1000, 'b');
    std::string batch;
    for (int i = 0; i < count; ++i) batch += pub("backlog", std::to_string(i) + ":" + filler);
    publisher.send(batch);
    publisher.flush();
    server->send_signal(SIGINT);
    int received = 0;
    try {
        for (; received < count; ++received) {
            const Frame f = sub.read_frame(3s);
            ASSERT_EQ(f.kind, Frame::Kind::msg) << "frame " << received << ": " << f.line;
            ASSERT_EQ(f.payload, std::to_string(received) + ":" + filler);
        }
    } catch (const std::runtime_error& e) {
        ADD_FAILURE() << "got " << received << " of " << count << " messages: " << e.what() << "\n" << server->log_text();
    }
    EXPECT_EQ(received, count);
    EXPECT_TRUE(sub.wait_closed(5s));
    EXPECT_EQ(server->wait_exit(5s), std::optional<int>(0));
}

TEST(LifecycleSignals, SignalCommandStopsTheServer) {
    auto server = start_server();
    const ExitResult r = run_server_to_exit({"--signal", "stop=" + std::to_string(server->pid())}, 5s);
    ASSERT_TRUE(r.exit_code.has_value());
    EXPECT_EQ(*r.exit_code, 0) << r.output;
    EXPECT_TRUE(server->wait_exit(5s).has_value());
}

TEST(LifecycleSignals, SignalCommandRejectsUnknownSignal) {
    auto server = start_server();
    const ExitResult r = run_server_to_exit({"--signal", "bogus=" + std::to_string(server->pid())}, 5s);
    ASSERT_TRUE(r.exit_code.has_value());
    EXPECT_NE(*r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "bogus")) << r.output;
    EXPECT_TRUE(server->running());
}

// ---- reload -----------------------------------------------------------------

TEST(LifecycleReload, SighupAppliesNewMaxPayload) {
    auto server = start_server("max_payload: 1KB\n");
    EXPECT_EQ(fresh_info(server->port())["max_payload"], 1024);
    write_file(config_path(*server), "max_payload: 2KB\n");
    server->send_signal(SIGHUP);
    EXPECT_TRUE(eventually(3s, [&] { return fresh_info(server->port())["max_payload"] == 2048; }))
        << server->log_text();
    // The new limit is enforced, not only advertised.
    RawClient c(server->port());
    c.connect();
    c.send("SUB r 1\r\n" + pub("r", std::string(2048, 'z')));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload.size(), 2048u);
    EXPECT_TRUE(server->running());
}

// Adding authentication to an open server by reload: see auth_reload_test.cpp
// (ours refuses it, since its auth plugins load only at start).
TEST(LifecycleReload, SighupChangesAuthorization) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server("max_payload: 1KB\nauthorization { user: ops, password: first }\n");
    RawClient old_client(server->port());
    old_client.connect({{"user", "ops"}, {"pass", "first"}});
    write_file(config_path(*server), "max_payload: 1KB\nauthorization { user: ops, password: reloaded }\n");
    server->send_signal(SIGHUP);
    // A client admitted with the old password no longer qualifies. nats-server
    // closes it without a word (its single-user check counts it as a vanished
    // user); ours refuses it like any failed check.
    std::string received;
    EXPECT_TRUE(old_client.wait_closed(3s, &received)) << server->log_text();
    if (!is_reference_server()) {
        EXPECT_TRUE(contains(received, "-ERR 'Authorization Violation'\r\n")) << received;
    }
    {
        RawClient c(server->port());
        c.connect({{"user", "ops"}, {"pass", "reloaded"}});
    }
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"verbose\":false,\"user\":\"ops\",\"pass\":\"first\"}\r\nPING\r\n");
    received.clear();
    EXPECT_TRUE(c.wait_closed(3s, &received));
    EXPECT_TRUE(contains(received, "-ERR 'Authorization Violation'\r\n")) << received;
}

TEST(LifecycleReload, BrokenFileKeepsServerRunningWithOldConfig) {
    auto server = start_server("max_payload: 1KB\n");
    RawClient c(server->port());
    c.connect();
    c.send("SUB keep 1\r\n");
    c.flush();
    write_file(config_path(*server), "max_payload: 2KB\nping_interval: \"nonsense\"\n");
    server->send_signal(SIGHUP);
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(server->running()) << server->log_text();
    EXPECT_EQ(fresh_info(server->port())["max_payload"], 1024);
    // The existing connection is untouched.
    c.send(pub("keep", "still here"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, "still here");
    // The failure is logged with the file's line.
    EXPECT_TRUE(eventually(2s, [&] { return contains(server->log_text(), "ping_interval"); })) << server->log_text();

    // Once the file is fixed, the next SIGHUP applies it.
    write_file(config_path(*server), "max_payload: 2KB\n");
    server->send_signal(SIGHUP);
    EXPECT_TRUE(eventually(3s, [&] { return fresh_info(server->port())["max_payload"] == 2048; }))
        << server->log_text();
}

TEST(LifecycleReload, SyntaxErrorKeepsServerRunning) {
    auto server = start_server("max_payload: 1KB\n");
    write_file(config_path(*server), "max_payload {\n");
    server->send_signal(SIGHUP);
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(server->running()) << server->log_text();
    EXPECT_EQ(fresh_info(server->port())["max_payload"], 1024);
}

TEST(LifecycleReload, SignalCommandReloads) {
    auto server = start_server("max_payload: 1KB\n");
    write_file(config_path(*server), "max_payload: 3KB\n");
    const ExitResult r = run_server_to_exit({"--signal", "reload=" + std::to_string(server->pid())}, 5s);
    ASSERT_TRUE(r.exit_code.has_value());
    EXPECT_EQ(*r.exit_code, 0) << r.output;
    EXPECT_TRUE(eventually(3s, [&] { return fresh_info(server->port())["max_payload"] == 3072; }))
        << server->log_text();
}

// ---- lame duck --------------------------------------------------------------

// Enters lame duck mode with `enter` and checks what nats-server 2.9.10 does
// right away: the listener closes, protocol-1 clients get INFO with ldm:true,
// protocol-0 clients get nothing, and existing connections keep working.
template <typename Enter>
void expect_lame_duck_behaviour(ServerProcess& server, Enter enter) {
    RawClient aware(server.port());
    aware.connect({{"protocol", 1}});
    aware.send("SUB ldm.test 1\r\n");
    aware.flush();
    RawClient legacy(server.port());
    legacy.connect({{"protocol", 0}});

    enter();

    const Frame info = aware.read_frame(3s);
    ASSERT_EQ(info.kind, Frame::Kind::info) << info.line;
    const json body = json::parse(info.line.substr(5));
    EXPECT_EQ(body.value("ldm", false), true) << info.line;

    EXPECT_TRUE(eventually(3s, [&] { return !process_listens_on(server.pid(), server.port()); }));
    EXPECT_THROW(RawClient(server.port()), std::runtime_error);

    // Lame duck is not a stop: existing clients still exchange messages.
    legacy.send(pub("ldm.test", "during ldm"));
    legacy.flush();
    const Frame m = aware.read_frame(3s);
    ASSERT_EQ(m.kind, Frame::Kind::msg) << m.line;
    EXPECT_EQ(m.payload, "during ldm");
    EXPECT_EQ(legacy.idle_for(200ms), "");
    EXPECT_TRUE(server.running());
}

TEST(LifecycleLameDuck, Sigusr2RefusesNewConnectionsAndNotifiesClients) {
    auto server = start_server();
    expect_lame_duck_behaviour(*server, [&] { server->send_signal(SIGUSR2); });
}

TEST(LifecycleLameDuck, SignalCommandEntersLameDuck) {
    auto server = start_server();
    expect_lame_duck_behaviour(*server, [&] {
        const ExitResult r = run_server_to_exit({"--signal", "ldm=" + std::to_string(server->pid())}, 5s);
        ASSERT_TRUE(r.exit_code.has_value());
        EXPECT_EQ(*r.exit_code, 0) << r.output;
    });
}

TEST(LifecycleLameDuck, DurationBelowThirtySecondsIsRejected) {
    TempDir dir;
    const auto conf = dir.file("ldm.conf");
    write_file(conf, "lame_duck_duration: \"2s\"\n");
    const ExitResult r = run_server_to_exit({"-t", "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value());
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, conf.string() + ":1")) << r.output;
    EXPECT_TRUE(contains(r.output, "lame_duck_duration")) << r.output;
}

// The 30 s minimum duration is spread over the clients still connected after
// the grace period, and the last one is closed without a pause, so with one
// client (or none) the server is gone soon after the grace period.
TEST(LifecycleLameDuck, WithOneClientExitsAfterTheGracePeriod) {
    auto server = start_server("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"500ms\"\n");
    RawClient c(server->port());
    c.connect({{"protocol", 1}});
    const auto start = Clock::now();
    server->send_signal(SIGUSR2);
    const Frame info = c.read_frame(2s);
    EXPECT_EQ(info.kind, Frame::Kind::info) << info.line;
    EXPECT_TRUE(c.wait_closed(5s));
    const auto code = server->wait_exit(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after the grace period";
    EXPECT_EQ(*code, 0);
    const auto took = Clock::now() - start;
    EXPECT_GE(took, 400ms);
    EXPECT_LT(took, 5s);
}

TEST(LifecycleLameDuck, WithoutClientsExitsAtOnce) {
    auto server = start_server("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"5s\"\n");
    server->send_signal(SIGUSR2);
    const auto code = server->wait_exit(3s);
    ASSERT_TRUE(code.has_value()) << "still running 3 s after SIGUSR2 with no clients";
    EXPECT_EQ(*code, 0);
}

// ---- logging ----------------------------------------------------------------

std::vector<std::string> lines_of_file(const std::filesystem::path& file) {
    std::vector<std::string> out;
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

// "[pid] yyyy/mm/dd hh:mm:ss.uuuuuu [LVL] text"
const std::regex& log_line_pattern() {
    static const std::regex pattern(
        R"(^\[(\d+)\] \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\.\d{6} \[(INF|WRN|ERR|FTL|DBG|TRC)\] .*$)");
    return pattern;
}

bool has_level(const std::vector<std::string>& lines, std::string_view level) {
    for (const auto& l : lines) {
        if (contains(l, " [" + std::string(level) + "] ")) return true;
    }
    return false;
}

TEST(LifecycleLogging, LogFileLinesHavePidTimestampAndLevel) {
    TempDir dir;
    const auto log = dir.file("nats.log");
    auto server = start_server({}, {"-l", log.string()});
    {
        RawClient c(server->port());
        c.connect();
    }
    const auto lines = lines_of_file(log);
    ASSERT_FALSE(lines.empty()) << "nothing in " << log;
    int matched = 0;
    for (const auto& l : lines) {
        std::smatch m;
        if (!std::regex_match(l, m, log_line_pattern())) continue;
        ++matched;
        EXPECT_EQ(m[1].str(), std::to_string(server->pid())) << l;
    }
    // Every entry starts a line in that format (continuation lines aside).
    EXPECT_GE(matched, 2);
    EXPECT_TRUE(std::regex_match(lines.front(), log_line_pattern())) << lines.front();
    EXPECT_TRUE(has_level(lines, "INF"));
    EXPECT_FALSE(has_level(lines, "DBG"));
    EXPECT_FALSE(has_level(lines, "TRC"));
    // Log output goes to the file, not to stderr.
    EXPECT_EQ(server->log_text(), "");
}

TEST(LifecycleLogging, DebugAndTraceFlagAddsDbgAndTrcLines) {
    TempDir dir;
    const auto log = dir.file("nats.log");
    auto server = start_server({}, {"-l", log.string(), "-DV"});
    {
        RawClient c(server->port());
        c.connect();
        c.send("SUB traced 1\r\n");
        c.flush();
    }
    std::vector<std::string> lines;
    EXPECT_TRUE(eventually(2s, [&] {
        lines = lines_of_file(log);
        return has_level(lines, "TRC") && has_level(lines, "DBG");
    })) << read_file(log);
    for (const auto& l : lines) {
        if (contains(l, "[TRC]") || contains(l, "[DBG]")) {
            EXPECT_TRUE(std::regex_match(l, log_line_pattern())) << l;
        }
    }
    // Trace shows the protocol the client sent.
    bool traced_sub = false;
    for (const auto& l : lines) traced_sub = traced_sub || (contains(l, "[TRC]") && contains(l, "SUB traced 1"));
    EXPECT_TRUE(traced_sub) << read_file(log);
}

TEST(LifecycleLogging, Sigusr1ReopensLogFile) {
    TempDir dir;
    const auto log = dir.file("nats.log");
    const auto rotated = dir.file("nats.log.1");
    // -D: every client connection adds a [DBG] line, so activity shows up.
    auto server = start_server({}, {"-l", log.string(), "-D"});
    ASSERT_TRUE(eventually(2s, [&] { return !lines_of_file(log).empty(); }));
    std::filesystem::rename(log, rotated);
    server->send_signal(SIGUSR1);
    EXPECT_TRUE(eventually(3s, [&] { return std::filesystem::exists(log); })) << "log not reopened";
    const std::string rotated_text = read_file(rotated);
    const std::size_t reopened_size = lines_of_file(log).size();
    {
        RawClient c(server->port());
        c.connect();
    }
    EXPECT_TRUE(eventually(2s, [&] {
        const auto lines = lines_of_file(log);
        return lines.size() > reopened_size && has_level(lines, "DBG");
    })) << read_file(log);
    for (const auto& l : lines_of_file(log)) EXPECT_TRUE(std::regex_match(l, log_line_pattern())) << l;
    // The rotated file no longer grows.
    EXPECT_EQ(read_file(rotated), rotated_text);
    EXPECT_TRUE(server->running());
}

} // namespace
} // namespace nats::integration
