// The accounts block: the model it parses into, and every refusal, with the
// reasons nats-server 2.9.10 gives (checked with `nats-server -t -c file`).
// Locations point at the offending entry: "<file>:<line>:<col>".
#include <gtest/gtest.h>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/accounts/tests/accounts_test_parse.hpp"

using nats::accounts::AccountsConfig;
using nats::accounts::ResponseType;

namespace {

using nats::accounts::test_parse::error_of;
using nats::accounts::test_parse::parse;

::testing::AssertionResult refused_with(const std::string& text, const std::string& reason) {
    const std::string got = error_of(text);
    if (got.find(reason) != std::string::npos && got.rfind("test.conf:", 0) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected \"" << reason << "\", got \"" << got << "\"";
}

const char* exporter = "A: { exports: [ {stream: \"foo.>\"}, {service: \"svc.*\", response_type: stream} ] }\n";

}  // namespace

TEST(ParseAccounts, NoBlockMeansOnlyTheDefaults) {
    auto c = parse("port: 4222");
    EXPECT_TRUE(c.accounts.empty());
    EXPECT_EQ(c.system_account, "$SYS");
    EXPECT_FALSE(c.system_account_configured);
    EXPECT_FALSE(c.has_links());
}

TEST(ParseAccounts, ExportsAndImportsModel) {
    auto c = parse(std::string("accounts {\n") + exporter +
                   "B: { users: [{user: b, password: b}], imports: [\n"
                   "  {stream: {account: A, subject: \"foo.>\"}, prefix: from_a}\n"
                   "  {service: {account: A, subject: \"svc.*\"}, to: \"ask.*\"}\n"
                   "]}\n}\n");
    ASSERT_EQ(c.accounts.size(), 2u);
    const auto* a = c.find("A");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->stream_exports.size(), 1u);
    EXPECT_EQ(a->stream_exports[0].subject, "foo.>");
    ASSERT_EQ(a->service_exports.size(), 1u);
    EXPECT_EQ(a->service_exports[0].response_type, ResponseType::stream);
    EXPECT_EQ(a->service_exports[0].where.line, 2);
    const auto* b = c.find("B");
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(b->stream_imports.size(), 1u);
    EXPECT_EQ(b->stream_imports[0].prefix, "from_a");
    ASSERT_EQ(b->service_imports.size(), 1u);
    EXPECT_EQ(b->service_imports[0].to, "ask.*");
    EXPECT_EQ(b->service_imports[0].where.line, 5);

    ASSERT_EQ(c.stream_links.size(), 1u);
    const auto& s = c.stream_links[0];
    EXPECT_EQ(s.importer, "B");
    EXPECT_EQ(s.exporter, "A");
    EXPECT_EQ(s.from, "foo.>");
    EXPECT_EQ(s.to, "from_a.foo.>");
    EXPECT_EQ(nats::accounts::delivery_subject(s, "foo.x.y"), "from_a.foo.x.y");

    ASSERT_EQ(c.service_links.size(), 1u);
    const auto& v = c.service_links[0];
    EXPECT_EQ(v.from, "ask.*");
    EXPECT_EQ(v.to, "svc.*");
    EXPECT_EQ(v.response_type, ResponseType::stream);
    EXPECT_EQ(v.export_subject, "svc.*");
    EXPECT_EQ(nats::accounts::service_subject(v, "ask.x"), "svc.x");
}

TEST(ParseAccounts, ServiceImportDefaultsToTheExportedSubject) {
    auto c = parse("accounts { A: { exports: [ {service: req} ] }, B: { imports: [ {service: {account: A, subject: req}} ] } }");
    ASSERT_EQ(c.service_links.size(), 1u);
    EXPECT_EQ(c.service_links[0].from, "req");
    EXPECT_EQ(c.service_links[0].to, "req");
    EXPECT_EQ(c.service_links[0].response_type, ResponseType::singleton);
    EXPECT_EQ(nats::accounts::service_subject(c.service_links[0], "req"), "req");
}

