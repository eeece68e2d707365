// `nats server passwd`, `server check jetstream|stream` (nagios, text,
// prometheus), `rtt` and `context copy|edit|validate`
// (tools/nats/commands/server_extra.cpp, context.cpp) against a started server.
#include "tests/integration/nats_cli_js_fixture.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

using NatsCliServerExtra = NatsCliJs;

TEST_F(NatsCliServerExtra, PasswdMakesBcryptHashes) {
    auto r = nats({"server", "passwd", "-p", "abcdefghijklmnopqrstuvwxyz", "--cost", "4"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out, "\\$2a\\$04\\$[./A-Za-z0-9]{53}\n")) << r.out;
    r = nats({"server", "passwd", "-g", "-c", "4"});
    EXPECT_TRUE(matches(r.out, "Generated password: .{22}\n       bcrypt hash: \\$2a\\$04\\$.{53}\n")) << r.out;
    r = cli.run({"server", "passwd", "-c", "4"}, {"PASSWORD=abcdefghijklmnopqrstuvwxyz"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nats({"server", "passwd", "-p", "short"}).err, "nats: error: password should be at least 22 characters long\n");
    EXPECT_EQ(nats({"server", "passwd", "-p", "abcdefghijklmnopqrstuvwxyz", "-c", "40"}).err,
              "nats: error: bcrypt cost should be between 4 and 31\n");
    EXPECT_EQ(nats({"server", "passwd"}).err,
              "nats: error: could not read password: cannot prompt for user input without a terminal\n");
}

TEST_F(NatsCliServerExtra, CheckJetStreamAndStream) {
    add_orders(2);
    auto r = nats({"server", "check", "jetstream"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out, "OK JetStream \\| memory=0B memory_pct=0%;75;90 storage=\\d+B storage_pct=0%;75;90 "
                               "streams=1 streams_pct=0%;-1;-1 consumers=0 consumers_pct=0%;-1;-1\n"))
        << r.out;
    r = nats({"server", "check", "jetstream", "--format", "prometheus"});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(has(r.out, "\nnats_server_check_jetstream_streams\\{item=\"JetStream\"\\} 1\n")) << r.out;
    EXPECT_TRUE(has(r.out, "nats_server_check_jetstream_status_code\\{item=\"JetStream\",status=\"OK\"\\} 0\n"));

    r = nats({"server", "check", "stream", "--stream", "ORDERS", "--msgs-warn", "5"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "WARNING ORDERS Warn:2 messages | messages=2;5\n");
    r = nats({"server", "check", "stream", "--stream", "ORDERS", "--msgs-critical", "3", "--format", "json"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "CRITICAL") << r.out;
    r = nats({"server", "check", "stream", "--stream", "NOPE"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL NOPE Crit:could not load stream NOPE: stream not found (10059)\n");
    r = nats({"server", "check", "consumer", "--stream", "ORDERS", "--consumer", "NOPE"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL NOPE Crit:could not load info: consumer not found (10014)\n");
}

TEST_F(NatsCliServerExtra, RttMeasuresEachAddress) {
    auto r = nats({"rtt", "2"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out, server->url() + ":\n\n   127\\.0\\.0\\.1: [\\d.]+(µs|ms|ns|s)\n\n")) << r.out;
    r = nats({"rtt", "1", "--json"});
    const auto parsed = nlohmann::json::parse(r.out);
    EXPECT_EQ(parsed[0]["results"][0]["address"], "127.0.0.1");
    EXPECT_GT(parsed[0]["results"][0]["rtt"].get<long long>(), 0);
}

TEST_F(NatsCliServerExtra, ContextCopyEditValidate) {
    ASSERT_EQ(nats({"context", "add", "one", "--description", "first"}).code, 0);
    auto r = cli.run({"context", "copy", "one", "two", "--description", "second"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("NATS Configuration Context \"two\"\n\n  Description: second\n  Server URLs: " + server->url()))
        << r.out;
    EXPECT_EQ(cli.run({"context", "copy", "one", "two"}).err, "nats: error: context \"two\" already exist\n");
    EXPECT_EQ(cli.run({"context", "copy", "nope", "three"}).err, "nats: error: unknown context \"nope\"\n");
    r = cli.run({"context", "edit", "two"}, {"EDITOR=true"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("NATS Configuration Context \"two\"")) << r.out;
    EXPECT_EQ(cli.run({"context", "edit", "two"}).err, "nats: error: set EDITOR environment variable to your chosen editor\n");
    r = cli.run({"context", "validate"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(count_of(r.out, "NATS Configuration Context"), 2u);
    write_file(cli.home() / "config" / "nats" / "context" / "bad.json", "{bad");
    r = cli.run({"context", "validate"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.out.starts_with("Could not load bad: ")) << r.out;
    EXPECT_EQ(r.err, "nats: error: validation failed\n");
}

} // namespace
} // namespace nats::integration
