// Permissions compiled from an authenticator's JSON: allow/deny with wildcards
// and queue forms, the config shorthands, allow_responses and reply permits,
// the delivery filter, and malformed input. Expectations come from nats-server
// 2.9.10 run live with the same lists in `authorization { users }`.
#include <gtest/gtest.h>

#include <string>

#include "kernel/server/permissions.hpp"

namespace nats::server {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Permissions> compile(const std::string& json) {
    auto p = Permissions::compile(json);
    if (!p) ADD_FAILURE() << "nothing restricted by " << json;
    return p;
}

std::string compile_error(const std::string& json) {
    try {
        Permissions::compile(json);
    } catch (const PermissionsError& e) {
        return e.what();
    }
    return "compiled";
}

TEST(Permissions, NothingRestrictedIsNull) {
    for (const char* json : {"", "  ", "null", "{}", R"({"publish":{}})", R"({"publish":[]})",
                             R"({"subscribe":{"allow":[],"deny":[]}})", R"({"allow_responses":false})",
                             R"({"publish":null,"allow_responses":null})"}) {
        EXPECT_EQ(Permissions::compile(json), nullptr) << json;
    }
}

TEST(Permissions, PublishAllowAndDenyWithWildcards) {
    auto p = compile(R"({"publish":{"allow":["foo.*","bar.>"],"deny":["foo.secret"]}})");
    EXPECT_TRUE(p->publish_restricted());
    EXPECT_TRUE(p->publish_allowed("foo.x"));
    EXPECT_FALSE(p->publish_allowed("foo.secret"));
    EXPECT_FALSE(p->publish_allowed("other"));
    EXPECT_FALSE(p->publish_allowed("foo.x.y"));
    EXPECT_TRUE(p->publish_allowed("bar.a.b"));
    EXPECT_FALSE(p->publish_allowed("bar"));
    // Asked again: the cached answers are the same.
    EXPECT_FALSE(p->publish_allowed("foo.secret"));
    EXPECT_TRUE(p->publish_allowed("foo.x"));
    // Subscribing is not restricted by publish lists.
    EXPECT_TRUE(p->subscribe_allowed("anything"));
}

TEST(Permissions, DenyOnlyAllowsTheRest) {
    auto p = compile(R"({"publish":{"deny":["$SYS.>"]}})");
    EXPECT_TRUE(p->publish_allowed("a.b"));
    EXPECT_FALSE(p->publish_allowed("$SYS.REQ.X"));
    EXPECT_FALSE(p->responses());
}

TEST(Permissions, PublishCacheStaysBounded) {
    auto p = compile(R"({"publish":{"allow":["ok.>"]}})");
    for (int i = 0; i < 1000; ++i) {
        EXPECT_EQ(p->publish_allowed("ok." + std::to_string(i)), true);
        EXPECT_EQ(p->publish_allowed("no." + std::to_string(i)), false);
        ASSERT_LE(p->publish_cache_size(), 128u);
    }
    EXPECT_GT(p->publish_cache_size(), 64u);
}

TEST(Permissions, ConfigShorthands) {
    auto single = compile(R"({"publish":"a.>"})");
    EXPECT_TRUE(single->publish_allowed("a.b"));
    EXPECT_FALSE(single->publish_allowed("b"));
    auto list = compile(R"({"pub":["a","b"],"sub":"s.*"})");
    EXPECT_TRUE(list->publish_allowed("b"));
    EXPECT_FALSE(list->publish_allowed("c"));
    EXPECT_TRUE(list->subscribe_allowed("s.x"));
    EXPECT_FALSE(list->subscribe_allowed("t"));
    // Keys are case-insensitive, as in nats-server config files.
    auto upper = compile(R"({"Publish":{"Deny":"x"}})");
    EXPECT_FALSE(upper->publish_allowed("x"));
}

TEST(Permissions, SubscribeAllowDenyAndQueueForms) {
    auto p = compile(R"({"subscribe":{"allow":["sub.>","q.* grp","q2.* grp.*"],"deny":["sub.secret","sub.x.>"]}})");
    EXPECT_FALSE(p->publish_restricted());
    EXPECT_TRUE(p->subscribe_allowed("sub.a"));
    EXPECT_FALSE(p->subscribe_allowed("sub.secret"));
    EXPECT_FALSE(p->subscribe_allowed("sub.x.y"));
    EXPECT_FALSE(p->subscribe_allowed("nope"));
    EXPECT_TRUE(p->subscribe_allowed("q.a", "grp"));
    EXPECT_FALSE(p->subscribe_allowed("q.a", "other"));
    EXPECT_FALSE(p->subscribe_allowed("q.a"));  // only the queue form is allowed
    EXPECT_TRUE(p->subscribe_allowed("q2.a", "grp.x"));
    EXPECT_FALSE(p->subscribe_allowed("q2.a", "grp"));
    // Wildcard subscriptions are matched as literals against the lists.
    EXPECT_TRUE(p->subscribe_allowed("sub.*"));
    EXPECT_TRUE(p->subscribe_allowed("sub.>"));
    EXPECT_FALSE(p->subscribe_allowed("sub.secret", "qq"));
}

TEST(Permissions, WildcardSubscriptionsAgainstAnAllowList) {
    auto p = compile(R"({"subscribe":{"allow":"x.*"}})");
    EXPECT_TRUE(p->subscribe_allowed("x.*"));
    EXPECT_TRUE(p->subscribe_allowed("x.>"));  // nats-server 2.9.10 lets this through too
    EXPECT_FALSE(p->subscribe_allowed(">"));
    EXPECT_TRUE(p->subscribe_allowed("x.a", "q"));  // no queue entries: the plain allow decides
}

TEST(Permissions, QueueEntriesDecideForQueueSubscriptions) {
    auto allow = compile(R"({"subscribe":{"allow":["foo","foo v1"]}})");
    EXPECT_TRUE(allow->subscribe_allowed("foo"));
    EXPECT_TRUE(allow->subscribe_allowed("foo", "v1"));
    EXPECT_FALSE(allow->subscribe_allowed("foo", "v2"));
    // As nats-server: with queue entries present, a queue that is not denied gets through.
    auto deny = compile(R"({"subscribe":{"deny":["foo","foo v1"]}})");
    EXPECT_FALSE(deny->subscribe_allowed("foo"));
    EXPECT_FALSE(deny->subscribe_allowed("foo", "v1"));
    EXPECT_TRUE(deny->subscribe_allowed("foo", "v2"));
    EXPECT_TRUE(deny->subscribe_allowed("bar"));
    // Queue names in the lists may use wildcards.
    auto wild = compile(R"({"subscribe":{"allow":["bar  g.*"]}})");
    EXPECT_TRUE(wild->subscribe_allowed("bar", "g.x"));
    EXPECT_TRUE(wild->subscribe_allowed("bar", "g.*"));
    EXPECT_FALSE(wild->subscribe_allowed("bar", "g"));
    EXPECT_FALSE(wild->subscribe_allowed("bar", "g.x.y"));
    EXPECT_FALSE(wild->subscribe_allowed("bar", ">"));
}

TEST(Permissions, DeliveryFilterForWildcardsReachingADeny) {
    auto p = compile(R"({"subscribe":{"deny":["sub.secret","q grp"]}})");
    EXPECT_TRUE(p->needs_delivery_filter("sub.*"));
    EXPECT_TRUE(p->needs_delivery_filter(">"));
    EXPECT_FALSE(p->needs_delivery_filter("sub.ok"));  // literal: checked when subscribing
    EXPECT_FALSE(p->needs_delivery_filter("other.*"));
    EXPECT_TRUE(p->delivery_denied("sub.secret"));
    EXPECT_FALSE(p->delivery_denied("sub.ok"));
    EXPECT_FALSE(p->delivery_denied("q"));  // queue entries do not filter deliveries
    auto none = compile(R"({"subscribe":{"allow":">"}})");
    EXPECT_FALSE(none->needs_delivery_filter(">"));
    EXPECT_FALSE(none->delivery_denied("anything"));
}

TEST(Permissions, AllowResponsesTurnsOffTheBlanketPublishAllow) {
    auto p = compile(R"({"allow_responses":true})");
    ASSERT_TRUE(p->responses());
    EXPECT_EQ(p->responses()->max_msgs, 1);
    EXPECT_EQ(p->responses()->expires, std::chrono::nanoseconds(2min));
    EXPECT_TRUE(p->publish_restricted());
    EXPECT_FALSE(p->publish_allowed("anything"));
    auto listed = compile(R"({"publish":{"allow":["pub.>"]},"allow_responses":{"max":3,"expires":1000000000}})");
    EXPECT_TRUE(listed->publish_allowed("pub.x"));
    EXPECT_EQ(listed->responses()->max_msgs, 3);
    EXPECT_EQ(listed->responses()->expires, std::chrono::nanoseconds(1s));
    auto deny_only = compile(R"({"publish":{"deny":"x"},"allow_responses":true})");
    EXPECT_FALSE(deny_only->publish_allowed("other"));  // live: "Permissions Violation for Publish to \"other\""
}

TEST(Permissions, AllowResponsesValues) {
    // 0 means the default; negative means no limit; durations as strings too.
    auto zero = compile(R"({"allow_responses":{"max":0,"expires":0}})");
    EXPECT_EQ(zero->responses()->max_msgs, 1);
    EXPECT_EQ(zero->responses()->expires, std::chrono::nanoseconds(2min));
    auto unlimited = compile(R"({"allow_responses":{"max":-1,"expires":-1}})");
    EXPECT_EQ(unlimited->responses()->max_msgs, -1);
    EXPECT_LT(unlimited->responses()->expires.count(), 0);
    auto text = compile(R"({"publish_allow_responses":{"max_msgs":2,"ttl":"1.5s"}})");
    EXPECT_EQ(text->responses()->max_msgs, 2);
    EXPECT_EQ(text->responses()->expires, std::chrono::nanoseconds(1500ms));
    auto server_json = compile(R"({"publish":{"allow":["a"]},"responses":{"max":4,"ttl":5}})");
    EXPECT_EQ(server_json->responses()->max_msgs, 4);
    EXPECT_EQ(server_json->responses()->expires, std::chrono::nanoseconds(5));
}

TEST(Permissions, MalformedInputIsRefusedWithTheReason) {
    EXPECT_EQ(compile_error("{"), "permissions: not valid JSON");
    EXPECT_EQ(compile_error("[1]"), "permissions: expected an object, got array");
    EXPECT_EQ(compile_error(R"("a")"), "permissions: expected an object, got string");
    EXPECT_EQ(compile_error(R"({"publsh":"a"})"), "permissions: unknown field \"publsh\"");
    EXPECT_EQ(compile_error(R"({"publish":{"allow":"a","except":"b"}})"),
              "permissions: unknown field \"except\" in \"publish\"");
    EXPECT_EQ(compile_error(R"({"publish":5})"), "permissions: \"publish\" must be a subject or an array of subjects");
    EXPECT_EQ(compile_error(R"({"subscribe":{"deny":["a",1]}})"),
              "permissions: \"subscribe.deny\" must hold only strings");
    EXPECT_EQ(compile_error(R"({"publish":["a..b"]})"), "permissions: invalid subject \"a..b\" in \"publish.allow\"");
    EXPECT_EQ(compile_error(R"({"publish":{"deny":"a b"}})"), "permissions: invalid subject \"a b\" in \"publish.deny\"");
    EXPECT_EQ(compile_error(R"({"subscribe":["a q extra"]})"),
              "permissions: invalid subject-queue \"a q extra\" in \"subscribe.allow\"");
    EXPECT_EQ(compile_error(R"({"subscribe":["  "]})"), "permissions: invalid subject-queue \"  \" in \"subscribe.allow\"");
    EXPECT_EQ(compile_error(R"({"subscribe":["a.>.b q"]})"),
              "permissions: invalid subject \"a.>.b\" in \"subscribe.allow\"");
    EXPECT_EQ(compile_error(R"({"allow_responses":"yes"})"),
              "permissions: \"allow_responses\" must be a boolean or an object");
    EXPECT_EQ(compile_error(R"({"allow_responses":{"max":1.5}})"),
              "permissions: allow_responses: \"max\" must be an integer");
    EXPECT_EQ(compile_error(R"({"allow_responses":{"expires":"soon"}})"),
              "permissions: allow_responses: \"expires\": time: invalid duration \"soon\"");
    EXPECT_EQ(compile_error(R"({"allow_responses":{"expires":true}})"),
              "permissions: allow_responses: \"expires\" must be nanoseconds or a duration string");
    EXPECT_EQ(compile_error(R"({"allow_responses":{"limit":1}})"),
              "permissions: unknown field \"limit\" in \"allow_responses\"");
}

using clock = ReplyPermits::clock;

TEST(ReplyPermits, EachReplyAllowsMaxMessages) {
    ReplyPermits permits({2, std::chrono::nanoseconds(1s)});
    const auto t0 = clock::now();
    EXPECT_FALSE(permits.use("_INBOX.1", t0));  // never granted
    permits.grant("_INBOX.1", t0);
    EXPECT_TRUE(permits.use("_INBOX.1", t0));
    EXPECT_TRUE(permits.use("_INBOX.1", t0));
    EXPECT_FALSE(permits.use("_INBOX.1", t0));
    EXPECT_FALSE(permits.use("_INBOX.1", t0));  // spent and gone
    EXPECT_EQ(permits.size(), 0u);
    // A new request on the same reply subject opens it again.
    permits.grant("_INBOX.1", t0);
    EXPECT_TRUE(permits.use("_INBOX.1", t0));
}

TEST(ReplyPermits, ExpireAfterTheirTime) {
    ReplyPermits permits({-1, std::chrono::nanoseconds(500ms)});
    const auto t0 = clock::now();
    permits.grant("r", t0);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(permits.use("r", t0 + 400ms));  // no count limit
    EXPECT_FALSE(permits.use("r", t0 + 600ms));
    ReplyPermits forever({1, std::chrono::nanoseconds(-1)});
    forever.grant("r", t0);
    EXPECT_TRUE(forever.use("r", t0 + 24h));
}

TEST(ReplyPermits, StayBounded) {
    ReplyPermits permits({-1, std::chrono::nanoseconds(-1)});  // nothing ever lapses by itself
    const auto t0 = clock::now();
    for (int i = 0; i < 10000; ++i) {
        permits.grant("_INBOX." + std::to_string(i), t0 + std::chrono::microseconds(i));
        ASSERT_LE(permits.size(), 4096u);
    }
    // The newest are kept.
    EXPECT_TRUE(permits.use("_INBOX.9999", t0 + 1s));
    EXPECT_FALSE(permits.use("_INBOX.0", t0 + 1s));
}

}  // namespace
}  // namespace nats::server