TEST(ParseAccounts, StreamImportWithToMapsWildcards) {
    auto c = parse("accounts { A: { exports: [ {stream: \"w.*.*\"} ] }, "
                   "B: { imports: [ {stream: {account: A, subject: \"w.*.*\"}, to: \"m.$2.$1\"} ] } }");
    ASSERT_EQ(c.stream_links.size(), 1u);
    EXPECT_EQ(c.stream_links[0].to, "m.*.*");
    EXPECT_EQ(nats::accounts::delivery_subject(c.stream_links[0], "w.one.two"), "m.two.one");
}

TEST(ParseAccounts, ResponseTypesAndThreshold) {
    auto c = parse("accounts { A: { exports: [ {service: a, response: single}, {service: b, response_type: Chunked, "
                   "threshold: \"250ms\"}, {service: c, response_type: stream} ] } }");
    const auto& e = c.find("A")->service_exports;
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0].response_type, ResponseType::singleton);
    EXPECT_EQ(e[1].response_type, ResponseType::chunked);
    EXPECT_EQ(e[1].response_threshold, std::chrono::milliseconds(250));
    EXPECT_EQ(e[2].response_type, ResponseType::stream);
    EXPECT_EQ(e[0].response_threshold, nats::accounts::default_response_threshold);
}

TEST(ParseAccounts, ArrayOfNamesAndSystemAccount) {
    auto c = parse("accounts: [A, B]\nsystem_account: B\n");
    ASSERT_EQ(c.accounts.size(), 2u);
    EXPECT_EQ(c.system_account, "B");
    EXPECT_TRUE(c.system_account_configured);
    EXPECT_TRUE(parse("no_system_account: true").no_system_account);
}

TEST(ParseAccounts, RestrictedExportAllowsTheNamedAccount) {
    EXPECT_EQ(error_of("accounts { A: { exports: [ {service: foo, accounts: [B]} ] }, "
                       "B: { imports: [ {service: {account: A, subject: foo}} ] } }"),
              "ok");
    EXPECT_EQ(error_of("accounts { A: { exports: [ {stream: foo, accounts: []} ] }, "
                       "B: { imports: [ {stream: {account: A, subject: foo}} ] } }"),
              "ok");  // an empty list is public, as in nats-server
}

TEST(ParseAccounts, AccountTokenPosition) {
    const std::string base = "accounts { A: { exports: [ {service: \"foo.*\", account_token_position: 2} ] }, "
                             "B: { imports: [ {service: {account: A, subject: ";
    EXPECT_EQ(error_of(base + "\"foo.B\"}} ] } }"), "ok");
    EXPECT_TRUE(refused_with(base + "\"foo.C\"}} ] } }", "Error adding service import \"foo.C\": service import not authorized"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo.bar, account_token_position: 2} ] } }",
                             "Error adding service export \"foo.bar\": sublist: invalid subject"));
}

TEST(ParseAccounts, ImportOfAnUndefinedAccount) {
    EXPECT_EQ(error_of("accounts {\n A: { imports: [ {stream: {account: X, subject: foo}} ] }\n}"),
              "test.conf:2:18: \"X\" account not defined for stream import");
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {service: {account: X, subject: foo}} ] } }",
                             "\"X\" account not defined for service import"));
}

TEST(ParseAccounts, ExportToAnUndefinedAccount) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo, accounts: [Z]} ] } }",
                             "\"Z\" account not defined for stream export"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, accounts: [Z]} ] } }",
                             "\"Z\" account not defined for service export"));
}

TEST(ParseAccounts, ImportNotExported) {
    EXPECT_TRUE(refused_with("accounts { A: { }, B: { imports: [ {stream: {account: A, subject: foo}} ] } }",
                             "Error adding stream import \"foo\": stream import not authorized"));
    EXPECT_TRUE(refused_with("accounts { A: { }, B: { imports: [ {service: {account: A, subject: foo}} ] } }",
                             "Error adding service import \"foo\": service import not authorized"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo} ] }, B: { imports: [ {stream: {account: A, subject: bar}} ] } }",
                             "Error adding stream import \"bar\": stream import not authorized"));
}

