// `nats object ...` (tools/nats/commands/object.cpp) against a started server;
// expected texts are natscli 0.0.35's (cli/object_command.go), objects are
// checked with nats.go (tests/go/nats_go_check, check obj_cli_interop).
#include <fstream>
#include <random>

#include "tests/integration/nats_cli_js_fixture.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

class NatsCliObject : public NatsCliJs {
protected:
    // A file of `size` pseudo-random bytes in the scratch folder.
    std::string make_file(const std::string& name, std::size_t size) {
        std::string data(size, '\0');
        std::mt19937 gen(static_cast<unsigned>(size));
        for (auto& c : data) c = static_cast<char>(gen());
        const auto path = files.file(name);
        write_file(path, data);
        return path.string();
    }
    TempDir files;
};

std::string go_check_binary() {
    if (const char* env = std::getenv("NMK_GO_CHECK_BIN"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    return (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "nats_go_check").string();
}

TEST_F(NatsCliObject, AddPutInfoListGetDelete) {
    auto r = nats({"object", "add", "FILES", "--description", "my files"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out,
                        "Information for Object Store Bucket FILES created " + rfc3339_pattern + "\n\n"
                        "Configuration:\n\n"
                        "         Bucket Name: FILES\n"
                        "         Description: my files\n"
                        "            Replicas: 1\n"
                        "                 TTL: unlimited\n"
                        "              Sealed: false\n"
                        "                Size: 0 B\n"
                        " Maximum Bucket Size: unlimited\n"
                        "  Backing Store Kind: JetStream\n"
                        "    JetStream Stream: OBJ_FILES\n"))
        << r.out;

    const std::string big = make_file("big.bin", 300000);
    r = nats({"object", "put", "FILES", big, "--name", "big.bin"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out,
                        "Object information for FILES > big\\.bin\n\n"
                        "               Size: 293 KiB\n"
                        "  Modification Time: \\d\\d \\w{3} \\d\\d \\d\\d:\\d\\d \\+0000\n"
                        "             Chunks: 3\n"
                        "             Digest: SHA-256 [0-9a-f]{60}\n"))
        << r.out;
    r = nats({"object", "put", "FILES", "--name", "note.txt", "-H", "X-Kind:note"}, "hello\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "Digest: SHA-256 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6\n"
                           "            Headers: X-Kind: note\n"))
        << r.out;

    r = nats({"object", "ls", "FILES"});
    EXPECT_TRUE(has(r.out, "│ big\\.bin  │ 293 KiB │ " + rfc3339_pattern + " │\n│ note\\.txt │ 6 B     │")) << r.out;
    r = nats({"object", "ls"});
    EXPECT_TRUE(has(r.out, "Object Store Buckets")) << r.out;
    EXPECT_EQ(nats({"object", "ls", "--names"}).out, "FILES\n");
    r = nats({"object", "info", "FILES", "note.txt"});
    EXPECT_TRUE(has(r.out, "^Object information for FILES > note.txt\n\n               Size: 6 B\n")) << r.out;

    const auto out_dir = files.file("out");
    std::filesystem::create_directories(out_dir);
    r = nats({"object", "get", "FILES", "big.bin", "-O", (out_dir / "copy.bin").string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out, "Wrote: 293 KiB to " + (out_dir / "copy.bin").string() + " in \\d+\\.\\d\\ds\n")) << r.out;
    EXPECT_EQ(read_file(out_dir / "copy.bin"), read_file(big));
    r = nats({"object", "get", "FILES", "big.bin", "-O", (out_dir / "copy.bin").string()});
    EXPECT_EQ(r.err, "nats: error: could not obtain confirmation: cannot ask for confirmation without a terminal\n");

    // Replacing needs -f; the old chunks go.
    r = nats({"object", "put", "FILES", big, "--name", "big.bin"});
    EXPECT_EQ(r.code, 1);
    r = nats({"object", "put", "FILES", big, "--name", "big.bin", "-f"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = nats({"stream", "info", "OBJ_FILES", "--json"});
    EXPECT_EQ(nlohmann::json::parse(r.out)["state"]["messages"], 3 + 1 + 2) << r.out;  // chunks + metas

    r = nats({"object", "rm", "FILES", "note.txt", "-f"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("Removed FILES > note.txt\nInformation for Object Store Bucket FILES")) << r.out;
    r = nats({"object", "info", "FILES", "note.txt"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: nats: object not found\n");

    r = nats({"object", "seal", "FILES"});
    EXPECT_EQ(r.err, "nats: error: could not obtain confirmation: cannot ask for confirmation without a terminal\n");
    r = nats({"object", "seal", "FILES", "-f"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("FILES has been sealed\n")) << r.out;
    EXPECT_TRUE(has(r.out, "              Sealed: true\n"));
    r = nats({"object", "rm", "FILES", "-f"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nats({"object", "ls"}).out, "No Object Store buckets found\n");
}

TEST_F(NatsCliObject, WatchPrintsUpdates) {
    ASSERT_EQ(nats({"object", "add", "W"}).code, 0);
    ASSERT_EQ(nats({"object", "put", "W", "--name", "a"}, "abc").code, 0);
    auto watch = start({"object", "watch", "W"});
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!contains(watch->out(), "PUT W > a:") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(nats({"object", "rm", "W", "a", "-f"}).code, 0);
    while (!contains(watch->out(), "DEL W > a") && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    watch->signal(SIGINT);
    EXPECT_EQ(watch->wait_exit(5s), 0);
    EXPECT_TRUE(matches(watch->out(), "\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] PUT W > a: 3 B bytes in 1 chunks\n"
                                      "\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] DEL W > a\n"))
        << watch->out();
}

TEST_F(NatsCliObject, BadInputFailsWithNatscliTexts) {
    auto r = nats({"object", "info", "NOPE"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: nats: stream not found\n");
    r = nats({"object", "put", "NOPE", "/no/such/file"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: path '/no/such/file' does not exist")) << r.err;
    ASSERT_EQ(nats({"object", "add", "B"}).code, 0);
    r = nats({"object", "put", "B"}, "data");
    EXPECT_EQ(r.err, "nats: error: --name is required when reading from stdin\n");
    r = nats({"object", "get", "B", "missing"});
    EXPECT_EQ(r.err, "nats: error: nats: object not found\n");
    r = nats({"object", "ls", "B"});
    EXPECT_EQ(r.err, "nats: error: nats: no objects found\n");
    r = nats({"object", "add", "a.b"});
    EXPECT_EQ(r.err, "nats: error: nats: invalid object-store name\n");
    r = nats({"object", "add", "C", "--storage", "disk"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: enum value must be one of file,f,memory,m, got 'disk'")) << r.err;
    r = nats({"object", "info"});
    EXPECT_EQ(r.err, "nats: error: cannot prompt for user input without a terminal\n");
}

// What the CLI stores, nats.go reads (and checks byte for byte); what nats.go
// stores, the CLI reads.
TEST_F(NatsCliObject, NatsGoReadsCliObjectsAndBack) {
    if (!std::filesystem::exists(go_check_binary())) GTEST_SKIP() << "nats_go_check was not built (no Go or nats.go)";
    const std::string data = make_file("data.bin", 3 * 128 * 1024 + 17);
    ASSERT_EQ(nats({"object", "add", "CLI"}).code, 0);
    auto r = nats({"object", "put", "CLI", data, "--name", "data.bin", "-H", "X-Test:1"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto child = std::make_unique<child_process>(
        std::vector<std::string>{go_check_binary(), "-url", server->url(), "-check", "obj_cli_interop", "-file", data},
        files.path());
    const auto code = child->wait_exit(30s);
    EXPECT_EQ(code, 0) << child->out() << child->err();
    const auto out_file = files.file("from_go.bin");
    r = nats({"object", "get", "CLI", "from_go.bin", "-O", out_file.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(read_file(out_file), read_file(data));
}

} // namespace
} // namespace nats::integration
