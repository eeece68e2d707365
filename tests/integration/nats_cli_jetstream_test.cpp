// The nats CLI's JetStream verbs (tools/nats/commands/stream.cpp, kv.cpp,
// account.cpp, unsupported.cpp) run as a child process against a server with
// JetStream on a private store. Expected texts are natscli 0.0.35's
// (cli/stream_command.go, kv_command.go, account_command.go); times, which
// differ per run, are matched by pattern.
#include <nlohmann/json.hpp>

#include <regex>

#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/nats_cli_helpers.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

class NatsCliJetStream : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(cli_binary())) << cli_binary() << " is missing: build the `nats` target";
        server = start_jetstream(store);
    }
    // Runs `nats -s <server> args...`; TZ=UTC so local times are predictable.
    cli_result nats(std::vector<std::string> args, std::string_view stdin_text = {}) {
        args.insert(args.begin(), {"-s", server->url()});
        return cli.run(std::move(args), {"TZ=UTC"}, stdin_text);
    }
    void add_orders() {
        const auto r = nats({"stream", "add", "ORDERS", "--subjects", "ORDERS.*", "--storage", "file", "--retention",
                             "limits", "--max-msgs", "1000", "--max-age", "1h", "--defaults"});
        ASSERT_EQ(r.code, 0) << r.err;
    }
    void publish(const std::string& subject, const std::string& body, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"pub", subject, body, "-q"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = nats(args);
        ASSERT_EQ(r.code, 0) << r.err;
    }
    static bool matches(const std::string& text, const std::string& pattern) {
        return std::regex_match(text, std::regex(pattern));
    }

    TempDir store;
    std::unique_ptr<ServerProcess> server;
    Cli cli;
};

const std::string date_time = R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)";
const std::string iso_time = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)";

TEST_F(NatsCliJetStream, EmptyServerListsNoStreams) {
    EXPECT_EQ(nats({"stream", "ls"}).out, "No Streams defined\n");
    EXPECT_EQ(nats({"stream", "ls", "--json"}).out, "null\n");
    EXPECT_EQ(nats({"stream", "ls", "--names"}).out, "\n");
    const auto info = nats({"stream", "info", "NOPE"});
    EXPECT_EQ(info.code, 1);
    EXPECT_EQ(info.err, "nats: error: could not pick a Stream to operate on: no Streams are defined\n");
}

TEST_F(NatsCliJetStream, StreamAddPrintsTheCreatedStream) {
    const auto r = nats({"stream", "add", "ORDERS", "--subjects", "ORDERS.*", "--storage", "file", "--retention",
                         "limits", "--max-msgs", "1000", "--max-age", "1h", "--defaults"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out,
                        "Stream ORDERS was created\n\n"
                        "Information for Stream ORDERS created " + date_time + "\n"
                        "\n"
                        "             Subjects: ORDERS\\.\\*\n"
                        "             Replicas: 1\n"
                        "              Storage: File\n"
                        "\n"
                        "Options:\n"
                        "\n"
                        "            Retention: Limits\n"
                        "     Acknowledgements: true\n"
                        "       Discard Policy: Old\n"
                        "     Duplicate Window: 2m0s\n"
                        "    Allows Msg Delete: true\n"
                        "         Allows Purge: true\n"
                        "       Allows Rollups: false\n"
                        "\n"
                        "Limits:\n"
                        "\n"
                        "     Maximum Messages: 1,000\n"
                        "  Maximum Per Subject: unlimited\n"
                        "        Maximum Bytes: unlimited\n"
                        "          Maximum Age: 1h0m0s\n"
                        " Maximum Message Size: unlimited\n"
                        "    Maximum Consumers: unlimited\n"
                        "\n"
                        "\n"
                        "State:\n"
                        "\n"
                        "             Messages: 0\n"
                        "                Bytes: 0 B\n"
                        "             FirstSeq: 0\n"
                        "              LastSeq: 0\n"
                        "     Active Consumers: 0\n"))
        << r.out;
    EXPECT_EQ(r.err, "");
}

