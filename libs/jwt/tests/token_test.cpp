#include <gtest/gtest.h>

#include "libs/jwt/claims.hpp"
#include "libs/jwt/mint.hpp"
#include "libs/jwt/token.hpp"

namespace nats::jwt {
namespace {

using nkeys::KeyPair;
using nkeys::KeyType;

// nats-server 2.9.10's test/configs/nkeys/op.jwt: a v1 operator token minted by the
// Go library ("alg":"ed25519", the claims part alone signed, "type" at the top).
constexpr const char* go_v1_operator =
    "eyJ0eXAiOiJqd3QiLCJhbGciOiJlZDI1NTE5In0.eyJhdWQiOiJURVNUUyIsImV4cCI6MTg1OTEyMTI3NSwianRpIjoiWE5MWjZYWVBIVE1ESlFS"
    "TlFPSFVPSlFHV0NVN01JNVc1SlhDWk5YQllVS0VRVzY3STI1USIsImlhdCI6MTU0Mzc2MTI3NSwiaXNzIjoiT0NBVDMzTVRWVTJWVU9JTUdOR1VO"
    "WEo2NkFIMlJMU0RBRjNNVUJDWUFZNVFNSUw2NU5RTTZYUUciLCJuYW1lIjoiU3luYWRpYSBDb21tdW5pY2F0aW9ucyBJbmMuIiwibmJmIjoxNTQz"
    "NzYxMjc1LCJzdWIiOiJPQ0FUMzNNVFZVMlZVT0lNR05HVU5YSjY2QUgyUkxTREFGM01VQkNZQVk1UU1JTDY1TlFNNlhRRyIsInR5cGUiOiJvcGVy"
    "YXRvciIsIm5hdHMiOnsic2lnbmluZ19rZXlzIjpbIk9EU0tSN01ZRlFaNU1NQUo2RlBNRUVUQ1RFM1JJSE9GTFRZUEpSTUFWVk40T0xWMllZQU1I"
    "Q0FDIiwiT0RTS0FDU1JCV1A1MzdEWkRSVko2NTdKT0lHT1BPUTZLRzdUNEhONk9LNEY2SUVDR1hEQUhOUDIiLCJPRFNLSTM2TFpCNDRPWTVJVkNS"
    "NlA1MkZaSlpZTVlXWlZXTlVEVExFWjVUSzJQTjNPRU1SVEFCUiJdfX0.hyfz6E39BMUh0GLzovFfk3wT4OfualftjdJ_eYkLfPvu5tZubYQ_Pn9oF"
    "YGCV_6yKy3KMGhWGUCyCdHaPhalBw";

TEST(JwtToken, DecodesAndVerifiesAGoV1Operator) {
    const Token token = decode(go_v1_operator);
    EXPECT_EQ(token.version, 1);
    EXPECT_EQ(token.type, ClaimType::operator_);
    EXPECT_EQ(token.issuer, "OCAT33MTVU2VUOIMGNGUNXJ66AH2RLSDAF3MUBCYAY5QMIL65NQM6XQG");
    EXPECT_EQ(token.subject, token.issuer);
    EXPECT_EQ(token.expires, 1859121275);
    EXPECT_EQ(token.not_before, 1543761275);
    const OperatorClaims op = read_operator(token);
    EXPECT_EQ(op.audience, "TESTS");
    EXPECT_EQ(op.issued_at, 1543761275);
    EXPECT_EQ(op.expires, 1859121275);
    ASSERT_EQ(op.signing_keys.size(), 3u);
    EXPECT_TRUE(op.trusts("ODSKR7MYFQZ5MMAJ6FPMEETCTE3RIHOFLTYPJRMAVVN4OLV2YYAMHCAC"));
    EXPECT_TRUE(op.trusts(token.subject));
    EXPECT_FALSE(op.trusts("ODSKR7MYFQZ5MMAJ6FPMEETCTE3RIHOFLTYPJRMAVVN4OLV2YYAMHCAD"));
}

TEST(JwtToken, ATamperedGoTokenFailsV1Verification) {
    std::string text = go_v1_operator;
    text[text.size() - 3] = text[text.size() - 3] == 'A' ? 'B' : 'A';
    try {
        decode(text);
        FAIL() << "decoded a tampered token";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "claim failed V1 signature verification");
    }
}

TEST(JwtToken, MintedTokensRoundTripAndVerify) {
    const auto op = KeyPair::generate(KeyType::operator_);
    const auto account = KeyPair::generate(KeyType::account);
    auto claims = account_claims("SALES", account.public_key());
    claims["exp"] = 4102444800;  // 2100
    const std::string text = encode(claims, op);
    const Token token = decode(text);
    EXPECT_EQ(token.version, 2);
    EXPECT_EQ(token.type, ClaimType::account);
    EXPECT_EQ(token.issuer, op.public_key());
    EXPECT_EQ(token.subject, account.public_key());
    EXPECT_EQ(token.name, "SALES");
    EXPECT_EQ(token.id.size(), 52u);  // base32 of 32 bytes, no padding
    EXPECT_GT(token.issued_at, 0);
    EXPECT_FALSE(time_problem(token, now_unix()));
    const AccountClaims parsed = read_account(token);
    EXPECT_EQ(parsed.limits.conn, no_limit);
    EXPECT_FALSE(parsed.limits.jetstream_enabled());
}

TEST(JwtToken, TheSameClaimsGiveTheSameId) {
    const auto op = KeyPair::generate(KeyType::operator_);
    const auto claims = account_claims("A", KeyPair::generate(KeyType::account).public_key());
    EXPECT_EQ(decode(encode(claims, op, 1000)).id, decode(encode(claims, op, 1000)).id);
    EXPECT_NE(decode(encode(claims, op, 1000)).id, decode(encode(claims, op, 1001)).id);
}

TEST(JwtToken, RefusesAnIssuerOfTheWrongRole) {
    const auto account = KeyPair::generate(KeyType::account);
    const auto user = KeyPair::generate(KeyType::user);
    // An account may not issue an account.
    EXPECT_THROW(encode(account_claims("A", account.public_key()), account), Error);
    // A user token signed by a user key, built by hand.
    auto claims = user_claims("u", user.public_key());
    claims["iss"] = user.public_key();
    const std::string header = encode_part(R"({"typ":"JWT","alg":"ed25519-nkey"})");
    const std::string input = header + "." + encode_part(claims.dump());
    try {
        decode(input + "." + encode_part(user.sign(input)));
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "unable to validate expected prefixes - [A]");
    }
}