TEST(ParseAccounts, ImportWiderThanTheExport) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo.bar} ] }, B: { imports: [ {stream: {account: A, subject: \"foo.*\"}} ] } }",
                             "Error adding stream import \"foo.*\": stream import not authorized"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo.bar} ] }, B: { imports: [ {service: {account: A, subject: \"foo.*\"}} ] } }",
                             "Error adding service import \"foo.*\": service import not authorized"));
    EXPECT_EQ(error_of("accounts { A: { exports: [ {stream: \"foo.*\"} ] }, B: { imports: [ {stream: {account: A, subject: foo.bar}} ] } }"),
              "ok");
}

TEST(ParseAccounts, RestrictedExportRefusesOthers) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo, accounts: [C]} ] }, "
                             "B: { imports: [ {stream: {account: A, subject: foo}} ] }, C: {} }",
                             "Error adding stream import \"foo\": stream import not authorized"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, accounts: [C]} ] }, "
                             "B: { imports: [ {service: {account: A, subject: foo}} ] }, C: {} }",
                             "Error adding service import \"foo\": service import not authorized"));
}

TEST(ParseAccounts, BadSubjects) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: \"foo..bar\"} ] }, B: { imports: [ {stream: {account: A, subject: \"foo..bar\"}} ] } }",
                             "Error adding stream import \"foo..bar\": stream import not authorized"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo} ] }, B: { imports: [ {service: {account: A, subject: foo}, to: \"x..y\"} ] } }",
                             "Error adding service import \"foo\": sublist: invalid subject"));
    // nats-server keeps an export with a malformed subject that nobody imports.
    EXPECT_EQ(error_of("accounts { A: { exports: [ {stream: \"foo..bar\"}, {service: \"a b\"} ] } }"), "ok");
}

TEST(ParseAccounts, WildcardRules) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo} ] }, B: { imports: [ {stream: {account: A, subject: foo}, prefix: \"x.*\"} ] } }",
                             "Error adding stream import \"foo\": stream import prefix can not contain wildcard tokens"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: \"foo.*\"} ] }, B: { imports: [ {stream: {account: A, subject: \"foo.*\"}, to: bar.baz} ] } }",
                             "Error adding stream import \"foo.*\": failed to create mapping transform for stream import subject \"foo.*\" to \"bar.baz\": invalid mapping destination: not using all of the token wildcard(s) in bar.baz"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: \"foo.*\"} ] }, B: { imports: [ {service: {account: A, subject: \"foo.*\"}, to: bar.baz} ] } }",
                             "Error adding service import \"foo.*\": failed to create mapping transform for service import subject \"bar.baz\" to \"foo.*\": invalid mapping destination: not using all of the token wildcard(s) in bar.baz"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: \"foo.>\"} ] }, B: { imports: [ {stream: {account: A, subject: \"foo.>\"}, to: \"bar.*\"} ] } }",
                             "failed to create mapping transform for stream import subject \"foo.>\" to \"bar.*\": invalid subject"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: \"foo.*\"} ] }, B: { imports: [ {stream: {account: A, subject: \"foo.*\"}, to: \"bar.{{wildcard(2)}}\"} ] } }",
                             "invalid mapping destination: wildcard index out of range in {{wildcard(2)}}: [2]"));
    EXPECT_EQ(error_of("accounts { A: { exports: [ {service: \"foo.*\"} ] }, B: { imports: [ {service: {account: A, subject: \"foo.*\"}, to: \"bar.*\"} ] } }"),
              "ok");
    EXPECT_EQ(error_of("accounts { A: { exports: [ {service: \"foo.>\"} ] }, B: { imports: [ {service: {account: A, subject: \"foo.>\"}, to: \"bar.>\"} ] } }"),
              "ok");
}

TEST(ParseAccounts, PrefixAndToTogether) {
    EXPECT_EQ(error_of("accounts { A: { exports: [ {stream: foo} ] },\nB: { imports: [ {stream: {account: A, subject: foo}, prefix: x, to: y} ] } }"),
              "test.conf:2:65: Stream import can not have a 'prefix' and a 'to' property");
}

