#include <gtest/gtest.h>

#include "plugins/auth_jwt/claims_update.hpp"
#include "plugins/auth_jwt/tests/test_keys.hpp"

namespace nats::auth_jwt {
namespace {

using testing::World;

TEST(ClaimsUpdate, SubjectsNameTheAccount) {
    EXPECT_EQ(account_of_update_subject("$SYS.REQ.ACCOUNT.AABC.CLAIMS.UPDATE"), "AABC");
    EXPECT_EQ(account_of_update_subject("$SYS.ACCOUNT.AABC.CLAIMS.UPDATE"), "AABC");
    EXPECT_EQ(account_of_update_subject("$SYS.REQ.CLAIMS.UPDATE"), "");
    EXPECT_EQ(account_of_update_subject("$SYS.REQ.ACCOUNT.AABC.CLAIMS.LOOKUP"), "");
}

TEST(ClaimsUpdate, ReplacesAKnownAccountAndReportsAsNatsServer) {
    World w;
    AccountTable table;
    table.put(w.account_with());
    const std::string key = w.account.public_key();
    auto claims = jwt::account_claims("ACC", key);
    claims["nats"]["limits"]["conn"] = 7;
    const auto updated = apply_claims_update(key, jwt::encode(claims, w.op), w.settings, table);
    EXPECT_EQ(updated.message, "jwt updated");
    EXPECT_EQ(updated.error, "");
    EXPECT_EQ(table.find(key)->claims.limits.conn, 7);
    const nlohmann::ordered_json server = {{"name", "s"}};
    EXPECT_EQ(update_response(updated, server),
              R"({"data":{"account":")" + key + R"(","code":200,"message":"jwt updated"},"server":{"name":"s"}})");

    const auto empty = apply_claims_update(key, "", w.settings, table);
    EXPECT_EQ(update_response(empty, server), R"({"error":{"account":")" + key +
                                                  R"(","code":500,"description":"jwt update error - request body is empty"},"server":{"name":"s"}})");
    const auto other = testing::KeyPair::generate(testing::KeyType::account);
    const auto mismatch =
        apply_claims_update(key, jwt::encode(jwt::account_claims("X", other.public_key()), w.op), w.settings, table);
    EXPECT_EQ(mismatch.error, "subject does not match jwt content");
    const auto unknown = apply_claims_update(other.public_key(),
                                             jwt::encode(jwt::account_claims("X", other.public_key()), w.op), w.settings, table);
    EXPECT_EQ(unknown.message, "jwt update skipped");
    EXPECT_EQ(unknown.error, "");
    // Signed by an operator this server does not trust: refused, the old JWT stays.
    const auto stranger = testing::KeyPair::generate(testing::KeyType::operator_);
    const auto untrusted = apply_claims_update(key, jwt::encode(jwt::account_claims("ACC", key), stranger), w.settings, table);
    EXPECT_EQ(untrusted.message, "jwt update resulted in error");
    EXPECT_EQ(table.find(key)->claims.limits.conn, 7);
    const auto garbage = apply_claims_update(key, "nonsense", w.settings, table);
    EXPECT_EQ(garbage.error, "expected 3 chunks");
}

}  // namespace
}  // namespace nats::auth_jwt