TEST(JwtToken, SignatureByAnotherKeyFails) {
    const auto account = KeyPair::generate(KeyType::account);
    const auto other = KeyPair::generate(KeyType::account);
    const auto user = KeyPair::generate(KeyType::user);
    std::string text = encode(user_claims("u", user.public_key()), account);
    // Re-sign the same header and claims with another key.
    const auto last_dot = text.rfind('.');
    const std::string input = text.substr(0, last_dot);
    try {
        decode(input + "." + encode_part(other.sign(input)));
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "claim failed V2 signature verification");
    }
}

TEST(JwtToken, MalformedTokensGiveTheGoLibrarysErrors) {
    auto message = [](std::string_view text) {
        try {
            decode(text);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("abc"), "expected 3 chunks");
    EXPECT_EQ(message("a.b.c.d"), "expected 3 chunks");
    EXPECT_EQ(message("e30.e30.e30"), "not supported type \"\"");
    const std::string rs256 = encode_part(R"({"typ":"JWT","alg":"RS256"})");
    EXPECT_EQ(message(rs256 + ".e30.AA"), "unexpected \"RS256\" algorithm");
    const std::string good_header = encode_part(R"({"typ":"jwt","alg":"ed25519-nkey"})");
    EXPECT_EQ(message(good_header + ".e30=.AA"), "illegal base64 data at input byte 3");
    EXPECT_EQ(message(good_header + "." + encode_part(R"({"nats":{"type":"user","version":3}})") + ".AA"),
              "JWT was generated by a newer version ");
    EXPECT_EQ(message(good_header + "." + encode_part(R"({"nats":{"type":"server","version":2}})") + ".AA"),
              "ServerClaims are not supported");
    EXPECT_EQ(message(std::string(max_token_size + 1, 'a')),
              "token size 1048577 exceeds maximum of 1048576 bytes: token too large");
}

TEST(JwtToken, TimeChecks) {
    Token token;
    token.expires = 100;
    EXPECT_EQ(time_problem(token, 101).value_or(""), "claim is expired");
    EXPECT_FALSE(time_problem(token, 100));
    token.expires = 0;
    token.not_before = 200;
    EXPECT_EQ(time_problem(token, 199).value_or(""), "claim is not yet valid");
    EXPECT_FALSE(time_problem(token, 200));
}

}  // namespace
}  // namespace nats::jwt