TEST(ParseAccounts, Duplicates) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo}, {service: bar} ] }, B: { imports: [ "
                             "{service: {account: A, subject: foo}, to: x}, {service: {account: A, subject: bar}, to: x} ] } }",
                             "Duplicate service import subject \"x\", previously used in import for account \"A\", subject \"foo\""));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo} ] }, B: { imports: [ {stream: {account: A, subject: foo}}, "
                             "{stream: {account: A, subject: foo}, prefix: p} ] } }",
                             "Error adding stream import \"foo\": stream import already exists"));
    EXPECT_TRUE(refused_with("accounts: [A, B, A]", "Duplicate Account Entry: A"));
}

TEST(ParseAccounts, Cycles) {
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo} ], imports: [ {service: {account: B, subject: foo}} ] }, "
                             "B: { exports: [ {service: foo} ], imports: [ {service: {account: A, subject: foo}} ] } }",
                             "Error adding service import \"foo\": import forms a cycle"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo} ], imports: [ {stream: {account: B, subject: foo}} ] }, "
                             "B: { exports: [ {stream: foo} ], imports: [ {stream: {account: A, subject: foo}} ] } }",
                             "Error adding stream import \"foo\": import forms a cycle"));
    // A prefix breaks the loop: what B re-exports is not what A imports.
    EXPECT_EQ(error_of("accounts { A: { exports: [ {stream: foo} ], imports: [ {stream: {account: B, subject: foo}, prefix: b} ] }, "
                       "B: { exports: [ {stream: foo} ], imports: [ {stream: {account: A, subject: foo}, prefix: a} ] } }"),
              "ok");
}

TEST(ParseAccounts, ShapeErrors) {
    EXPECT_TRUE(refused_with("accounts { $G: { } }", "\"$G\" is a Reserved Account"));
    EXPECT_TRUE(refused_with("accounts { A: 1 }", "Expected map entries for accounts"));
    EXPECT_TRUE(refused_with("accounts { A: { foo: 1 } }", "unknown field \"foo\""));
    EXPECT_TRUE(refused_with("accounts { A: { imports: {stream: {account: B, subject: foo}} } }",
                             "Imports should be an array, got map[string]interface {}"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: {stream: foo} } }",
                             "Exports should be an array, got map[string]interface {}"));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ \"foo\" ] } }",
                             "Import Items should be a map with type entry, got string"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ 1 ] } }", "Export Items should be a map with type entry, got int64"));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {stream: {account: B}} ] } }", "Expect an account name and a subject"));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {stream: foo} ] } }",
                             "Stream entry should be an account map, got string"));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {service: foo} ] } }",
                             "Service entry should be an account map, got string"));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {stream: {account: B, subject: foo}, bogus: 1} ] } }",
                             "unknown field \"bogus\""));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {stream: {account: B, subject: foo, x: 1}} ] } }",
                             "unknown field \"x\""));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo, bogus: 1} ] } }", "unknown field \"bogus\""));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo, service: bar} ] } }",
                             "Detected service \"bar\" but already saw a stream"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: bar, stream: foo} ] } }",
                             "Detected stream \"foo\" but already saw a service"));
    EXPECT_TRUE(refused_with("accounts { A: { imports: [ {service: {account: B, subject: foo}, stream: {account: B, subject: foo}} ] } }",
                             "Detected stream but already saw a service"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, response_type: weird} ] } }",
                             "Unknown response type: \"weird\""));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo, response_type: stream} ] } }",
                             "Detected response directive on non-service"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, response: stream, response_type: single} ] } }",
                             "Duplicate response type definition"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, threshold: bad} ] } }",
                             "Expected response threshold to be a parseable time duration, got \"bad\""));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, threshold: 5} ] } }",
                             "Expected response threshold to be a parseable time duration, got int64"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: 5} ] } }", "Expected stream name to be string, got int64"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: true} ] } }", "Expected service name to be string, got bool"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {stream: foo, latency: x.y} ] } }",
                             "Detected latency directive on non-service"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, latency: {sampling: 200, subject: x}} ] } }",
                             "bad sampling percentage, should be 1-100"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: foo, latency: {sampling: 50}} ] } }",
                             "Latency subject required, but missing"));
    EXPECT_TRUE(refused_with("accounts { A: { limits: { max_bogus: 1 } } }",
                             "Unknown field \"max_bogus\" parsing account limits"));
    EXPECT_TRUE(refused_with("accounts { A: { nkey: \"nope\" } }", "Not a valid public nkey for an account: \"nope\""));
}

