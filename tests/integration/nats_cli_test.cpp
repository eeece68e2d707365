// The nats command-line tool (build/bin/nats, tools/nats) run as a child
// process against a started server: pub/sub with wildcards and queue groups,
// request/reply, the error messages and exit codes, credentials (flags,
// environment, contexts), server commands and bench on small counts.
// Expected output is natscli's, from its source (cli/sub_command.go,
// req_command.go, reply_command.go, jsm.go monitor, nats.go bench).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/nats_cli_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/net.hpp"

namespace nats::integration {
namespace {

using test_support::TempDir;
using test_support::free_port;
using test_support::read_file;
using test_support::write_file;
using namespace cli_testing;

// ---- publish and subscribe ---------------------------------------------------

TEST_F(NatsCli, WildcardSubscriberPrintsMessagesLikeNatscli) {
    auto server = start_server();
    auto sub = cli.start(at(*server, {"sub", "orders.>", "--count", "2"}));
    ASSERT_TRUE(sub->wait_for_err("Subscribing on orders.>")) << sub->err();
    auto first = cli.run(at(*server, {"pub", "orders.new", "hello {{Count}}", "-H", "X-Trace:abc", "-H", "Seq: {{Count}}"}));
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_TRUE(std::regex_search(first.err, std::regex(R"(^\d\d:\d\d:\d\d Published 7 bytes to "orders.new"\n$)"))) << first.err;
    ASSERT_EQ(cli.run(at(*server, {"pub", "orders.eu.shipped", ""})).code, 0);
    ASSERT_EQ(sub->wait_exit(10s), 0) << sub->err();
    EXPECT_EQ(sub->out(),
              "[#1] Received on \"orders.new\"\n"
              "Seq: 1\n"
              "X-Trace: abc\n"
              "\n"
              "hello 1\n\n\n"
              "[#2] Received on \"orders.eu.shipped\"\n"
              "nil body\n\n\n");
    EXPECT_TRUE(std::regex_match(sub->err(), std::regex(R"(\d\d:\d\d:\d\d Subscribing on orders\.> \n)"))) << sub->err();
}

TEST_F(NatsCli, SingleTokenWildcardSkipsDeeperSubjects) {
    auto server = start_server();
    auto sub = cli.start(at(*server, {"sub", "orders.*", "--count", "1"}));
    ASSERT_TRUE(sub->wait_for_err("Subscribing on")) << sub->err();
    ASSERT_EQ(cli.run(at(*server, {"pub", "orders.eu.shipped", "too deep"})).code, 0);
    ASSERT_EQ(cli.run(at(*server, {"pub", "orders.new", "one token"})).code, 0);
    ASSERT_EQ(sub->wait_exit(10s), 0) << sub->err();
    EXPECT_EQ(sub->out(), "[#1] Received on \"orders.new\"\none token\n\n\n");
}

TEST_F(NatsCli, RawSubscriberPrintsBodiesOnly) {
    auto server = start_server();
    // --raw logs nothing, so publish until the subscriber has its message.
    auto sub = cli.start(at(*server, {"sub", "raw.x", "--raw", "--count", "1"}));
    std::optional<int> code;
    for (int i = 0; i < 50 && !code; ++i) {
        ASSERT_EQ(cli.run(at(*server, {"pub", "raw.x", "body only", "-q"})).code, 0);
        code = sub->wait_exit(100ms);
    }
    EXPECT_EQ(code, 0);
    EXPECT_EQ(sub->out(), "body only\n");
    EXPECT_EQ(sub->err(), "");
}

TEST_F(NatsCli, InterruptEndsSubscriberAndReplier) {
    auto server = start_server();
    auto sub = cli.start(at(*server, {"sub", "forever"}));
    auto replier = cli.start(at(*server, {"reply", "forever.svc", "ok"}));
    ASSERT_TRUE(sub->wait_for_err("Subscribing on forever")) << sub->err();
    ASSERT_TRUE(replier->wait_for_err("Listening on")) << replier->err();
    sub->signal(SIGINT);
    replier->signal(SIGTERM);
    EXPECT_EQ(sub->wait_exit(5s), 0) << sub->err();
    EXPECT_EQ(replier->wait_exit(5s), 0) << replier->err();
    EXPECT_TRUE(contains(replier->err(), "Draining...\n") && contains(replier->err(), "Exiting\n")) << replier->err();
}

TEST_F(NatsCli, QueueGroupDeliversEachMessageOnce) {
    auto server = start_server();
    auto a = cli.start(at(*server, {"sub", "jobs", "--queue", "workers"}));
    auto b = cli.start(at(*server, {"sub", "jobs", "--queue", "workers"}));
    ASSERT_TRUE(a->wait_for_err("Subscribing on jobs")) << a->err();
    ASSERT_TRUE(b->wait_for_err("Subscribing on jobs")) << b->err();
    const auto pub = cli.run(at(*server, {"pub", "jobs", "job {{Count}}", "--count", "20", "--quiet"}));
    ASSERT_EQ(pub.code, 0) << pub.err;
    const auto received = [&] { return count_of(a->out(), "Received on \"jobs\"") + count_of(b->out(), "Received on \"jobs\""); };
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (received() < 20 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    a->signal(SIGINT);
    b->signal(SIGINT);
    ASSERT_EQ(a->wait_exit(5s), 0);
    ASSERT_EQ(b->wait_exit(5s), 0);
    EXPECT_EQ(received(), 20u) << a->out() << "--\n" << b->out();
    std::multiset<std::string> seen;
    for (const std::string& text : {a->out(), b->out()}) {
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("job ", 0) == 0) seen.insert(line);
        }
    }
    ASSERT_EQ(seen.size(), 20u) << a->out() << "--\n" << b->out();
    for (int i = 1; i <= 20; ++i) EXPECT_EQ(seen.count("job " + std::to_string(i)), 1u) << i;
}

TEST_F(NatsCli, SubscriberQuitsAfterQuietPeriod) {
    auto server = start_server();
    const auto started = std::chrono::steady_clock::now();
    const auto r = cli.run(at(*server, {"sub", "quiet.subject", "--wait", "300ms"}));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
}

TEST_F(NatsCli, PublishesStdinWhenNoBodyIsGiven) {
    auto server = start_server();
    auto sub = cli.start(at(*server, {"sub", "in", "--count", "2"}));
    ASSERT_TRUE(sub->wait_for_err("Subscribing on")) << sub->err();
    const auto whole = cli.run(at(*server, {"pub", "in"}), {}, "all of it\n");
    ASSERT_EQ(whole.code, 0) << whole.err;
    EXPECT_TRUE(contains(whole.err, "Reading payload from STDIN")) << whole.err;
    ASSERT_EQ(cli.run(at(*server, {"pub", "in", "--send-on", "newline"}), {}, "line two\n").code, 0);
    ASSERT_EQ(sub->wait_exit(10s), 0);
    EXPECT_EQ(sub->out(), "[#1] Received on \"in\"\nall of it\n\n[#2] Received on \"in\"\nline two\n\n\n");
}

// ---- request and reply ---------------------------------------------------------

TEST_F(NatsCli, EchoReplierAnswersRequestWithHeaders) {
    auto server = start_server();
    auto replier = cli.start(at(*server, {"reply", "svc.echo", "--count", "1"}));
    ASSERT_TRUE(replier->wait_for_err("Listening on \"svc.echo\" in group \"NATS-RPLY-22\"")) << replier->err();
    EXPECT_TRUE(contains(replier->err(), "No body or command supplied, enabling echo mode"));
    const auto req = cli.run(at(*server, {"request", "svc.echo", "ping", "-H", "K:V"}));
    ASSERT_EQ(req.code, 0) << req.err;
    EXPECT_EQ(req.out, "ping\n\n\n");
    EXPECT_TRUE(contains(req.err, "Sending request on \"svc.echo\"")) << req.err;
    EXPECT_TRUE(std::regex_search(req.err, std::regex(R"(Received with rtt \d[\d.]*(ns|µs|ms|s)\n)"))) << req.err;
    EXPECT_TRUE(contains(req.err, " K: V\n")) << req.err;
    EXPECT_TRUE(contains(req.err, " NATS-Reply-Counter: 0\n")) << req.err;
    ASSERT_EQ(replier->wait_exit(10s), 0) << replier->err();
    EXPECT_EQ(replier->out(), "\nping\n");
    EXPECT_TRUE(contains(replier->err(), "[#0] Received on subject \"svc.echo\":")) << replier->err();
    EXPECT_TRUE(contains(replier->err(), "Exiting")) << replier->err();
}

TEST_F(NatsCli, FixedBodyReplierUsesTemplates) {
    auto server = start_server();
    auto replier = cli.start(at(*server, {"reply", "svc.>", "pong {{Count}} for {{Request}}", "--count", "2"}));
    ASSERT_TRUE(replier->wait_for_err("Listening on")) << replier->err();
    const auto one = cli.run(at(*server, {"req", "svc.a", "alpha", "--raw"}));
    const auto two = cli.run(at(*server, {"req", "svc.b", "beta", "-r"}));
    ASSERT_EQ(one.code, 0) << one.err;
    ASSERT_EQ(two.code, 0) << two.err;
    EXPECT_EQ(one.out, "pong 0 for alpha\n\n\n");
    EXPECT_EQ(two.out, "pong 1 for beta\n\n\n");
    EXPECT_EQ(replier->wait_exit(10s), 0);
}

TEST_F(NatsCli, RequestCollectsSeveralReplies) {
    auto server = start_server();
    auto r1 = cli.start(at(*server, {"reply", "multi", "first", "--queue", "a", "--count", "1"}));
    auto r2 = cli.start(at(*server, {"reply", "multi", "second", "--queue", "b", "--count", "1"}));
    ASSERT_TRUE(r1->wait_for_err("Listening on"));
    ASSERT_TRUE(r2->wait_for_err("Listening on"));
    const auto req = cli.run(at(*server, {"request", "multi", "x", "--replies", "2", "--raw"}));
    ASSERT_EQ(req.code, 0) << req.err;
    EXPECT_TRUE(contains(req.out, "first\n\n\n") && contains(req.out, "second\n\n\n")) << req.out;
}

// ---- errors ------------------------------------------------------------------

TEST_F(NatsCli, NoRespondersIsAnErrorWithExitCode) {
    auto server = start_server();
    const auto r = cli.run(at(*server, {"request", "nobody.home", "hello"}));
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "nats: error: nats: no responders available for request\n")) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(NatsCli, RequestTimesOutWhenNobodyAnswers) {
    auto server = start_server();
    auto silent = cli.start(at(*server, {"sub", "slow"}));
    ASSERT_TRUE(silent->wait_for_err("Subscribing on slow"));
    const auto started = std::chrono::steady_clock::now();
    const auto r = cli.run(at(*server, {"--timeout", "300ms", "request", "slow", "hello"}));
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "nats: error: nats: timeout\n")) << r.err;
    EXPECT_LT(took, 5s);
}

