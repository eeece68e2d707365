// Tutorial parity (issue 15 part 5): the commands of the NATS documentation's
// JetStream, Key/Value and Object Store walkthroughs (docs.nats.io,
// nats-concepts/jetstream/js_walkthrough, key-value-store/kv_walkthrough,
// object-store/obj_walkthrough), run in order with this project's CLI against
// the server under test (ours, or nats-server 2.9.10 with NMK_SERVER_BIN).
// Where the walkthrough answers natscli's prompts, the answers are given as
// flags (natscli takes the same flags); counts and sleeps are made small.
#include "tests/integration/nats_cli_js_fixture.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

class NatsCliTutorial : public NatsCliJs {
protected:
    // Runs a step and requires exit 0; returns its stdout.
    std::string step(std::vector<std::string> args, std::string_view stdin_text = {}) {
        std::string shown;
        for (const auto& a : args) shown += a + " ";
        const auto r = nats(std::move(args), stdin_text);
        EXPECT_EQ(r.code, 0) << "nats " << shown << "\n" << r.out << r.err;
        return r.out;
    }
    std::string wait_for_out(child_process& p, std::string_view text) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!contains(p.out(), text) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
        return p.out();
    }
};

TEST_F(NatsCliTutorial, JetStreamWalkthrough) {
    EXPECT_TRUE(has(step({"account", "info"}), "JetStream Account Information:"));
    // "nats stream add my_stream": subjects foo, file storage, the prompts' defaults.
    EXPECT_TRUE(has(step({"stream", "add", "my_stream", "--subjects", "foo", "--storage", "file", "--defaults"}),
                    "Stream my_stream was created"));
    EXPECT_TRUE(has(step({"stream", "info", "my_stream"}), "             Messages: 0\n"));
    step({"pub", "foo", "--count=10", "publication #{{Count}} @ {{TimeStamp}}"});
    EXPECT_TRUE(has(step({"stream", "info", "my_stream"}), "             Messages: 10\n"));
    EXPECT_TRUE(has(step({"stream", "ls"}), "│ my_stream │"));
    // "nats consumer add": a pull consumer named pull_consumer, deliver all, explicit acks.
    EXPECT_TRUE(has(step({"consumer", "add", "my_stream", "pull_consumer", "--pull", "--deliver", "all", "--ack",
                          "explicit", "--defaults"}),
                    "           Pull Mode: true\n"));
    const std::string next = step({"consumer", "next", "my_stream", "pull_consumer", "--count", "10"});
    EXPECT_EQ(count_of(next, "Acknowledged message"), 10u);
    EXPECT_TRUE(has(next, "publication #10 @ "));
    // A push consumer and "nats consumer sub".
    step({"consumer", "add", "my_stream", "push_consumer", "--target", "push.foo", "--deliver", "all", "--ack", "none",
          "--heartbeat=-1", "--defaults"});
    auto sub = start({"consumer", "sub", "my_stream", "push_consumer"});
    EXPECT_TRUE(contains(wait_for_out(*sub, "publication #10"), "publication #10"));
    sub->signal(SIGINT);
    EXPECT_EQ(sub->wait_exit(5s), 0);
    EXPECT_TRUE(has(step({"consumer", "info", "my_stream", "pull_consumer"}), "Unprocessed Messages: 0\n"));
    EXPECT_TRUE(has(step({"consumer", "report", "my_stream"}), "pull_consumer"));
    EXPECT_TRUE(has(step({"stream", "view", "my_stream", "2"}), "publication #2 @ "));
    step({"stream", "purge", "my_stream", "-f"});
    step({"consumer", "rm", "my_stream", "pull_consumer", "-f"});
    step({"stream", "rm", "my_stream", "-f"});
    EXPECT_EQ(step({"stream", "ls"}), "No Streams defined\n");
}

TEST_F(NatsCliTutorial, KeyValueWalkthrough) {
    EXPECT_TRUE(has(step({"kv", "add", "my_kv"}), "Information for Key-Value Store Bucket my_kv"));
    EXPECT_EQ(step({"kv", "put", "my_kv", "Key1", "Value1"}), "Value1\n");
    EXPECT_TRUE(has(step({"kv", "get", "my_kv", "Key1"}), "my_kv > Key1 created @ .*\n\nValue1\n"));
    auto watch = start({"kv", "watch", "my_kv"});
    EXPECT_TRUE(contains(wait_for_out(*watch, "PUT my_kv > Key1: Value1"), "PUT my_kv > Key1: Value1"));
    step({"kv", "put", "my_kv", "Key1", "Value2"});
    step({"kv", "del", "my_kv", "Key1", "-f"});
    EXPECT_TRUE(contains(wait_for_out(*watch, "DELETE my_kv > Key1"), "DELETE my_kv > Key1"));
    watch->signal(SIGINT);
    EXPECT_EQ(watch->wait_exit(5s), 0);
    EXPECT_TRUE(contains(watch->out(), "PUT my_kv > Key1: Value2"));
    EXPECT_EQ(nats({"kv", "get", "my_kv", "Key1"}).code, 1);
    EXPECT_TRUE(has(step({"kv", "history", "my_kv", "Key1"}), "│ Key1 │ 3        │ DELETE │"));
    EXPECT_TRUE(has(step({"kv", "ls"}), "│ my_kv "));
    EXPECT_TRUE(has(step({"kv", "status", "my_kv"}), "Bucket Name: my_kv"));
    step({"kv", "rm", "my_kv", "-f"});
}

TEST_F(NatsCliTutorial, ObjectStoreWalkthrough) {
    const TempDir files;
    std::string movie(300000, '\0');
    for (std::size_t i = 0; i < movie.size(); ++i) movie[i] = static_cast<char>(i * 31 % 251);
    write_file(files.file("NATS-logo.mov"), movie);
    const std::string path = files.file("NATS-logo.mov").string();

    EXPECT_TRUE(has(step({"object", "add", "myobjbucket"}), "Information for Object Store Bucket myobjbucket"));
    auto watch = start({"object", "watch", "myobjbucket"});
    EXPECT_TRUE(has(step({"object", "put", "myobjbucket", path}), "Object information for myobjbucket > "));
    EXPECT_TRUE(has(step({"object", "ls", "myobjbucket"}), "NATS-logo.mov"));
    const std::string& name = path;  // the object is named after the path given, as in natscli
    EXPECT_TRUE(has(step({"object", "info", "myobjbucket", name}), "Size: 293 KiB"));
    const auto out_file = files.file("copy.mov");
    step({"object", "get", "myobjbucket", name, "-O", out_file.string()});
    EXPECT_EQ(read_file(out_file), movie);
    EXPECT_TRUE(contains(wait_for_out(*watch, "NATS-logo.mov: 293 KiB bytes in 3 chunks"), "PUT myobjbucket > "));
    step({"object", "rm", "myobjbucket", name, "-f"});
    EXPECT_TRUE(contains(wait_for_out(*watch, "DEL myobjbucket > "), "DEL myobjbucket > "));
    watch->signal(SIGINT);
    EXPECT_EQ(watch->wait_exit(5s), 0);
    EXPECT_TRUE(has(step({"object", "info", "myobjbucket"}), "Sealed: false"));
    EXPECT_TRUE(has(step({"object", "seal", "myobjbucket", "-f"}), "myobjbucket has been sealed\n"));
    EXPECT_TRUE(has(step({"object", "ls"}), "myobjbucket"));
    step({"object", "rm", "myobjbucket", "-f"});
}

} // namespace
} // namespace nats::integration
