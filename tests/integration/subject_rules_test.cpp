// The subject rules on the wire, pinned to nats-server 2.9.10: every row of the shared
// table (tests/sdk/unit/subject_rules_table.hpp, which the SDK's unit test runs through
// nats_sdk::subject) goes out as "SUB <s> 1" and "PUB <s> 0" on a verbose connection,
// pedantic on and off, and the server's exact answer lines are checked: +OK or
// -ERR 'Invalid Subject', -ERR 'Invalid Publish Subject' (pedantic only), and whether
// the message comes back. Passes against ours and NMK_SERVER_BIN=/usr/sbin/nats-server.
#include <string>
#include <vector>

#include "tests/integration/integration_helpers.hpp"
#include "tests/sdk/unit/subject_rules_table.hpp"

namespace nats::integration {
namespace {

using nats_sdk::test_tables::shown;
using nats_sdk::test_tables::subject_rules;
using nats_sdk::test_tables::SubjectRule;
using nats_sdk::test_tables::Wire;

// The lines nats-server 2.9.10 answers "SUB <s> 1\r\nPUB <s> 0\r\n\r\nPING\r\n" with.
std::vector<std::string> expected_answer(const SubjectRule& r, bool pedantic) {
    std::vector<std::string> lines;
    std::string subject(r.subject);
    std::string reply;
    if (r.wire == Wire::splits) {
        // "a b" / "a\tb": SUB reads subject a in queue group b, PUB subject a with reply b.
        const auto cut = subject.find_first_of(" \t");
        reply = subject.substr(cut + 1);
        subject.resize(cut);
    }
    const bool subscribed = r.wire == Wire::splits || r.subscribe_valid;
    lines.push_back(subscribed ? "+OK" : "-ERR 'Invalid Subject'");
    const bool publish_refused = r.wire == Wire::as_is && !r.literal_valid;
    if (pedantic && publish_refused) lines.push_back("-ERR 'Invalid Publish Subject'");
    lines.push_back("+OK");  // the message is still routed after that -ERR
    if (subscribed) {
        lines.push_back("MSG " + subject + " 1 " + (reply.empty() ? "" : reply + " ") + "0");
        lines.push_back("");
    }
    lines.push_back("PONG");
    return lines;
}

void check_rows(bool pedantic) {
    auto server = start_server();
    int checked = 0;
    for (const SubjectRule& r : subject_rules) {
        if (r.wire == Wire::not_sendable) continue;
        RawClient c(server->port());
        c.connect({{"verbose", true}, {"pedantic", pedantic}});
        const std::string s(r.subject);
        c.send("SUB " + s + " 1\r\nPUB " + s + " 0\r\n\r\nPING\r\n");
        const auto expected = expected_answer(r, pedantic);
        std::vector<std::string> got;
        while (got.size() < expected.size() + 2) {
            got.push_back(c.read_line());
            if (got.back() == "PONG") break;
        }
        EXPECT_EQ(got, expected) << shown(r.subject) << (pedantic ? " (pedantic)" : "");
        ++checked;
    }
    EXPECT_GT(checked, 30);
}

TEST(SubjectRules, SubAndPedanticPubAnswerEveryRowAsNatsServer) { check_rows(true); }

TEST(SubjectRules, SubAndPubWithoutPedanticAnswerEveryRowAsNatsServer) { check_rows(false); }

// Wildcard tokens in a published subject are ordinary tokens: "a.*" published reaches
// subscribers of a.* and a.> but not of a.b, and a.b* reaches only a.b* and wildcards.
TEST(SubjectRules, PublishedWildcardTokensReachOnlyWildcardOrEqualSubscriptions) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB a.* 1\r\nSUB a.> 2\r\nSUB a.b 3\r\nSUB a.b* 4\r\nSUB *a 5\r\n");
    c.send(pub("a.*", "x"));
    c.send(pub("a.b*", "y"));
    c.send(pub("*a", "z"));
    std::multiset<std::string> got;
    for (const auto& f : c.flush()) {
        if (f.kind == Frame::Kind::msg) got.insert(f.subject + " " + f.sid);
    }
    const std::multiset<std::string> expected{"a.* 1", "a.* 2", "a.b* 1", "a.b* 2", "a.b* 4", "*a 5"};
    EXPECT_EQ(got, expected);
}

// A subject that only starts or ends with '>' stays a literal token: "a.>>" and ">x"
// reach exact subscribers, and "a.>" reaches "a.>>".
TEST(SubjectRules, LongerTokensWithWildcardCharactersAreLiteral) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB a.>> 1\r\nSUB >x 2\r\nSUB a.> 3\r\n");
    c.send(pub("a.>>", "1"));
    c.send(pub(">x", "2"));
    std::multiset<std::string> got;
    for (const auto& f : c.flush()) {
        if (f.kind == Frame::Kind::msg) got.insert(f.subject + " " + f.sid);
    }
    const std::multiset<std::string> expected{"a.>> 1", "a.>> 3", ">x 2"};
    EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace nats::integration
