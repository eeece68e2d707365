// Client bytes in the log. A client chooses subjects, sids, CONNECT fields and -ERR
// texts; none of them may start a log line of its own (CR, LF) or put control bytes
// or binary into the log. nats-server quotes most of them with Go's %q (auth errors,
// permission violations, parser errors); where it writes them raw (trace lines, a
// client's -ERR) ours escapes them too, and those checks are ours only.
// Parser errors on bad arguments say what was wrong, in nats-server's words.
#include <regex>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

// The first byte that has no place in a log: a control byte other than the line's
// own LF and the tab, DEL, or a byte that is not part of valid UTF-8.
std::string first_unsafe_byte(const std::string& log) {
    for (std::size_t i = 0; i < log.size();) {
        const auto c = static_cast<unsigned char>(log[i]);
        auto where = [&] {
            const std::size_t line_start = log.rfind('\n', i) == std::string::npos ? 0 : log.rfind('\n', i) + 1;
            return "byte " + std::to_string(c) + " in line: " + log.substr(line_start, i - line_start + 1);
        };
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return where();
            ++i;
            continue;
        }
        const std::size_t width = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        if (width == 0 || i + width > log.size()) return where();
        for (std::size_t k = 1; k < width; ++k)
            if ((static_cast<unsigned char>(log[i + k]) & 0xC0) != 0x80) return where();
        i += width;
    }
    return {};
}

// Every line holding `marker` also holds `context`: the text stayed on its own line.
void expect_marker_not_alone(const std::string& log, std::string_view marker, std::string_view context) {
    const auto lines = lines_containing(log, marker);
    EXPECT_FALSE(lines.empty()) << log;
    for (const auto& line : lines) EXPECT_NE(line.find(context), std::string::npos) << "forged line: " << line;
}

bool wait_closed_silently(RawClient& c) {
    std::string received;
    const bool closed = c.wait_closed(2s, &received);
    EXPECT_EQ(received, "");
    return closed;
}

TEST(LogSafety, AuthErrorQuotesTheUserName) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users");
    // A users list: with a single user nats-server logs no name at all.
    auto server = start_server("authorization { users = [ {user: a, password: b} ] }\n");
    RawClient c(server->port());
    c.read_info();
    const json connect = {{"verbose", false},
                          {"user", "u\r\n[1] 2026/01/01 00:00:00.000000 [INF] forged\x1b[2J"},
                          {"pass", "x"}};
    c.send("CONNECT " + connect.dump() + "\r\nPING\r\n");
    EXPECT_EQ(c.read_line(), "-ERR 'Authorization Violation'");
    ASSERT_TRUE(wait_for_log(*server, "forged")) << server->log_text();
    const std::string log = server->log_text();
    EXPECT_NE(log.find("authentication error - User \"u\\r\\n[1] 2026/01/01 00:00:00.000000 [INF] forged\\x1b[2J\""),
              std::string::npos)
        << log;
    expect_marker_not_alone(log, "forged", "authentication error");
    EXPECT_EQ(first_unsafe_byte(log), "");
}

TEST(LogSafety, PermissionViolationsQuoteSubjects) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users");
    auto server = start_server(
        "authorization { users = [ {user: a, password: b, permissions: {publish: \"ok\", subscribe: \"ok\"}} ] }\n");
    RawClient c(server->port());
    c.connect({{"user", "a"}, {"pass", "b"}});
    c.send(pub("no\x1b[31m\xff", "x"));
    EXPECT_EQ(c.read_line(), "-ERR 'Permissions Violation for Publish to \"no\\x1b[31m\\xff\"'");
    c.send("SUB bad\x07\xfe q\x01 7\r\n");
    EXPECT_EQ(c.read_line(), "-ERR 'Permissions Violation for Subscription to \"bad\\a\\xfe\" using queue \"q\\x01\"'");
    ASSERT_TRUE(wait_for_log(*server, "Subscription Violation")) << server->log_text();
    const std::string log = server->log_text();
    EXPECT_NE(log.find("Publish Violation - User \"a\", Subject \"no\\x1b[31m\\xff\""), std::string::npos) << log;
    EXPECT_NE(log.find("Subscription Violation - User \"a\", Subject \"bad\\a\\xfe\", Queue: \"q\\x01\", SID 7"),
              std::string::npos)
        << log;
    EXPECT_EQ(first_unsafe_byte(log), "");
}

