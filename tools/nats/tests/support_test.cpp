// Small pieces: headers, NKeys, subject matching, shell words, tables,
// check results, progress lines.
#include <gtest/gtest.h>

#include "check_result.hpp"
#include "errors.hpp"
#include "headers.hpp"
#include "nkey.hpp"
#include "progress.hpp"
#include "server_greeting.hpp"
#include "shell_words.hpp"
#include "subject_match.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

// A published NKeys test vector (used by the NATS client test suites).
constexpr const char* test_seed = "SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY";
constexpr const char* test_public = "UAT6BWCSCWLUKJT6K6MBJJOEOTXZ5AJDOYKNEVRFC7VNO6OA43N4TRNO";

TEST(Headers, ParsesKeyValueAndTemplates) {
    const auto h = parse_header_flags({"A:1", " B : two words ", "Seq:{{Count}}", "Url:http://x"}, 4);
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"A", "1"}));
    EXPECT_EQ(h[1], (std::pair<std::string, std::string>{"B", "two words"}));
    EXPECT_EQ(h[2], (std::pair<std::string, std::string>{"Seq", "4"}));
    EXPECT_EQ(h[3], (std::pair<std::string, std::string>{"Url", "http://x"}));
}

TEST(Headers, RejectsValueWithoutColon) {
    try {
        parse_header_flags({"nocolon"}, 1);
        FAIL();
    } catch (const cli_error& e) {
        EXPECT_STREQ(e.what(), "invalid header \"nocolon\"");
    }
    EXPECT_THROW(parse_header_flags({"K:{{Bad}}"}, 1), cli_error);
}

TEST(Headers, RoundTripThroughAMessage) {
    ASSERT_EQ(nats_Open(-1), NATS_OK);
    natsMsg* msg = nullptr;
    ASSERT_EQ(natsMsg_Create(&msg, "s", nullptr, "", 0), NATS_OK);
    add_headers(msg, {{"B", "2"}, {"A", "1"}, {"B", "3"}});
    const auto back = message_headers(msg);
    natsMsg_Destroy(msg);
    EXPECT_EQ(back, (header_list{{"A", "1"}, {"B", "2"}, {"B", "3"}}));
}

TEST(NKey, DerivesPublicKeyFromSeed) {
    EXPECT_EQ(public_key_from_seed(test_seed), test_public);
    EXPECT_FALSE(public_key_from_seed("SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLBXK4GY"));  // checksum
    EXPECT_FALSE(public_key_from_seed("not a seed"));
    EXPECT_FALSE(public_key_from_seed(test_public));  // a public key is no seed
}

TEST(NKey, FindsSeedInPlainOrDecoratedFiles) {
    EXPECT_EQ(find_user_seed(std::string(test_seed) + "\n"), test_seed);
    const std::string decorated = "-----BEGIN USER NKEY SEED-----\n" + std::string(test_seed) +
                                  "\n------END USER NKEY SEED------\n";
    EXPECT_EQ(find_user_seed(decorated), test_seed);
    EXPECT_FALSE(find_user_seed("nothing here"));
}

TEST(SubjectMatch, SplitsSubjectLists) {
    EXPECT_EQ(split_subject_list("a.b, c.d,,e"), (std::vector<std::string>{"a.b", "c.d", "e"}));
}

TEST(ShellWords, SplitsLikeAShell) {
    EXPECT_EQ(split_shell_words(R"(curl -s 'a b' "c \"d\"" e\ f)"),
              (std::vector<std::string>{"curl", "-s", "a b", "c \"d\"", "e f"}));
    EXPECT_FALSE(split_shell_words("echo 'open"));
    EXPECT_FALSE(split_shell_words("echo \\"));
}

TEST(ShellWords, RunsProgramWithExtraEnvironment) {
    const auto r = run_program({"sh", "-c", "printf '%s' \"$NMK_WORD\"; echo err >&2; exit 3"}, {"NMK_WORD=hi"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.output, "hierr\n");
    EXPECT_EQ(run_program({"/nonexistent/program"}, {}).exit_code, 127);
}

TEST(Tables, RoundedTableWithTitle) {
    table t("Known Contexts");
    t.headers({"Name", "Description"});
    t.row({"a*", "first"});
    const std::string expected =
        "╭────────────────────╮\n"
        "│   Known Contexts   │\n"
        "├──────┬─────────────┤\n"
        "│ Name │ Description │\n"
        "├──────┼─────────────┤\n"
        "│ a*   │ first       │\n"
        "╰──────┴─────────────╯\n";
    EXPECT_EQ(t.render(), expected);
}

TEST(Tables, LongTitleWidensTheLastColumn) {
    table t("A title longer than the cells");
    t.headers({"A", "B"});
    const std::string text = t.render();
    EXPECT_NE(text.find("│ A title longer than the cells │"), std::string::npos) << text;
    EXPECT_NE(text.find("│ A │ B                         │"), std::string::npos) << text;
}

TEST(Tables, ColumnsAlignOnTheColon) {
    columns c("Heading");
    c.section("Details");
    c.row("Version", "2.9.10");
    c.row("Auth Required", "false");
    c.row("", "second");
    EXPECT_EQ(c.render(),
              "Heading\n\n"
              "Details:\n\n"
              "        Version: 2.9.10\n"
              "  Auth Required: false\n"
              "                 second\n");
}

TEST(CheckResult, NagiosLineAndExitCodes) {
    check_result r("Connection", "connections");
    r.ok("connected");
    r.perf({"rtt", 0.00012, 0.5, 1, "s", "help"});
    EXPECT_EQ(r.render("nagios"), "OK Connection OK:connected | rtt=0.0001s;0.5000;1.0000");
    EXPECT_EQ(r.exit_code(), 0);
    r.warning("slow");
    EXPECT_EQ(r.exit_code(), 1);
    r.critical("down");
    EXPECT_EQ(r.exit_code(), 2);
    EXPECT_EQ(r.render("nagios").rfind("CRITICAL Connection Crit:down Warn:slow OK:connected |", 0), 0u);
    EXPECT_NE(r.render("json").find("\"status\": \"CRITICAL\""), std::string::npos);
    EXPECT_EQ(format_go_float(0.5), "0.5");
    EXPECT_EQ(format_go_float(1), "1");
}

TEST(Progress, LineShowsStateElapsedBarAndPercent) {
    EXPECT_EQ(render_progress_line("Publishing", std::chrono::seconds(2), 5, 10, 12),
              "Publishing    2s [=====>----]  50%");
    EXPECT_EQ(render_progress_line("Finished", std::chrono::seconds(61), 10, 10, 12),
              "Finished    1m1s [==========] 100%");
}

TEST(ServerUrl, HostAndPortFromUrls) {
    EXPECT_EQ(parse_server_url("nats://u:p@10.0.0.1:4333").host, "10.0.0.1");
    EXPECT_EQ(parse_server_url("nats://u:p@10.0.0.1:4333").port, 4333);
    EXPECT_EQ(parse_server_url("localhost").port, 4222);
    EXPECT_EQ(parse_server_url("[::1]:5000").host, "::1");
    EXPECT_EQ(parse_server_url("[::1]:5000").port, 5000);
}

TEST(Errors, StatusTextLikeTheGoClient) {
    EXPECT_EQ(status_text(NATS_NO_SERVER), "nats: no servers available for connection");
    EXPECT_EQ(status_text(NATS_TIMEOUT), "nats: timeout");
    EXPECT_EQ(status_text(NATS_NO_RESPONDERS), "nats: no responders available for request");
}

} // namespace
} // namespace nats::cli
