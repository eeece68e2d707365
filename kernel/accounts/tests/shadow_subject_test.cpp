// Which subject a subscription in an importing account listens on in the
// exporting account (nats-server's shadow subscriptions, client.go
// addShadowSubscriptions), for each shape of stream import.
#include <gtest/gtest.h>

#include "kernel/accounts/accounts_config.hpp"

namespace {

nats::accounts::StreamLink link_for(const std::string& import_options, const std::string& exported = "foo.*") {
    const std::string text = "accounts { A: { exports: [ {stream: \"" + exported + "\"} ] }, B: { imports: [ {stream: {account: A, subject: \"" +
                             exported + "\"}" + import_options + "} ] } }";
    auto c = nats::accounts::parse_accounts(nats::config::parse_config_string(text, "t.conf"), "t.conf");
    return c.stream_links.at(0);
}

std::string shadow(const nats::accounts::StreamLink& l, std::string_view subject) {
    auto s = nats::accounts::shadow_subject(l, subject);
    return s ? *s : "none";
}

}  // namespace

TEST(ShadowSubject, SameSubjectListensOnTheExport) {
    auto l = link_for("");
    EXPECT_EQ(shadow(l, "foo.*"), "foo.*");
    EXPECT_EQ(shadow(l, "foo.bar"), "foo.bar");
    EXPECT_EQ(shadow(l, ">"), "foo.*");
    EXPECT_EQ(shadow(l, "bar"), "none");
    EXPECT_EQ(nats::accounts::delivery_subject(l, "foo.x"), "foo.x");
}

TEST(ShadowSubject, PrefixedImport) {
    auto l = link_for(", prefix: p");
    EXPECT_EQ(l.to, "p.foo.*");
    EXPECT_EQ(shadow(l, "p.foo.*"), "foo.*");
    EXPECT_EQ(shadow(l, "p.foo.bar"), "foo.bar");  // narrower: mapped back
    EXPECT_EQ(shadow(l, "p.>"), "foo.*");           // wider: the whole import
    EXPECT_EQ(shadow(l, "*.foo.bar"), "foo.bar");   // overlapping
    EXPECT_EQ(shadow(l, "foo.bar"), "none");
    EXPECT_EQ(nats::accounts::delivery_subject(l, "foo.x"), "p.foo.x");
}

TEST(ShadowSubject, LiteralImport) {
    auto l = link_for(", to: local", "exported");
    EXPECT_EQ(shadow(l, "local"), "exported");
    EXPECT_EQ(shadow(l, "*"), "exported");
    EXPECT_EQ(shadow(l, ">"), "exported");
    EXPECT_EQ(shadow(l, "exported"), "none");
    EXPECT_EQ(nats::accounts::delivery_subject(l, "exported"), "local");
}

TEST(ShadowSubject, ReorderedWildcards) {
    auto l = link_for(", to: \"m.$2.$1\"", "w.*.*");
    EXPECT_EQ(shadow(l, "m.two.one"), "w.one.two");
    EXPECT_EQ(shadow(l, "m.*.*"), "w.*.*");
    EXPECT_EQ(shadow(l, "m.two.*"), "w.*.two");
    EXPECT_EQ(nats::accounts::delivery_subject(l, "w.one.two"), "m.two.one");
}
