#include <gtest/gtest.h>

#include "libs/jwt/claims.hpp"
#include "libs/jwt/creds.hpp"
#include "libs/jwt/mint.hpp"

namespace nats::jwt {
namespace {

using nkeys::KeyPair;
using nkeys::KeyType;

TEST(JwtClaims, UserFieldsAndDefaults) {
    const auto account = KeyPair::generate(KeyType::account);
    const auto signer = KeyPair::generate(KeyType::account);
    const auto user = KeyPair::generate(KeyType::user);
    auto claims = user_claims("bob", user.public_key());
    auto& nats = claims["nats"];
    nats["pub"] = {{"allow", {"a.>"}}, {"deny", {"a.b"}}};
    nats["sub"] = {{"allow", {"_INBOX.>"}}};
    nats["resp"] = {{"max", 2}, {"ttl", 5000000000}};
    nats["src"] = "10.0.0.0/8, 127.0.0.1";
    nats["times"] = {{{"start", "08:00:00"}, {"end", "17:00:00"}}};
    nats["times_location"] = "Europe/Berlin";
    nats["subs"] = 10;
    nats["bearer_token"] = true;
    nats["issuer_account"] = account.public_key();
    nats["tags"] = {"team:a"};
    const UserClaims u = read_user(decode(encode(claims, signer)));
    EXPECT_EQ(u.subject, user.public_key());
    EXPECT_EQ(u.issuer, signer.public_key());
    EXPECT_EQ(u.issuer_account, account.public_key());
    EXPECT_EQ(u.limits.permissions.pub.allow, std::vector<std::string>{"a.>"});
    EXPECT_EQ(u.limits.permissions.pub.deny, std::vector<std::string>{"a.b"});
    EXPECT_EQ(u.limits.permissions.sub.allow, std::vector<std::string>{"_INBOX.>"});
    ASSERT_TRUE(u.limits.permissions.resp);
    EXPECT_EQ(u.limits.permissions.resp->max, 2);
    EXPECT_EQ(u.limits.permissions.resp->ttl_ns, 5000000000);
    EXPECT_EQ(u.limits.src, (std::vector<std::string>{"10.0.0.0/8", "127.0.0.1"}));
    ASSERT_EQ(u.limits.times.size(), 1u);
    EXPECT_EQ(u.limits.times[0].end, "17:00:00");
    EXPECT_EQ(u.limits.locale, "Europe/Berlin");
    EXPECT_EQ(u.limits.subs, 10);
    EXPECT_EQ(u.limits.payload, no_limit);
    EXPECT_TRUE(u.limits.bearer_token);
    EXPECT_EQ(u.tags, std::vector<std::string>{"team:a"});
}

TEST(JwtClaims, AbsentLimitsReadAsGoReadsThem) {
    const auto account = KeyPair::generate(KeyType::account);
    nlohmann::json claims = {{"sub", KeyPair::generate(KeyType::user).public_key()}, {"nats", {{"type", "user"}}}};
    const UserClaims u = read_user(decode(encode(claims, account)));
    EXPECT_EQ(u.limits.subs, 0);
    EXPECT_EQ(u.limits.payload, 0);
}

TEST(JwtClaims, AccountExportsImportsKeysAndRevocations) {
    const auto op = KeyPair::generate(KeyType::operator_);
    const auto account = KeyPair::generate(KeyType::account);
    const auto scoped = KeyPair::generate(KeyType::account);
    const auto plain = KeyPair::generate(KeyType::account);
    auto claims = account_claims("A", account.public_key());
    auto& nats = claims["nats"];
    nats["exports"] = {{{"name", "s"}, {"subject", "orders.>"}, {"type", "stream"}, {"token_req", true},
                        {"revocations", {{"AIMPORTER", 50}}}},
                       {{"subject", "help"}, {"type", "service"}, {"response_type", "Stream"},
                        {"response_threshold", 3000000000LL}, {"service_latency", {{"sampling", 50}, {"results", "lat"}}}}};
    nats["imports"] = {{{"subject", "x.>"}, {"account", "AEXPORTER"}, {"type", "stream"}, {"local_subject", "in.x.>"}},
                       {{"subject", "svc"}, {"account", "AEXPORTER"}, {"type", "service"}, {"token", "t"}, {"share", true}}};
    nats["signing_keys"] = {plain.public_key(),
                            {{"kind", "user_scope"}, {"key", scoped.public_key()}, {"role", "r"},
                             {"template", {{"pub", {{"allow", {"{{name()}}.>"}}}}, {"subs", 5}}}}};
    nats["revocations"] = {{"UREVOKED", 100}, {"*", 10}};
    nats["limits"]["conn"] = 3;
    nats["limits"]["mem_storage"] = 1024;
    nats["limits"]["streams"] = 2;
    const AccountClaims a = read_account(decode(encode(claims, op)));
    ASSERT_EQ(a.exports.size(), 2u);
    EXPECT_TRUE(a.exports[0].token_req);
    EXPECT_EQ(a.exports[0].revocations.at("AIMPORTER"), 50);
    EXPECT_EQ(a.exports[1].type, ExportType::service);
    EXPECT_EQ(a.exports[1].response_type, "Stream");
    EXPECT_EQ(a.exports[1].response_threshold_ns, 3000000000LL);
    EXPECT_EQ(a.exports[1].latency_results, "lat");
    ASSERT_EQ(a.imports.size(), 2u);
    EXPECT_EQ(a.imports[0].local_subject, "in.x.>");
    EXPECT_EQ(a.imports[1].type, ExportType::service);
    EXPECT_TRUE(a.imports[1].share);
    ASSERT_NE(a.signing_key(plain.public_key()), nullptr);
    EXPECT_FALSE(a.signing_key(plain.public_key())->scoped);
    const SigningKey* s = a.signing_key(scoped.public_key());
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->scoped);
    EXPECT_EQ(s->tmpl.subs, 5);
    EXPECT_EQ(s->tmpl.permissions.pub.allow, std::vector<std::string>{"{{name()}}.>"});
    EXPECT_EQ(a.signing_key("AOTHER"), nullptr);
    EXPECT_TRUE(a.user_revoked("UREVOKED", 100));
    EXPECT_FALSE(a.user_revoked("UREVOKED", 101));
    EXPECT_TRUE(a.user_revoked("UANYONE", 10));   // "*" covers tokens issued up to then
    EXPECT_FALSE(a.user_revoked("UANYONE", 11));
    EXPECT_EQ(a.limits.conn, 3);
    EXPECT_TRUE(a.limits.jetstream_enabled());
    EXPECT_EQ(a.limits.streams, 2);
}

TEST(JwtClaims, ActivationAndWrongTypes) {
    const auto exporter = KeyPair::generate(KeyType::account);
    const auto importer = KeyPair::generate(KeyType::account);
    const Token token = decode(encode(activation_claims(importer.public_key(), "orders.>", "stream"), exporter));
    const ActivationClaims a = read_activation(token);
    EXPECT_EQ(a.subject, importer.public_key());
    EXPECT_EQ(a.import_subject, "orders.>");
    EXPECT_EQ(a.kind, ExportType::stream);
    EXPECT_THROW(read_user(token), Error);
    EXPECT_THROW(read_account(token), Error);
    auto bad = user_claims("u", KeyPair::generate(KeyType::user).public_key());
    bad["nats"]["subs"] = "many";
    EXPECT_THROW(read_user(decode(encode(bad, exporter))), Error);
}

// Found by fuzz_jwt: a number that is no int64 (a fraction, 1e56, above 2^63) was
// converted anyway (undefined behaviour); Go's decoder refuses it, so do we.
TEST(JwtClaims, NumbersThatAreNoInt64AreErrors) {
    const auto exporter = KeyPair::generate(KeyType::account);
    for (const char* number : {"1.5", "-1.1e56", "1e300", "9223372036854775808", "18446744073709551615"}) {
        auto bad = user_claims("u", KeyPair::generate(KeyType::user).public_key());
        bad["nats"]["subs"] = nlohmann::json::parse(number);
        EXPECT_THROW(read_user(decode(encode(bad, exporter))), Error) << number;
        auto exp = user_claims("u", KeyPair::generate(KeyType::user).public_key());
        exp["exp"] = nlohmann::json::parse(number);
        EXPECT_THROW(decode(encode(exp, exporter)), Error) << number;
    }
    auto fine = user_claims("u", KeyPair::generate(KeyType::user).public_key());
    fine["nats"]["subs"] = nlohmann::json::parse("9223372036854775807");
    EXPECT_EQ(read_user(decode(encode(fine, exporter))).limits.subs, 9223372036854775807);
    EXPECT_EQ(read_int64(nlohmann::json(), "x"), 0);
    EXPECT_EQ(read_int64(nlohmann::json(-5), "x"), -5);
    EXPECT_THROW(read_int64(nlohmann::json("5"), "x"), Error);
}

TEST(JwtCreds, FormatAndParseRoundTrip) {
    const auto user = KeyPair::generate(KeyType::user);
    const std::string seed = user.seed();
    const std::string text = format_creds("eyJhbGc.eyJzdWI.sig", seed);
    EXPECT_NE(text.find("-----BEGIN NATS USER JWT-----\neyJhbGc.eyJzdWI.sig\n------END NATS USER JWT------"),
              std::string::npos);
    const Creds creds = parse_creds(text);
    EXPECT_EQ(creds.jwt, "eyJhbGc.eyJzdWI.sig");
    EXPECT_EQ(creds.seed, seed);
    EXPECT_THROW(parse_creds("-----BEGIN NATS USER JWT-----\nabc\n------END NATS USER JWT------\n"), Error);
}

TEST(JwtCreds, TokenInFileText) {
    EXPECT_EQ(token_in_file_text("  a.b.c \n"), "a.b.c");
    EXPECT_EQ(token_in_file_text("# comment\n-----BEGIN TEST OPERATOR JWT-----\na.b.c\n------END TEST OPERATOR JWT------\n"),
              "a.b.c");
}

}  // namespace
}  // namespace nats::jwt