TEST_F(NatsCliJetStream, StreamInfoLsAndRm) {
    add_orders();
    publish("ORDERS.new", "one");
    publish("ORDERS.paid", "two");
    const auto info = nats({"stream", "info", "ORDERS"});
    ASSERT_EQ(info.code, 0) << info.err;
    EXPECT_TRUE(contains(info.out, "\nState:\n\n             Messages: 2\n")) << info.out;
    EXPECT_TRUE(std::regex_search(info.out, std::regex("             FirstSeq: 1 @ " + iso_time + " UTC\n"
                                                       "              LastSeq: 2 @ " + iso_time + " UTC\n"
                                                       "     Active Consumers: 0\n"
                                                       "   Number of Subjects: 2\n\n$")))
        << info.out;

    const auto state = nats({"stream", "state", "ORDERS"});
    EXPECT_TRUE(matches(state.out.substr(0, state.out.find('\n')), "State for Stream ORDERS created " + date_time))
        << state.out;

    const auto as_json = nats({"stream", "info", "ORDERS", "--json"});
    ASSERT_EQ(as_json.code, 0) << as_json.err;
    const auto parsed = nlohmann::json::parse(as_json.out);
    EXPECT_EQ(parsed["config"]["name"], "ORDERS");
    EXPECT_EQ(parsed["state"]["messages"], 2);
    EXPECT_FALSE(parsed.contains("type"));
    EXPECT_TRUE(as_json.out.starts_with("{\n  \"config\": {\n    \"name\": \"ORDERS\",\n")) << as_json.out;

    const auto ls = nats({"stream", "ls"});
    ASSERT_EQ(ls.code, 0) << ls.err;
    EXPECT_TRUE(std::regex_search(ls.out, std::regex("│ Name   │ Description │ Created             │ Messages │ Size +│ Last Message │\n")))
        << ls.out;
    EXPECT_TRUE(std::regex_search(ls.out, std::regex("│ ORDERS │             │ " + date_time +
                                                     " │ 2        │ \\d+ B +│ \\d+\\.\\d\\ds +│\n")))
        << ls.out;
    EXPECT_TRUE(ls.out.ends_with("╯\n\n")) << ls.out;
    EXPECT_EQ(nats({"stream", "ls", "-n"}).out, "ORDERS\n");
    EXPECT_EQ(nats({"stream", "ls", "--json"}).out, "[\n  \"ORDERS\"\n]\n");
    EXPECT_TRUE(contains(nats({"stream", "ls", "--subject", "ORDERS.new"}).out, "Streams matching ORDERS.new"));
    EXPECT_EQ(nats({"stream", "ls", "--subject", "OTHER.x"}).out, "No Streams defined\n");

    const auto rm_unconfirmed = nats({"stream", "rm", "ORDERS"});
    EXPECT_EQ(rm_unconfirmed.code, 1);
    EXPECT_EQ(rm_unconfirmed.err, "nats: error: could not obtain confirmation: cannot ask for confirmation without a terminal\n");
    const auto rm = nats({"stream", "rm", "ORDERS", "-f"});
    EXPECT_EQ(rm.code, 0) << rm.err;
    EXPECT_EQ(rm.out, "");
    EXPECT_EQ(nats({"stream", "ls"}).out, "No Streams defined\n");
    const auto again = nats({"stream", "rm", "ORDERS", "-f"});
    EXPECT_EQ(again.code, 1);
    EXPECT_EQ(again.err, "nats: error: stream not found (10059)\n");
}

