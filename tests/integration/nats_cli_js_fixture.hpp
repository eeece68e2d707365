#pragma once
// The fixture of the nats CLI's JetStream verb tests: a server with JetStream
// on a private store and the CLI run against it with TZ=UTC, plus patterns for
// the times that differ per run.
#include <regex>

#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/nats_cli_helpers.hpp"

namespace nats::integration::cli_testing {

class NatsCliJs : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(cli_binary())) << cli_binary() << " is missing: build the `nats` target";
        server = start_jetstream(store);
    }
    // Runs `nats -s <server> args...`; TZ=UTC so local times are predictable.
    cli_result nats(std::vector<std::string> args, std::string_view stdin_text = {},
                    std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        args.insert(args.begin(), {"-s", server->url()});
        return cli.run(std::move(args), {"TZ=UTC"}, stdin_text, limit);
    }
    std::unique_ptr<child_process> start(std::vector<std::string> args) {
        args.insert(args.begin(), {"-s", server->url()});
        return cli.start(std::move(args), {"TZ=UTC"});
    }
    // A stream ORDERS on ORDERS.* with `count` messages "order N" on ORDERS.new.
    void add_orders(int count = 0) {
        auto r = nats({"stream", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults"});
        ASSERT_EQ(r.code, 0) << r.err;
        for (int i = 1; i <= count; ++i) {
            r = nats({"pub", "ORDERS.new", "order " + std::to_string(i), "-q"});
            ASSERT_EQ(r.code, 0) << r.err;
        }
    }
    static bool matches(const std::string& text, const std::string& pattern) {
        return std::regex_match(text, std::regex(pattern));
    }
    static bool has(const std::string& text, const std::string& pattern) {
        return std::regex_search(text, std::regex(pattern));
    }

    TempDir store;
    std::unique_ptr<ServerProcess> server;
    Cli cli;
};

inline const std::string clock_pattern = R"(\d\d:\d\d:\d\d)";
inline const std::string rfc3339_pattern = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)";

} // namespace nats::integration::cli_testing
