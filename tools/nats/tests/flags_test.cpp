#include <gtest/gtest.h>

#include <cstdlib>

#include "flags.hpp"

namespace nats::cli {
namespace {

struct fixture {
    command app{"nats", "test app"};
    std::string server;
    std::int64_t timeout_count = 0;
    std::string subject;
    std::string body;
    bool body_set = false;
    std::vector<std::string> headers;
    std::int64_t count = 1;
    bool quiet = false;
    bool templates = true;
    std::chrono::nanoseconds sleep{0};
    std::vector<std::string> subjects;
    std::string mode = "eof";
    int ran = 0;

    fixture() {
        app.string_flag("server", "server", &server).with_short('s').with_envar("NMK_TEST_FLAGS_URL");
        auto& pub = app.add_command("publish", "pub").alias("pub");
        pub.string_arg("subject", "subject", &subject, true);
        pub.string_arg("body", "body", &body, false, &body_set);
        pub.strings_flag("header", "headers", &headers).with_short('H');
        pub.int_flag("count", "count", &count);
        pub.bool_flag("quiet", "quiet", &quiet).with_short('q');
        pub.bool_flag("templates", "templates", &templates);
        pub.duration_flag("sleep", "sleep", &sleep);
        pub.enum_flag("send-on", "mode", &mode, {"eof", "newline"});
        pub.action([this] { return ++ran; });
        auto& sub = app.add_command("sub", "sub");
        sub.strings_arg("subjects", "subjects", &subjects);
        sub.action([this] { return ++ran; });
        auto& server_cmd = app.add_command("server", "server");
        server_cmd.add_command("ping", "ping").action([this] { return ++ran; });
    }