TEST_F(NatsCli, NoServerIsAnErrorWithExitCode) {
    const std::string url = "nats://127.0.0.1:" + std::to_string(free_port());
    for (const std::vector<std::string>& args : {std::vector<std::string>{"pub", "x", "y"},
                                                std::vector<std::string>{"sub", "x"},
                                                std::vector<std::string>{"request", "x", "y"}}) {
        auto full = args;
        full.insert(full.begin(), {"-s", url});
        const auto r = cli.run(full);
        EXPECT_EQ(r.code, 1) << args[0];
        EXPECT_EQ(r.err, "nats: error: nats: no servers available for connection\n") << args[0];
    }
}

TEST_F(NatsCli, InvalidHeaderIsRejected) {
    auto server = start_server();
    const auto r = cli.run(at(*server, {"pub", "x", "y", "-H", "nocolon"}));
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: invalid header \"nocolon\"\n");
}

TEST_F(NatsCli, UsageErrorsExitWithOne) {
    const auto verb = cli.run({"frobnicate"});
    EXPECT_EQ(verb.code, 1);
    EXPECT_EQ(verb.err.rfind("error: expected command but got \"frobnicate\", use --help", 0), 0u) << verb.err;
    EXPECT_TRUE(contains(verb.err, "Commands:\n")) << verb.err;

    const auto flag = cli.run({"pub", "x", "--bogus"});
    EXPECT_EQ(flag.code, 1);
    EXPECT_EQ(flag.err.rfind("error: unknown long flag '--bogus'\n\nusage: nats publish", 0), 0u) << flag.err;

    const auto short_flag = cli.run({"sub", "x", "-Z"});
    EXPECT_EQ(short_flag.code, 1);
    EXPECT_EQ(short_flag.err.rfind("error: unknown short flag '-Z'", 0), 0u) << short_flag.err;

    const auto missing = cli.run({"request"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.err.rfind("error: required argument 'subject' not provided", 0), 0u) << missing.err;

    const auto value = cli.run({"pub", "x", "--count", "lots"});
    EXPECT_EQ(value.code, 1);
    EXPECT_EQ(value.err.rfind("error: invalid integer \"lots\" for flag '--count'", 0), 0u) << value.err;

    const auto group = cli.run({"server"});
    EXPECT_EQ(group.code, 1);
    EXPECT_EQ(group.err.rfind("error: a subcommand from the list below is required", 0), 0u) << group.err;

    const auto timeout = cli.run({"pub", "x"}, {"NATS_TIMEOUT=soon"});
    EXPECT_EQ(timeout.code, 1);
    EXPECT_TRUE(contains(timeout.err, "invalid duration \"soon\" (from $NATS_TIMEOUT)")) << timeout.err;

    const auto help = cli.run({"sub", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_EQ(help.out.rfind("usage: nats subscribe [<flags>] [<subjects>...]", 0), 0u) << help.out;
}

// ---- credentials ----------------------------------------------------------------

TEST_F(NatsCli, UserAndPasswordFromFlagsAndEnvironment) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server({}, {"--user", "alice", "--pass", "s3cret"});
    const auto ok = cli.run(at(*server, {"--user", "alice", "--password", "s3cret", "pub", "x", "y"}));
    EXPECT_EQ(ok.code, 0) << ok.err;
    const auto env = cli.run({"pub", "x", "y"}, {"NATS_URL=" + server->url(), "NATS_USER=alice", "NATS_PASSWORD=s3cret"});
    EXPECT_EQ(env.code, 0) << env.err;

    const auto wrong = cli.run(at(*server, {"--user", "alice", "--password", "nope", "pub", "x", "y"}));
    EXPECT_EQ(wrong.code, 1);
    EXPECT_EQ(wrong.err, "nats: error: nats: authorization violation\n");
    const auto none = cli.run(at(*server, {"pub", "x", "y"}));
    EXPECT_EQ(none.code, 1);
    EXPECT_EQ(none.err, "nats: error: nats: authorization violation\n");
    // A flag beats the environment.
    const auto flag_wins = cli.run({"--password", "nope", "pub", "x", "y"},
                                   {"NATS_URL=" + server->url(), "NATS_USER=alice", "NATS_PASSWORD=s3cret"});
    EXPECT_EQ(flag_wins.code, 1);
}

TEST_F(NatsCli, TokenFromFlagOrUserWithoutPassword) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server({}, {"--auth", "t0ken"});
    EXPECT_EQ(cli.run(at(*server, {"--token", "t0ken", "pub", "x", "y"})).code, 0);
    // natscli's --user without --password is a token.
    EXPECT_EQ(cli.run(at(*server, {"--user", "t0ken", "pub", "x", "y"})).code, 0);
    EXPECT_EQ(cli.run({"pub", "x", "y"}, {"NATS_URL=" + server->url(), "NATS_TOKEN=t0ken"}).code, 0);
    const auto wrong = cli.run(at(*server, {"--token", "other", "pub", "x", "y"}));
    EXPECT_EQ(wrong.code, 1);
    EXPECT_EQ(wrong.err, "nats: error: nats: authorization violation\n");
}

TEST_F(NatsCli, ContextSuppliesServerAndCredentials) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server({}, {"--user", "alice", "--pass", "s3cret"});
    const auto add = cli.run({"context", "add", "dev", "-s", server->url(), "--user", "alice", "--password", "s3cret",
                              "--description", "Dev box", "--select"});
    ASSERT_EQ(add.code, 0) << add.err;
    EXPECT_TRUE(contains(add.out, "NATS Configuration Context \"dev\"")) << add.out;
    EXPECT_TRUE(contains(add.out, "Password: ******\n")) << add.out;
    EXPECT_TRUE(std::filesystem::exists(cli.home() / "config" / "nats" / "context" / "dev.json"));

    const auto ls = cli.run({"context", "ls"});
    EXPECT_EQ(ls.code, 0);
    EXPECT_TRUE(contains(ls.out, "│ dev* │ Dev box     │")) << ls.out;

    EXPECT_EQ(cli.run({"pub", "x", "through the context"}).code, 0);
    // Flags override the context; --no-context ignores it.
    EXPECT_EQ(cli.run({"--password", "wrong", "pub", "x", "y"}).code, 1);
    EXPECT_EQ(cli.run({"--no-context", "-s", server->url(), "pub", "x", "y"}).code, 1);

    const auto unknown = cli.run({"--context", "missing", "pub", "x", "y"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err, "nats: error: unknown context \"missing\"\n");
    EXPECT_EQ(cli.run({"context", "rm", "dev", "--force"}).code, 0);
    EXPECT_EQ(cli.run({"context", "ls"}).out, "No known contexts\n");
}

TEST_F(NatsCli, MissingCredentialFilesAreReported) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server();
    const auto creds = cli.run(at(*server, {"--creds", "/nonexistent/user.creds", "pub", "x", "y"}));
    EXPECT_EQ(creds.code, 1);
    EXPECT_EQ(creds.err, "nats: error: open /nonexistent/user.creds: no such file or directory\n");
    const TempDir dir;
    write_file(dir.file("bad.nk"), "not a seed\n");
    const auto nkey = cli.run(at(*server, {"--nkey", dir.file("bad.nk").string(), "pub", "x", "y"}));
    EXPECT_EQ(nkey.code, 1);
    EXPECT_TRUE(contains(nkey.err, "no valid user seed found")) << nkey.err;
}

