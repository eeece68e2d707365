// Verbs not available yet take any words and flags and name themselves.
#include <gtest/gtest.h>

#include "commands.hpp"

namespace nats::cli {
namespace {

TEST(Unsupported, TakesAnyWordsAndFlagsAndNamesTheVerb) {
    command app("nats", "test");
    bool all = false;
    app.bool_flag("all", "", &all);
    auto& stream = app.add_command("stream", "streams");
    add_unsupported_commands(stream, {{"report", "Reports"}});

    const auto parsed = parse_command_line(app, {"stream", "report", "--consumers", "-o", "x", "--", "-y"});
    ASSERT_NE(parsed.selected, nullptr);
    EXPECT_EQ(unsupported_message(*parsed.selected), "nats: 'stream report' is not supported by this build yet");
    EXPECT_EQ(parsed.selected->run(), exit_failure);

    const auto by_alias = parse_command_line(app, {"stream", "report", "x"});
    EXPECT_EQ(unsupported_message(*by_alias.selected), "nats: 'stream report' is not supported by this build yet");
}

TEST(Unsupported, ImplementedVerbsStillCheckTheirFlags) {
    command app("nats", "test");
    app_state state;
    add_stream_command(app, state);
    EXPECT_THROW(parse_command_line(app, {"stream", "ls", "--no-such-flag"}), command_line_error);
    EXPECT_THROW(parse_command_line(app, {"stream", "add", "S", "--storage", "disk"}), command_line_error);
}

} // namespace
} // namespace nats::cli