    const command* parse(std::vector<std::string> args) { return parse_command_line(app, args).selected; }
};

TEST(Flags, SelectsCommandByNameOrAlias) {
    fixture f;
    EXPECT_EQ(f.parse({"pub", "orders", "hi"})->name(), "publish");
    EXPECT_EQ(f.subject, "orders");
    EXPECT_EQ(f.body, "hi");
    EXPECT_TRUE(f.body_set);
    fixture g;
    EXPECT_EQ(g.parse({"server", "ping"})->full_name(), "nats server ping");
}

TEST(Flags, FlagsAnywhereAndInAllForms) {
    fixture f;
    f.parse({"-s", "nats://a:1", "pub", "x", "--count=3", "-H", "A:1", "-HB:2", "--header", "C:3", "-q",
             "--sleep", "10ms", "--server", "nats://b:2", "--no-templates", "--send-on=newline"});
    EXPECT_EQ(f.server, "nats://b:2");
    EXPECT_EQ(f.count, 3);
    EXPECT_EQ(f.headers, (std::vector<std::string>{"A:1", "B:2", "C:3"}));
    EXPECT_TRUE(f.quiet);
    EXPECT_FALSE(f.templates);
    EXPECT_EQ(f.sleep, std::chrono::milliseconds(10));
    EXPECT_EQ(f.mode, "newline");
    EXPECT_FALSE(f.body_set);
}

TEST(Flags, DoubleDashEndsFlags) {
    fixture f;
    f.parse({"pub", "x", "--", "-not-a-flag"});
    EXPECT_EQ(f.body, "-not-a-flag");
}

TEST(Flags, RemainderArgumentCollectsAll) {
    fixture f;
    f.parse({"sub", "a.>", "b.*", "c"});
    EXPECT_EQ(f.subjects, (std::vector<std::string>{"a.>", "b.*", "c"}));
}

TEST(Flags, EnvironmentGivesDefaultsThatFlagsOverride) {
    ::setenv("NMK_TEST_FLAGS_URL", "nats://env:1", 1);
    fixture f;
    f.parse({"pub", "x"});
    EXPECT_EQ(f.server, "nats://env:1");
    fixture g;
    g.parse({"pub", "x", "-s", "nats://flag:2"});
    EXPECT_EQ(g.server, "nats://flag:2");
    ::unsetenv("NMK_TEST_FLAGS_URL");
}

TEST(Flags, HelpAndVersionAreNoticed) {
    fixture f;
    EXPECT_TRUE(parse_command_line(f.app, {"pub", "--help"}).help);
    EXPECT_TRUE(parse_command_line(f.app, {"-h"}).help);
    EXPECT_TRUE(parse_command_line(f.app, {"--version"}).version);
}

std::string error_of(std::vector<std::string> args) {
    fixture f;
    try {
        f.parse(std::move(args));
    } catch (const command_line_error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Flags, MistakesWordedLikeFisk) {
    EXPECT_EQ(error_of({"bogus"}), "expected command but got \"bogus\"");
    EXPECT_EQ(error_of({"pub", "x", "--bogus"}), "unknown long flag '--bogus'");
    EXPECT_EQ(error_of({"pub", "x", "-Z"}), "unknown short flag '-Z'");
    EXPECT_EQ(error_of({"pub", "x", "--count"}), "expected argument for flag '--count'");
    EXPECT_EQ(error_of({"pub", "x", "-H", "--quiet"}), "expected argument for flag '-H'");
    EXPECT_EQ(error_of({"pub"}), "required argument 'subject' not provided");
    EXPECT_EQ(error_of({"pub", "x", "y", "z"}), "unexpected z");
    EXPECT_EQ(error_of({"server"}), "a subcommand from the list below is required");
    EXPECT_EQ(error_of({}), "a subcommand from the list below is required");
    EXPECT_EQ(error_of({"pub", "x", "--count", "many"}), "invalid integer \"many\" for flag '--count'");
    EXPECT_EQ(error_of({"pub", "x", "--sleep", "soon"}), "invalid duration \"soon\" for flag '--sleep'");
    EXPECT_EQ(error_of({"pub", "x", "--send-on", "tab"}),
              "enum value must be one of eof,newline, got 'tab' for flag '--send-on'");
    EXPECT_EQ(error_of({"pub", "x", "--no-count"}), "unknown long flag '--no-count'");
}

TEST(Flags, ErrorKnowsWhereItHappened) {
    fixture f;
    try {
        f.parse({"server", "ping", "--bogus"});
        FAIL();
    } catch (const command_line_error& e) {
        EXPECT_EQ(e.where->full_name(), "nats server ping");
    }
}

TEST(Flags, UsageListsArgumentsFlagsAndCommands) {
    fixture f;
    const auto pub_usage = usage_text(*f.app.find_command("pub"));
    EXPECT_NE(pub_usage.find("usage: nats publish [<flags>] <subject> [<body>]"), std::string::npos) << pub_usage;
    EXPECT_NE(pub_usage.find("-H, --header=HEADER"), std::string::npos) << pub_usage;
    EXPECT_NE(pub_usage.find("-s, --server=SERVER"), std::string::npos) << pub_usage;
    const auto top = usage_text(f.app);
    EXPECT_NE(top.find("Commands:"), std::string::npos);
    EXPECT_NE(top.find("  server"), std::string::npos);
}

// `nats bench <subject>` next to `nats bench pub <subject>`: a word that names
// no subcommand is the parent's argument; the nearest command's flag wins,
// also in its --no- form.
TEST(Flags, ArgumentNextToSubcommands) {
    command app{"nats", "app"};
    std::string subject, sub_subject;
    bool old_no_progress = false, progress = true;
    int ran = 0;
    auto& bench = app.add_command("bench", "bench");
    bench.string_arg("subject", "s", &subject, false);
    bench.bool_flag("no-progress", "old", &old_no_progress);
    bench.action([&] { ran = 1; return 0; });
    auto& pub = bench.add_command("pub", "pub");
    pub.string_arg("subject", "s", &sub_subject, true);
    pub.bool_flag("progress", "new", &progress);
    pub.action([&] { ran = 2; return 0; });

    auto r = parse_command_line(app, {"bench", "orders", "--no-progress"});
    EXPECT_EQ(r.selected, &bench);
    EXPECT_EQ(subject, "orders");
    EXPECT_TRUE(old_no_progress);
    old_no_progress = false;
    r = parse_command_line(app, {"bench", "pub", "orders", "--no-progress"});
    EXPECT_EQ(r.selected, &pub);
    EXPECT_EQ(sub_subject, "orders");
    EXPECT_FALSE(progress);
    EXPECT_FALSE(old_no_progress);
    // A parent without arguments still refuses an unknown word.
    auto& js = bench.add_command("js", "js");
    js.add_command("pub", "pub").action([] { return 0; });
    EXPECT_THROW(parse_command_line(app, {"bench", "js", "bogus"}), command_line_error);
}

} // namespace
} // namespace nats::cli