// --nkey: libnats signs the server's nonce with the seed from the file.
TEST_F(NatsCli, NKeySeedFileSignsTheNonce) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    // A published NKeys test vector.
    auto server = start_server("authorization { users: [ { nkey: UAT6BWCSCWLUKJT6K6MBJJOEOTXZ5AJDOYKNEVRFC7VNO6OA43N4TRNO } ] }\n");
    const TempDir dir;
    write_file(dir.file("user.nk"), "SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY\n");
    const auto ok = cli.run(at(*server, {"--nkey", dir.file("user.nk").string(), "pub", "x", "y"}));
    EXPECT_EQ(ok.code, 0) << ok.err;
    const auto env = cli.run({"pub", "x", "y"}, {"NATS_URL=" + server->url(), "NATS_NKEY=" + dir.file("user.nk").string()});
    EXPECT_EQ(env.code, 0) << env.err;
    const auto none = cli.run(at(*server, {"pub", "x", "y"}));
    EXPECT_EQ(none.code, 1);
    EXPECT_EQ(none.err, "nats: error: nats: authorization violation\n");
}

// ---- server commands -------------------------------------------------------------

TEST_F(NatsCli, ServerPingInfoAndConnectionCheck) {
    auto server = start_server();
    const auto ping = cli.run(at(*server, {"--timeout", "1s", "server", "ping"}));
    ASSERT_EQ(ping.code, 0) << ping.err;
    EXPECT_TRUE(std::regex_search(ping.out, std::regex(R"(^\S+ +rtt=\d[\d.]*(ns|µs|ms|s)\n)"))) << ping.out;
    EXPECT_TRUE(contains(ping.out, "\n---- ping statistics ----\n1 replies max: ")) << ping.out;

    const auto info = cli.run(at(*server, {"--timeout", "1s", "server", "info"}));
    ASSERT_EQ(info.code, 0) << info.err;
    EXPECT_EQ(info.out.rfind("Server information for ", 0), 0u) << info.out;
    EXPECT_TRUE(contains(info.out, "Process Details:\n")) << info.out;
    EXPECT_TRUE(contains(info.out, "Host: 127.0.0.1:" + std::to_string(server->port()))) << info.out;
    EXPECT_TRUE(contains(info.out, "Maximum Payload: 1.0 MiB")) << info.out;

    const auto check = cli.run(at(*server, {"server", "check", "connection"}));
    EXPECT_EQ(check.code, 0) << check.out;
    EXPECT_TRUE(std::regex_match(check.out,
                                 std::regex("OK Connection OK:connected to " + server->url() +
                                            R"( in \S+ OK:rtt time \S+ OK:round trip took \d+\.\d+s \| )"
                                            R"(connect_time=\d+\.\d{4}s;0\.5000;1\.0000 rtt=\d+\.\d{4}s;0\.5000;1\.0000 )"
                                            R"(request_time=\d+\.\d{4}s;0\.5000;1\.0000\n)")))
        << check.out;

    const auto json_check = cli.run(at(*server, {"server", "check", "--format", "json", "connection"}));
    EXPECT_EQ(json_check.code, 0);
    const auto parsed = json::parse(json_check.out);
    EXPECT_EQ(parsed["status"], "OK");
    EXPECT_EQ(parsed["perf_data"].size(), 3u);
}

