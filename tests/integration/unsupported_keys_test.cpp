// Fail closed on nats-server keys whose feature this server does not have
// (syslog, remote_syslog, ocsp, no_header_support, prof_port,
// default_js_domain): a value that asks for the feature stops start-up with
// one config error line naming the key and exit code 1, and -t reports the same line;
// a value that asks for nothing is accepted. Ours only: nats-server has these
// features and accepts the keys.
#include "tests/integration/integration_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::write_file;

struct KeyCase {
    const char* line;
    const char* key;
    const char* why;
};

class UnsupportedKey : public ::testing::TestWithParam<KeyCase> {};

TEST_P(UnsupportedKey, StopsStartUpAndFailsCheck) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const KeyCase& c = GetParam();
    TempDir dir;
    const auto conf = dir.file("server.conf");
    const std::string config = std::string(c.line) + "\n";
    write_file(conf, config);
    const std::string expected =
        conf.string() + ":1:1: '" + c.key + "' is not supported by this server (" + c.why + ")";

    const ExitResult check = test_support::run_server_to_exit({"-t", "-c", conf.string()}, std::chrono::seconds(5));
    ASSERT_TRUE(check.exit_code.has_value());
    EXPECT_EQ(*check.exit_code, 1) << check.output;
    EXPECT_EQ(check.output, "nats-server: " + expected + "\n");

    const ExitResult start = run_config_to_exit(config);
    ASSERT_TRUE(start.exit_code.has_value()) << start.output;
    EXPECT_EQ(*start.exit_code, 1) << start.output;
    // A config error, reported as every config error is: "nats-server: <file>:<line>:<col>: ...".
    const std::string reason = std::string("server.conf:1:1: '") + c.key + "' is not supported by this server (" + c.why + ")";
    EXPECT_NE(start.output.find(reason), std::string::npos) << start.output;
    EXPECT_EQ(start.output.find("Server is ready"), std::string::npos) << start.output;
}

INSTANTIATE_TEST_SUITE_P(
    FailClosed, UnsupportedKey,
    ::testing::Values(
        KeyCase{"syslog: true", "syslog", "no syslog logging; remove it or set it to false"},
        KeyCase{"remote_syslog: \"udp://127.0.0.1:514\"", "remote_syslog", "no remote syslog logging"},
        KeyCase{"ocsp: true", "ocsp", "no OCSP stapling; remove it or set it to false or {mode: never}"},
        KeyCase{"ocsp { mode: must }", "ocsp", "no OCSP stapling; remove it or set it to false or {mode: never}"},
        KeyCase{"no_header_support: true", "no_header_support",
                "headers are always supported; remove it or set it to false"},
        KeyCase{"prof_port: 6060", "prof_port", "no profiling port"},
        KeyCase{"default_js_domain: { A: hub }", "default_js_domain", "no JetStream domains"}),
    [](const auto& info) { return std::string(info.param.key) + std::to_string(info.index); });

TEST(UnsupportedKeys, ValuesThatAskForNothingAreAccepted) {
    // Both servers accept these.
    for (const char* line : {"syslog: false", "remote_syslog: \"\"", "ocsp: false", "ocsp { mode: never }",
                             "no_header_support: false", "prof_port: 0", "default_js_domain: {}"}) {
        TempDir dir;
        const auto conf = dir.file("server.conf");
        write_file(conf, std::string(line) + "\n");
        const ExitResult check = test_support::run_server_to_exit({"-t", "-c", conf.string()}, std::chrono::seconds(5));
        ASSERT_TRUE(check.exit_code.has_value()) << line;
        EXPECT_EQ(*check.exit_code, 0) << line << "\n" << check.output;
    }
}

}  // namespace
}  // namespace nats::integration
