// Permission shorthands of nats-server's config, normalized for the kernel.
#include <gtest/gtest.h>

#include "libs/auth_common/config_error.hpp"
#include "libs/auth_common/permissions.hpp"

namespace nats::auth_common {
namespace {

using nlohmann::json;

json norm(const char* text) { return normalize_permissions(json::parse(text), "p"); }

std::string error_of(const char* text) {
    try {
        normalize_permissions(json::parse(text), "p");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}

constexpr std::int64_t two_minutes = 120LL * 1000 * 1000 * 1000;

TEST(NormalizePermissions, OldStyleIsAnAllowList) {
    EXPECT_EQ(norm(R"({"publish": "a.>"})"), json::parse(R"({"publish": {"allow": ["a.>"]}})"));
    EXPECT_EQ(norm(R"({"publish": ["a", "b.*"], "subscribe": "c"})"),
              json::parse(R"({"publish": {"allow": ["a", "b.*"]}, "subscribe": {"allow": ["c"]}})"));
}

TEST(NormalizePermissions, NewStyleAllowAndDeny) {
    EXPECT_EQ(norm(R"({"publish": {"allow": "a.>", "deny": ["a.secret", "a.x"]}, "subscribe": {"deny": ">"}})"),
              json::parse(R"({"publish": {"allow": ["a.>"], "deny": ["a.secret", "a.x"]},
                              "subscribe": {"deny": [">"]}})"));
}

TEST(NormalizePermissions, AliasesAndKeysInAnyCase) {
    EXPECT_EQ(norm(R"({"pub": "a", "sub": "b"})"), norm(R"({"publish": "a", "subscribe": "b"})"));
    EXPECT_EQ(norm(R"({"import": "a", "export": "b"})"), norm(R"({"publish": "a", "subscribe": "b"})"));
    EXPECT_EQ(norm(R"({"PUBLISH": {"Allow": "a", "DENY": "b"}})"), norm(R"({"publish": {"allow": "a", "deny": "b"}})"));
    EXPECT_EQ(norm(R"({"publish_allow_responses": true})"), norm(R"({"allow_responses": true})"));
}

TEST(NormalizePermissions, EmptyListsAndMapsRestrictNothing) {
    EXPECT_EQ(norm("{}"), json::object());
    EXPECT_EQ(norm(R"({"publish": []})"), json::object());
    EXPECT_EQ(norm(R"({"publish": {}})"), json::object());
    EXPECT_EQ(norm(R"({"subscribe": {"allow": [], "deny": []}})"), json::object());
    EXPECT_EQ(norm(R"({"subscribe": {"allow": [], "deny": "x"}})"), json::parse(R"({"subscribe": {"deny": ["x"]}})"));
}

TEST(NormalizePermissions, QueueGroupSubscribeEntries) {
    EXPECT_EQ(norm(R"({"subscribe": ["jobs.* workers", "a  q.*", "plain"]})"),
              json::parse(R"({"subscribe": {"allow": ["jobs.* workers", "a q.*", "plain"]}})"));
    EXPECT_EQ(norm(R"({"subscribe": {"deny": "jobs.> bad"}})"), json::parse(R"({"subscribe": {"deny": ["jobs.> bad"]}})"));
}

TEST(NormalizePermissions, AllowResponsesDefaults) {
    EXPECT_EQ(norm(R"({"allow_responses": true})"),
              (json{{"allow_responses", {{"max", 1}, {"expires", two_minutes}}}, {"publish", {{"allow", json::array()}}}}));
    EXPECT_EQ(norm(R"({"allow_responses": false})"), json::object());
    EXPECT_EQ(norm(R"({"allow_responses": {}})")["allow_responses"], (json{{"max", 1}, {"expires", two_minutes}}));
    EXPECT_EQ(norm(R"({"allow_responses": {"max": 0, "expires": "0s"}})")["allow_responses"],
              (json{{"max", 1}, {"expires", two_minutes}}));
}

TEST(NormalizePermissions, AllowResponsesValues) {
    EXPECT_EQ(norm(R"({"allow_responses": {"max": 5, "expires": "1m"}})")["allow_responses"],
              (json{{"max", 5}, {"expires", 60LL * 1000 * 1000 * 1000}}));
    EXPECT_EQ(norm(R"({"allow_responses": {"max_msgs": -1, "ttl": "-1s"}})")["allow_responses"],
              (json{{"max", -1}, {"expires", -1000LL * 1000 * 1000}}));
    EXPECT_EQ(norm(R"({"allow_responses": {"MAX_RESPONSES": 3, "expiration": "250ms"}})")["allow_responses"],
              (json{{"max", 3}, {"expires", 250LL * 1000 * 1000}}));
    EXPECT_EQ(norm(R"({"allow_responses": {"max_messages": 2}})")["allow_responses"]["max"], 2);
}

TEST(NormalizePermissions, AllowResponsesTurnsOffTheBlanketPublishAllow) {
    // Replies only, whatever order the keys come in; a deny list stays.
    const json replies_only = norm(R"({"allow_responses": true, "publish": {"deny": "x"}})");
    EXPECT_EQ(replies_only["publish"], json::parse(R"({"allow": [], "deny": ["x"]})"));
    EXPECT_EQ(norm(R"({"publish": {"deny": "x"}, "allow_responses": true})"), replies_only);
    // An explicit allow list is kept as it is.
    EXPECT_EQ(norm(R"({"publish": "a", "allow_responses": true})")["publish"], json::parse(R"({"allow": ["a"]})"));
    EXPECT_EQ(norm(R"({"allow_responses": true, "publish": "a"})")["publish"], json::parse(R"({"allow": ["a"]})"));
}

TEST(NormalizePermissions, BadInputInNatsServersWords) {
    EXPECT_EQ(error_of("5"), "p: Expected permissions to be a map/struct, got 5");
    EXPECT_EQ(error_of(R"("pub")"), "p: Expected permissions to be a map/struct, got pub");
    EXPECT_EQ(error_of(R"({"foo": "x"})"), "p: Unknown field \"foo\" parsing permissions");
    EXPECT_EQ(error_of(R"({"publish": 5})"),
              "p.publish: Expected subject permissions to be a subject, or array of subjects, got int64");
    EXPECT_EQ(error_of(R"({"publish": 1.5})"),
              "p.publish: Expected subject permissions to be a subject, or array of subjects, got float64");
    EXPECT_EQ(error_of(R"({"publish": true})"),
              "p.publish: Expected subject permissions to be a subject, or array of subjects, got bool");
    EXPECT_EQ(error_of(R"({"publish": null})"),
              "p.publish: Expected subject permissions to be a subject, or array of subjects, got <nil>");
    EXPECT_EQ(error_of(R"({"publish": {"allow": {"x": 1}}})"),
              "p.publish.allow: Expected subject permissions to be a subject, or array of subjects, got "
              "map[string]interface {}");
    EXPECT_EQ(error_of(R"({"publish": ["a", 5]})"), "p.publish: Subject in permissions array cannot be cast to string");
    EXPECT_EQ(error_of(R"({"publish": {"allow": "a", "foo": "b"}})"),
              "p.publish: Unknown field name \"foo\" parsing subject permissions, only 'allow' or 'deny' are permitted");
}

TEST(NormalizePermissions, BadSubjects) {
    EXPECT_EQ(error_of(R"({"publish": "a..b"})"), "p.publish: subject \"a..b\" is not a valid subject");
    EXPECT_EQ(error_of(R"({"publish": ""})"), "p.publish: subject \"\" is not a valid subject");
    EXPECT_EQ(error_of(R"({"publish": {"deny": [">.a"]}})"), "p.publish.deny: subject \">.a\" is not a valid subject");
    // Queue groups only make sense for subscriptions.
    EXPECT_EQ(error_of(R"({"publish": "a q"})"), "p.publish: subject \"a q\" is not a valid subject");
    EXPECT_EQ(error_of(R"({"subscribe": "a b c"})"), "p.subscribe: subject \"a b c\" is not a valid subject");
    EXPECT_EQ(error_of(R"({"subscribe": "a..b q"})"), "p.subscribe: subject \"a..b\" is not a valid subject");
    EXPECT_EQ(error_of(R"({"subscribe": "a q..x"})"), "p.subscribe: queue \"q..x\" is not a valid queue");
    EXPECT_EQ(error_of(R"({"subscribe": {"deny": " "}})"), "p.subscribe.deny: subject \" \" is not a valid subject");
}

TEST(NormalizePermissions, BadResponsePermissions) {
    EXPECT_EQ(error_of(R"({"allow_responses": 5})"),
              "p.allow_responses: error parsing response permissions, expected a boolean or a map");
    EXPECT_EQ(error_of(R"({"allow_responses": "yes"})"),
              "p.allow_responses: error parsing response permissions, expected a boolean or a map");
    EXPECT_EQ(error_of(R"({"allow_responses": {"expires": 5}})"),
              "p.allow_responses: error parsing expires, not a duration string");
    EXPECT_EQ(error_of(R"({"allow_responses": {"expires": "5x"}})"),
              "p.allow_responses: error parsing expires: time: unknown unit \"x\" in duration \"5x\"");
    EXPECT_EQ(error_of(R"({"allow_responses": {"max": "1"}})"),
              "p.allow_responses: error parsing max, expected an integer, got string");
    EXPECT_EQ(error_of(R"({"allow_responses": {"max": 1.5}})"),
              "p.allow_responses: error parsing max, expected an integer, got float64");
    EXPECT_EQ(error_of(R"({"allow_responses": {"foo": 1}})"), "p.allow_responses: Unknown field \"foo\" parsing permissions");
}

}  // namespace
}  // namespace nats::auth_common