TEST_F(NatsCli, ConnectionCheckIsCriticalWithoutServer) {
    const std::string url = "nats://127.0.0.1:" + std::to_string(free_port());
    const auto r = cli.run({"-s", url, "server", "check", "connection"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL Connection Crit:connection failed: nats: no servers available for connection\n");
}

// ---- bench --------------------------------------------------------------------------

// Client rows of bench --csv: id -> message count on that connection.
std::map<std::string, std::uint64_t> csv_counts(const std::string& csv) {
    std::map<std::string, std::uint64_t> out;
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::vector<std::string> cells;
        std::istringstream row(line);
        for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
        if (cells.size() == 7) out[cells[1]] = std::stoull(cells[2]);
    }
    return out;
}

TEST_F(NatsCli, BenchPubSubDeliversEveryMessageToEachSubscriber) {
    auto server = start_server();
    const TempDir dir;
    const auto csv = dir.file("bench.csv").string();
    const auto r = cli.run(at(*server, {"bench", "load", "--pub", "2", "--sub", "2", "--msgs", "500", "--size", "32",
                                        "--csv", csv}));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting Core NATS pub/sub benchmark [subject=load, multisubject=false, "
                                "multisubjectmax=100000, msgs=500, msgsize=32 B, pubs=2, subs=2"))
        << r.err;
    EXPECT_EQ(count_of(r.err, "Starting subscriber, expecting 500 messages"), 2u) << r.err;
    EXPECT_EQ(count_of(r.err, "Starting publisher, publishing 250 messages"), 2u) << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nNATS Pub/Sub stats: [\d,]+ msgs/sec ~ [\d.]+ \w*B/sec\n)"))) << r.out;
    EXPECT_TRUE(contains(r.out, " Pub stats: ") && contains(r.out, " Sub stats: ")) << r.out;
    EXPECT_TRUE(contains(r.out, "(250 msgs)") && contains(r.out, "(500 msgs)")) << r.out;
    const auto counts = csv_counts(read_file(csv));
    EXPECT_EQ(counts, (std::map<std::string, std::uint64_t>{{"P0", 250}, {"P1", 250}, {"S0", 500}, {"S1", 500}}));
}