TEST_F(NatsCliJetStream, StreamGetRmmAndPurge) {
    add_orders();
    publish("ORDERS.new", "hello", {"-H", "X-Trace:abc"});
    publish("ORDERS.paid", "paid 1");
    publish("ORDERS.paid", "paid 2");

    const auto get = nats({"stream", "get", "ORDERS", "1"});
    ASSERT_EQ(get.code, 0) << get.err;
    EXPECT_TRUE(matches(get.out, "Item: ORDERS#1 received " + date_time +
                                     R"((\.\d+)? \+0000 UTC on Subject ORDERS\.new\n\nHeaders:\n  X-Trace: abc\n\nhello\n\n)"))
        << get.out;
    const auto last = nats({"stream", "get", "ORDERS", "--last-for", "ORDERS.paid", "--json"});
    ASSERT_EQ(last.code, 0) << last.err;
    const auto msg = nlohmann::json::parse(last.out);
    EXPECT_EQ(msg["seq"], 3);
    EXPECT_EQ(msg["subject"], "ORDERS.paid");
    EXPECT_EQ(msg["data"], "cGFpZCAy");

    const auto rmm = nats({"stream", "rmm", "ORDERS", "1", "-f"});
    EXPECT_EQ(rmm.code, 0) << rmm.err;
    EXPECT_EQ(rmm.out, "");
    const auto gone = nats({"stream", "get", "ORDERS", "1"});
    EXPECT_EQ(gone.code, 1);
    EXPECT_EQ(gone.err, "nats: error: could not retrieve ORDERS#1: no message found (10037)\n");

    const auto unconfirmed = nats({"stream", "purge", "ORDERS"});
    EXPECT_EQ(unconfirmed.code, 1);
    const auto by_subject = nats({"stream", "purge", "ORDERS", "-f", "--subject", "ORDERS.paid", "--keep", "1"});
    ASSERT_EQ(by_subject.code, 0) << by_subject.err;
    EXPECT_TRUE(by_subject.out.starts_with("Information for Stream ORDERS created ")) << by_subject.out;
    EXPECT_TRUE(contains(by_subject.out, "             Messages: 1\n")) << by_subject.out;
    const auto all = nats({"stream", "purge", "ORDERS", "-f"});
    ASSERT_EQ(all.code, 0) << all.err;
    EXPECT_TRUE(contains(all.out, "             Messages: 0\n")) << all.out;
    const auto sealed = nats({"stream", "seal", "ORDERS", "-f"});
    ASSERT_EQ(sealed.code, 0) << sealed.err;
    EXPECT_TRUE(contains(sealed.out, "             Replicas: 1\n               Sealed: true\n")) << sealed.out;
    const auto refused = nats({"stream", "purge", "ORDERS", "-f"});  // a sealed stream refuses purges
    EXPECT_EQ(refused.code, 1);
    EXPECT_TRUE(refused.err.starts_with("nats: error: could not purge Stream: ")) << refused.err;

    const auto unknown = nats({"stream", "purge", "NOPE", "-f"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err, "nats: error: could not pick a Stream to operate on: unknown stream \"NOPE\"\n");
}

TEST_F(NatsCliJetStream, StreamAddFromConfigFileAndInfoJson) {
    const auto file = store.file("stream.json");
    write_file(file, R"({"name":"FROMFILE","subjects":["ff.>"],"retention":"limits","max_consumers":-1,
        "max_msgs":-1,"max_bytes":-1,"max_age":0,"max_msg_size":-1,"storage":"memory","discard":"old",
        "num_replicas":1,"duplicate_window":60000000000})");
    const auto r = nats({"stream", "add", "--config", file.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("Stream FROMFILE was created\n\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "              Storage: Memory\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "     Duplicate Window: 1m0s\n")) << r.out;

    // natscli accepts `stream info --json` output as a configuration.
    const auto info_file = store.file("info.json");
    write_file(info_file, nats({"stream", "info", "FROMFILE", "--json"}).out);
    const auto copy = nats({"stream", "add", "COPY", "--config", info_file.string(), "--subjects", "copy.>"});
    ASSERT_EQ(copy.code, 0) << copy.err;
    EXPECT_TRUE(contains(copy.out, "             Subjects: copy.>\n")) << copy.out;
    EXPECT_TRUE(contains(copy.out, "              Storage: Memory\n")) << copy.out;
}

TEST_F(NatsCliJetStream, StreamAddRejectsWhatItCannotAskFor) {
    const auto no_subjects = nats({"stream", "add", "S", "--storage", "file"});
    EXPECT_EQ(no_subjects.code, 1);
    EXPECT_EQ(no_subjects.err, "nats: error: --subjects is required (natscli would prompt for it), or pass --defaults\n");
    const auto bad_storage = nats({"stream", "add", "S", "--storage", "disk"});
    EXPECT_EQ(bad_storage.code, 1);
    EXPECT_TRUE(bad_storage.err.starts_with("error: enum value must be one of file,f,memory,m, got 'disk'")) << bad_storage.err;
    const auto overlap = nats({"stream", "add", "A", "--subjects", "x.>", "--defaults"});
    ASSERT_EQ(overlap.code, 0) << overlap.err;
    const auto clash = nats({"stream", "add", "B", "--subjects", "x.y", "--defaults"});
    EXPECT_EQ(clash.code, 1);
    EXPECT_EQ(clash.err, "nats: error: could not create Stream: subjects overlap with an existing stream (10065)\n");
}

TEST_F(NatsCliJetStream, KeyValueBucketLifecycle) {
    const auto add = nats({"kv", "add", "CONFIG", "--history", "5", "--ttl", "1h"});
    ASSERT_EQ(add.code, 0) << add.err;
    EXPECT_TRUE(matches(add.out.substr(0, add.out.find("JetStream Stream")),
                        "Information for Key-Value Store Bucket CONFIG created " + iso_time + "Z\n"
                        "\n"
                        "Configuration:\n"
                        "\n"
                        "          Bucket Name: CONFIG\n"
                        "         History Kept: 5\n"
                        "        Values Stored: 0\n"
                        "   Backing Store Kind: JetStream\n"
                        "          Bucket Size: 0 B\n"
                        "  Maximum Bucket Size: unlimited\n"
                        "   Maximum Value Size: unlimited\n     "))
        << add.out;
    EXPECT_TRUE(contains(add.out, "     JetStream Stream: KV_CONFIG\n              Storage: File\n")) << add.out;
    EXPECT_FALSE(contains(add.out, "Warning")) << add.out;

    const auto put = nats({"kv", "put", "CONFIG", "colour", "blue"});
    ASSERT_EQ(put.code, 0) << put.err;
    EXPECT_EQ(put.out, "blue\n");
    ASSERT_EQ(nats({"kv", "put", "CONFIG", "colour"}, "red").code, 0);
    ASSERT_EQ(nats({"kv", "put", "CONFIG", "size", "xl"}).code, 0);

    const auto get = nats({"kv", "get", "CONFIG", "colour"});
    ASSERT_EQ(get.code, 0) << get.err;
    EXPECT_TRUE(matches(get.out, R"(CONFIG > colour created @ \d\d [A-Z][a-z]{2} \d\d \d\d:\d\d UTC\n\nred\n\n)")) << get.out;
    EXPECT_EQ(nats({"kv", "get", "CONFIG", "colour", "--raw"}).out, "red");
    EXPECT_EQ(nats({"kv", "get", "CONFIG", "colour", "--revision", "1", "--raw"}).out, "blue");

    const auto history = nats({"kv", "history", "CONFIG", "colour"});
    ASSERT_EQ(history.code, 0) << history.err;
    EXPECT_TRUE(contains(history.out, "History for CONFIG > colour")) << history.out;
    EXPECT_TRUE(contains(history.out, "│ Key    │ Revision │ Op  │ Created             │ Length │ Value │\n")) << history.out;
    EXPECT_TRUE(std::regex_search(history.out, std::regex(R"(│ colour │ 1        │ PUT │ [^│]+ UTC │ 4      │ blue  │\n)")))
        << history.out;
    EXPECT_TRUE(std::regex_search(history.out, std::regex(R"(│ colour │ 2        │ PUT │ [^│]+ UTC │ 3      │ red   │\n)")))
        << history.out;

    EXPECT_EQ(nats({"kv", "keys", "CONFIG"}).out.size(), std::string("colour\nsize\n").size());
    EXPECT_TRUE(contains(nats({"kv", "ls", "CONFIG"}).out, "colour\n"));
    EXPECT_EQ(nats({"kv", "ls", "--names"}).out, "CONFIG\n");
    const auto buckets = nats({"kv", "ls"});
    EXPECT_TRUE(contains(buckets.out, "Key-Value Buckets")) << buckets.out;
    EXPECT_TRUE(std::regex_search(buckets.out, std::regex("│ CONFIG │ +│ " + date_time + R"( │ \d+ B +│ 3 +│)")))
        << buckets.out;
    // Buckets are system streams to `stream ls`.
    EXPECT_EQ(nats({"stream", "ls"}).out, "No Streams defined, pass -a to include system streams\n");
    EXPECT_EQ(nats({"stream", "ls", "-a", "-n"}).out, "KV_CONFIG\n");

    EXPECT_EQ(nats({"kv", "del", "CONFIG", "colour"}).code, 1);  // no -f, no terminal to ask on
    const auto del = nats({"kv", "del", "CONFIG", "colour", "-f"});
    EXPECT_EQ(del.code, 0) << del.err;
    const auto deleted = nats({"kv", "get", "CONFIG", "colour"});
    EXPECT_EQ(deleted.code, 1);
    EXPECT_EQ(deleted.err, "nats: error: nats: key not found\n");
    EXPECT_EQ(nats({"kv", "keys", "CONFIG"}).out, "size\n");

    const auto status = nats({"kv", "status", "CONFIG"});
    EXPECT_TRUE(contains(status.out, "        Values Stored: 4\n")) << status.out;

    const auto rm = nats({"kv", "rm", "CONFIG", "-f"});
    EXPECT_EQ(rm.code, 0) << rm.err;
    EXPECT_EQ(nats({"kv", "ls"}).out, "No Key-Value buckets found\n");
    const auto missing = nats({"kv", "get", "CONFIG", "colour"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.err, "nats: error: nats: bucket not found\n");
}

TEST_F(NatsCliJetStream, KeyValueWatchAndRevert) {
    ASSERT_EQ(nats({"kv", "add", "CONFIG", "--history", "5"}).code, 0);
    ASSERT_EQ(nats({"kv", "put", "CONFIG", "colour", "blue"}).code, 0);
    auto watch = cli.start({"-s", server->url(), "kv", "watch", "CONFIG"}, {"TZ=UTC"});
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!contains(watch->out(), "blue") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(nats({"kv", "put", "CONFIG", "colour", "red"}).code, 0);
    ASSERT_EQ(nats({"kv", "del", "CONFIG", "colour", "-f"}).code, 0);
    while (!contains(watch->out(), "DELETE") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    watch->signal(SIGINT);
    ASSERT_EQ(watch->wait_exit(5s), 0) << watch->err();
    EXPECT_TRUE(matches(watch->out(), "\\[" + date_time + "\\] PUT CONFIG > colour: blue\n"
                                      "\\[" + date_time + "\\] PUT CONFIG > colour: red\n"
                                      "\\[" + date_time + "\\] DELETE CONFIG > colour\n"))
        << watch->out();

    const auto unconfirmed = nats({"kv", "revert", "CONFIG", "colour", "1"});
    EXPECT_EQ(unconfirmed.code, 1);
    EXPECT_EQ(unconfirmed.out, "Revision: 1\n\nblue\n\n");
    const auto revert = nats({"kv", "revert", "CONFIG", "colour", "1", "--force"});
    ASSERT_EQ(revert.code, 0) << revert.err;
    EXPECT_TRUE(std::regex_search(revert.out, std::regex(R"(│ colour │ 4        │ PUT +│ [^│]+ UTC │ 4      │ blue  │\n)")))
        << revert.out;
    EXPECT_EQ(nats({"kv", "get", "CONFIG", "colour", "--raw"}).out, "blue");
}

TEST_F(NatsCliJetStream, AccountInfoShowsJetStreamUsage) {
    add_orders();
    publish("ORDERS.new", "one");
    const auto r = nats({"account", "info"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("Connection Information:\n\n               Client ID: ")) << r.out;
    EXPECT_TRUE(contains(r.out, "           Connected URL: " + server->url() + "\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "       Connected Address: 127.0.0.1:" + std::to_string(server->port()) + "\n")) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("JetStream Account Information:\n\nAccount Usage:\n\n"
                                                    R"(    Storage: \d+ B\n     Memory: 0 B\n    Streams: 1\n  Consumers: 0\n\n)"
                                                    "Account Limits:\n\n   Max Message Payload: 1.0 MiB \n\n"
                                                    "   Tier: Default\n\n")))
        << r.out;
    EXPECT_TRUE(contains(r.out, "                   Streams: 1 of Unlimited\n")) << r.out;
}

TEST_F(NatsCliJetStream, AccountInfoWithoutJetStream) {
    auto plain = start_server();
    const auto r = cli.run({"-s", plain->url(), "account", "info"}, {"TZ=UTC"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.ends_with("JetStream Account Information:\n\n   JetStream is not supported in this account\n")) << r.out;
}

TEST_F(NatsCliJetStream, VerbsNotYetAvailableSaySoInOneLine) {
    for (const std::vector<std::string>& words :
         {std::vector<std::string>{"consumer", "cluster", "step-down", "ORDERS", "C"},
          {"stream", "find", "--empty"}, {"stream", "subjects", "ORDERS", "--sort=name"},
          {"kv", "upgrade", "CONFIG"}, {"account", "backup", "/tmp/y"}}) {
        const auto r = nats(words);
        EXPECT_EQ(r.code, 1);
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "nats: '" + words[0] + " " + words[1] + "' is not supported by this build yet\n");
    }
}

} // namespace
} // namespace nats::integration