TEST(ParseAccounts, LimitsAreKeptWithTheirAliases) {
    auto c = parse("accounts { A: { limits: { max_conn: 3, max_subscriptions: 0, MAX_PAY: 1KB, max_leafs: 1 } }, B: {} }");
    const auto* a = c.find("A");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->limits.max_connections, 3);
    EXPECT_EQ(a->limits.max_subscriptions, 0);  // none allowed, as nats-server
    EXPECT_EQ(a->limits.max_payload, 1024);
    const auto* b = c.find("B");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->limits.max_connections, -1);
    EXPECT_EQ(b->limits.max_payload, -1);
    EXPECT_TRUE(refused_with("accounts { A: { limits: { max_subs: \"x\" } } }",
                             "Expected max_subs to be an integer, got string"));
}

TEST(ParseAccounts, LatencyTrackingIsCheckedAsNatsServerDoes) {
    auto c = parse("accounts { A: { exports: [ {service: a, latency: \"lat.a\"}, "
                   "{service: b, latency: {sampling: 25%, subject: lat.b}}, {service: c, latency: {sampling: headers, subject: lat.c}} ] } }");
    const auto* a = c.find("A");
    ASSERT_NE(a, nullptr);
    ASSERT_EQ(a->service_exports.size(), 3u);
    EXPECT_EQ(a->service_exports[0].latency->subject, "lat.a");
    EXPECT_EQ(a->service_exports[0].latency->sampling, 100);
    EXPECT_EQ(a->service_exports[1].latency->sampling, 25);
    EXPECT_EQ(a->service_exports[2].latency->sampling, 0);
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: a, latency: \"lat.*\"} ] } }",
                             "Error adding service latency sampling for \"a\" on subject \"lat.*\": invalid publish subject"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: a, latency: \"svc.x\"}, {service: \"svc.>\"} ] } }",
                             "Error adding service latency sampling for \"a\" on subject \"svc.x\": invalid publish subject"));
    EXPECT_TRUE(refused_with("accounts { A: { exports: [ {service: a, response: stream, latency: lat.a} ] } }",
                             "Error adding service latency sampling for \"a\" on subject \"lat.a\": bad service response type"));
    EXPECT_TRUE(refused_with("no_system_account: true\naccounts { A: { exports: [ {service: a, latency: lat.a} ] } }",
                             "Error adding service latency sampling for \"a\": system account not setup"));
}

TEST(ParseAccounts, UndefinedSystemAccount) {
    EXPECT_EQ(error_of("system_account: X\naccounts { A: {} }"),
              "test.conf:1:1: error resolving system account: account missing");
    EXPECT_EQ(error_of("system_account: A\naccounts { A: {} }"), "ok");
    // Operator mode: the system account is an account JWT the resolver supplies.
    EXPECT_EQ(error_of("operator: \"op.jwt\"\nsystem_account: ADSYS"), "ok");
    EXPECT_EQ(error_of("trusted: OKEY\nsystem_account: ADSYS"), "ok");
}

TEST(ParseAccounts, EveryProblemIsReported) {
    const std::string e = error_of("accounts {\nA: { exports: [ {stream: foo} ] }\n"
                                   "B: { imports: [ {stream: {account: X, subject: foo}}, {stream: {account: A, subject: bar}} ] }\n}");
    EXPECT_NE(e.find("\"X\" account not defined for stream import"), std::string::npos) << e;
    EXPECT_NE(e.find("\ntest.conf:3:55: Error adding stream import \"bar\": stream import not authorized"), std::string::npos) << e;
    EXPECT_NE(e.find("test.conf:3:"), std::string::npos) << e;
}

TEST(ParseAccounts, LaterKeyWins) {
    auto c = parse("accounts { A: { exports: [ {stream: a} ] }, A: { exports: [ {stream: b} ] } }");
    ASSERT_EQ(c.accounts.size(), 1u);
    ASSERT_EQ(c.accounts[0].stream_exports.size(), 1u);
    EXPECT_EQ(c.accounts[0].stream_exports[0].subject, "b");
}