TEST_F(NatsCli, BenchRequestReplyMeasuresLatency) {
    auto server = start_server();
    auto replier = cli.start(at(*server, {"bench", "rr", "--sub", "1", "--reply"}));
    ASSERT_TRUE(replier->wait_for_err("Starting replier, hit control-c to stop")) << replier->err();
    const TempDir dir;
    const auto csv = dir.file("rr.csv").string();
    const auto r = cli.run(at(*server, {"bench", "rr", "--pub", "1", "--request", "--msgs", "200", "--csv", csv}));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Benchmark in request-reply mode")) << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nPub stats: [\d,]+ msgs/sec ~ .* ~ min: [\d,.]+us ~ avg: .* ~ P99\.9: [\d,.]+us\n)")))
        << r.out;
    // 200 requests out and 200 replies in.
    EXPECT_EQ(csv_counts(read_file(csv)), (std::map<std::string, std::uint64_t>{{"P0", 400}}));
    replier->signal(SIGINT);
    ASSERT_EQ(replier->wait_exit(10s), 0) << replier->err();
    EXPECT_TRUE(contains(replier->err(), "Replied to 200 requests")) << replier->err();
}

TEST_F(NatsCli, BenchRefusesContradictoryModes) {
    const auto none = cli.run({"bench", "x"});
    EXPECT_EQ(none.code, 1);
    EXPECT_TRUE(contains(none.err, "You must have at least one publisher or at least one subscriber")) << none.err;
    const auto both = cli.run({"bench", "x", "--pub", "1", "--request", "--reply"});
    EXPECT_EQ(both.code, 1);
    EXPECT_TRUE(contains(both.err, "can not be both a requester and a replier")) << both.err;
    const auto size = cli.run({"bench", "x", "--pub", "1", "--size", "huge"});
    EXPECT_EQ(size.code, 1);
    EXPECT_TRUE(contains(size.err, "invalid the value specified for the message size: huge")) << size.err;
}

} // namespace
} // namespace nats::integration
