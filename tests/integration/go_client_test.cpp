// The official Go client's KeyValue and ObjectStore APIs (nats.go 1.22 as Debian packages
// it) against our server and nats-server 2.9.10: each test runs one check of
// build/bin/nats_go_check (tests/go/nats_go_check) against a fresh JetStream server and
// passes when every expectation of that check held. Skipped when the program was not
// built (no Go or no Debian nats.go at configure time).
#include <cstdio>
#include <filesystem>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

// $NMK_GO_CHECK_BIN, else nats_go_check next to this test program (both in build/bin).
std::filesystem::path go_check_binary() {
    if (const char* env = std::getenv("NMK_GO_CHECK_BIN"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "nats_go_check";
}

struct CheckRun {
    int status = -1;
    std::string output;
};

// Runs one check with a bound on its time (every wait inside is bounded too).
CheckRun run_check(const std::string& url, const std::string& check) {
    const std::string command =
        "timeout 120 '" + go_check_binary().string() + "' -url '" + url + "' -check '" + check + "' 2>&1";
    CheckRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, n);
    run.status = ::pclose(pipe);
    return run;
}

class GoClient : public ::testing::TestWithParam<const char*> {};

TEST_P(GoClient, Check) {
    if (!std::filesystem::exists(go_check_binary())) GTEST_SKIP() << "nats_go_check was not built (no Go or nats.go)";
    test_support::TempDir store;
    auto server = start_jetstream(store);
    const CheckRun run = run_check(server->url(), GetParam());
    EXPECT_EQ(run.status, 0) << run.output;
    EXPECT_EQ(run.output, std::string("ok ") + GetParam() + "\n");
}

// kv_bucket: create (every StreamConfig field must come back as sent: the client compares
// them all before it re-creates), bind, status, names, delete. kv_ops: put, get, revisions,
// create, update, delete, purge, history, keys, purge deletes, max value size.
// kv_watch: watch-all, key and wildcard watches, IncludeHistory, IgnoreDeletes, MetaOnly.
// kv_ttl: expiry. obj_put_get: 5 MiB and custom-chunk objects byte-identical (digest checked),
// empty objects, info, list, replace and delete removing chunks, status, bind, delete.
// obj_links_watch_seal: watch, links to objects and buckets, seal.
INSTANTIATE_TEST_SUITE_P(KvAndObjectStore, GoClient,
                         ::testing::Values("kv_bucket", "kv_ops", "kv_watch", "kv_ttl", "obj_put_get",
                                           "obj_links_watch_seal"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace nats::integration