TEST(LogSafety, UnknownOperationQuotesTheBytes) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("BOGUS\x1b\xff\r\n");
    EXPECT_EQ(c.read_line(), "-ERR 'Unknown Protocol Operation'");
    ASSERT_TRUE(wait_for_log(*server, "parser ERROR")) << server->log_text();
    const std::string log = server->log_text();
    // nats-server puts its parser state and offset before the colon.
    EXPECT_TRUE(has_line_matching(log, std::regex(R"(Client parser ERROR.*: proto='"BOGUS\\x1b\\xff\\r"\.\.\.')")))
        << log;
    EXPECT_EQ(first_unsafe_byte(log), "");
}

// nats-server writes these raw; ours escapes every control byte and invalid byte.
TEST(LogSafety, TraceLinesAndClientErrorsCarryNoRawBytes) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_server({}, {"-DV"});
    RawClient c(server->port());
    c.connect({{"name", "n\x1b\nfoo"}});
    c.send("SUB a\x1b" "b\xff 1\r\nUNSUB x\x1b\r\nPUB x\x07 2\r\n\x1b\n\r\nSUB a\rforged 2\r\n");
    c.flush();
    RawClient e(server->port());
    e.connect();
    e.send("-ERR 'x\x1b[2J\xff\rforged'\r\n");
    EXPECT_TRUE(e.wait_closed(2s));
    ASSERT_TRUE(wait_for_log(*server, "Client Error")) << server->log_text();
    const std::string log = server->log_text();
    EXPECT_EQ(first_unsafe_byte(log), "");
    EXPECT_NE(log.find("<<- [SUB a\\x1bb\\xff 1]"), std::string::npos) << log;
    EXPECT_NE(log.find("<<- [UNSUB x\\x1b]"), std::string::npos) << log;
    EXPECT_NE(log.find("<<- [PUB x\\a 2]"), std::string::npos) << log;
    EXPECT_NE(log.find("Client Error 'x\\x1b[2J\\xff\\rforged'"), std::string::npos) << log;
}

// What nats-server 2.9.10 logs for each bad argument list; it closes without -ERR.
TEST(LogSafety, BadArgumentsSayWhatWasWrong) {
    auto server = start_server("max_payload: 1000\n");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"PUB a -1\r\n", "processPub Bad or Missing Size: \"a -1\""},
        {"PUB a x\r\n", "processPub Bad or Missing Size: \"a x\""},
        {"PUB a b c 5\r\n", "processPub Parse Error: \"a b c 5\""},
        {"PUB a\x1b\xff -1\r\n", "processPub Bad or Missing Size: \"a\\x1b\\xff -1\""},
        {"HPUB a 5 3\r\n", "processHeaderPub Header Size larger then TotalSize: \"a 5 3\""},
        {"HPUB a\r\n", "processHeaderPub Parse Error: \"a\""},
        {"HPUB a x 3\r\n", "processHeaderPub Bad or Missing Header Size: \"a x 3\""},
        {"HPUB a 3 x\r\n", "processHeaderPub Bad or Missing Total Size: \"a 3 x\""},
        {"SUB a\r\n", "processSub Parse Error: \"a\""},
        {"SUB a b c d\r\n", "processSub Parse Error: \"a b c d\""},
        {"UNSUB 1 x y\r\n", "processUnsub Parse Error: \"1 x y\""},
    };
    for (const auto& [input, logged] : cases) {
        RawClient c(server->port());
        c.connect({{"headers", true}});
        c.send(input);
        EXPECT_TRUE(wait_closed_silently(c)) << input;
        EXPECT_TRUE(wait_for_log(*server, logged, 2s)) << input << "\n" << server->log_text();
    }
    EXPECT_EQ(server->log_text().find("Client parser ERROR:  ("), std::string::npos) << server->log_text();

    RawClient big(server->port());
    big.connect();
    big.send("PUB a 2000\r\n");
    EXPECT_EQ(big.read_line(), "-ERR 'Maximum Payload Violation'");
    EXPECT_TRUE(wait_for_log(*server, "maximum payload exceeded: 2000 vs 1000", 2s)) << server->log_text();
    EXPECT_EQ(first_unsafe_byte(server->log_text()), "");
}

}  // namespace
}  // namespace nats::integration
