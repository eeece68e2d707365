#include <gtest/gtest.h>

#include "libs/nkeys/nkeys.hpp"
#include "plugins/auth_jwt/tests/test_keys.hpp"
#include "plugins/auth_jwt/user_admission.hpp"

namespace nats::auth_jwt {
namespace {

using testing::World;

constexpr std::string_view nonce = "a-nonce-from-info";

nlohmann::json connect_for(const World& w, const std::string& user_jwt, std::string_view signed_nonce = nonce) {
    return {{"jwt", user_jwt}, {"sig", nkeys::base64url_encode(w.user.sign(signed_nonce))}};
}

// Runs both steps; the refusal text, or "" when admitted.
std::string outcome(const World& w, const KnownAccount& account, const nlohmann::json& connect,
                    Admission* admitted = nullptr, std::string_view ip = "127.0.0.1") {
    auto presented = read_presented_user(connect, jwt::now_unix());
    if (auto* r = std::get_if<Refusal>(&presented)) return r->reason;
    auto verdict = admit(std::get<PresentedUser>(presented), account, w.settings, connect, ClientFacts{nonce, ip},
                         jwt::now_unix());
    if (auto* r = std::get_if<Refusal>(&verdict)) return r->reason;
    if (admitted) *admitted = std::get<Admission>(verdict);
    return "";
}

TEST(UserAdmission, AdmitsAUserWithAGoodSignature) {
    World w;
    const auto account = w.account_with();
    Admission a;
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt()), &a), "");
    EXPECT_EQ(a.result.decision, nats_sdk::AuthDecision::allow);
    EXPECT_EQ(a.result.account, w.account.public_key());
    EXPECT_EQ(a.result.user, w.user.public_key());
    EXPECT_TRUE(a.result.permissions.is_null());
    EXPECT_EQ(a.result.max_payload, -1);
    EXPECT_EQ(a.result.max_subscriptions, -1);
}

TEST(UserAdmission, RefusalsInNatsServersWords) {
    World w;
    const auto account = w.account_with();
    EXPECT_EQ(outcome(w, *account, nlohmann::json::object()), "Authentication requires a user JWT");
    EXPECT_EQ(outcome(w, *account, {{"jwt", "x.y"}}), "User JWT not valid: expected 3 chunks");
    EXPECT_EQ(outcome(w, *account, {{"jwt", w.user_jwt()}}), "Signature missing");
    EXPECT_EQ(outcome(w, *account, {{"jwt", w.user_jwt()}, {"sig", "***"}}), "Signature not valid base64");
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt(), "another nonce")), "Signature not verified");
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt([](auto& c) { c["exp"] = 1000; }))),
              "User JWT no longer valid: claim is expired");
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt([](auto& c) { c["nbf"] = jwt::now_unix() + 3600; }))),
              "User JWT no longer valid: claim is not yet valid");
    // An account JWT as the user JWT.
    EXPECT_EQ(outcome(w, *account, {{"jwt", account->text}}), "User JWT not valid: not user claim");
}

TEST(UserAdmission, IssuerMustBeTheAccountOrOneOfItsSigningKeys) {
    World w;
    const auto stranger = testing::KeyPair::generate(testing::KeyType::account);
    const auto signer = testing::KeyPair::generate(testing::KeyType::account);
    const auto account = w.account_with([&](auto& c) { c["nats"]["signing_keys"] = {signer.public_key()}; });
    auto with_issuer_account = [&](auto& c) { c["nats"]["issuer_account"] = w.account.public_key(); };
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt(with_issuer_account, &stranger))),
              "User JWT issuer is not known");
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt(with_issuer_account, &signer))), "");
}

TEST(UserAdmission, AccountSignedByAnUntrustedOperatorIsRefused) {
    World w;
    const auto account = w.account_with();
    w.settings.trusted_keys = {testing::KeyPair::generate(testing::KeyType::operator_).public_key()};
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt())), "Account JWT not signed by trusted operator");
}

TEST(UserAdmission, ScopedSigningKeyAppliesItsTemplate) {
    World w;
    const auto scoped = testing::KeyPair::generate(testing::KeyType::account);
    const auto account = w.account_with([&](auto& c) {
        c["nats"]["signing_keys"] = {{{"kind", "user_scope"}, {"key", scoped.public_key()}, {"role", "team"},
                                      {"template", {{"pub", {{"allow", {"{{name()}}.>", "{{tag(dept)}}.in"}}}},
                                                    {"sub", {{"deny", {"secret.{{subject()}}"}}}},
                                                    {"subs", 3}, {"payload", 100}}}}};
    });
    nlohmann::json claims = {{"sub", w.user.public_key()}, {"name", "bob"},
                             {"nats", {{"type", "user"}, {"issuer_account", w.account.public_key()},
                                       {"tags", {"dept:sales", "dept:ops"}}}}};
    Admission a;
    EXPECT_EQ(outcome(w, *account, connect_for(w, jwt::encode(claims, scoped)), &a), "");
    EXPECT_EQ(a.result.permissions["publish"]["allow"],
              nlohmann::json({"bob.>", "sales.in", "ops.in"}));
    EXPECT_EQ(a.result.permissions["subscribe"]["deny"], nlohmann::json({"secret." + w.user.public_key()}));
    EXPECT_EQ(a.result.max_subscriptions, 3);
    EXPECT_EQ(a.result.max_payload, 100);
    // A scoped user may not carry permissions of its own.
    claims["nats"]["pub"] = {{"allow", {">"}}};
    EXPECT_EQ(outcome(w, *account, connect_for(w, jwt::encode(claims, scoped))),
              "User JWT is not valid: scoped users require no permissions or limits set");
}

TEST(UserAdmission, BearerTokensNeedNoSignatureUnlessTheAccountForbidsThem) {
    World w;
    const auto bearer = w.user_jwt([](auto& c) { c["nats"]["bearer_token"] = true; });
    EXPECT_EQ(outcome(w, *w.account_with(), {{"jwt", bearer}}), "");
    const auto strict = w.account_with([](auto& c) { c["nats"]["limits"]["disallow_bearer"] = true; });
    EXPECT_EQ(outcome(w, *strict, {{"jwt", bearer}}), "Account does not allow bearer token");
}

TEST(UserAdmission, RevokedUsersAndExpiredAccounts) {
    World w;
    const std::string jwt_text = w.user_jwt();
    const auto issued = jwt::decode(jwt_text).issued_at;
    const auto revoking = w.account_with([&](auto& c) { c["nats"]["revocations"] = {{w.user.public_key(), issued}}; });
    EXPECT_EQ(outcome(w, *revoking, connect_for(w, jwt_text)), "User authentication revoked");
    const auto everyone = w.account_with([&](auto& c) { c["nats"]["revocations"] = {{"*", issued + 10}}; });
    EXPECT_EQ(outcome(w, *everyone, connect_for(w, jwt_text)), "User authentication revoked");
    const auto earlier = w.account_with([&](auto& c) { c["nats"]["revocations"] = {{w.user.public_key(), issued - 1}}; });
    EXPECT_EQ(outcome(w, *earlier, connect_for(w, jwt_text)), "");
    const auto expired = w.account_with([](auto& c) { c["exp"] = 1000; });
    EXPECT_EQ(outcome(w, *expired, connect_for(w, jwt_text)), "Account JWT has expired");
}

TEST(UserAdmission, SourceAddressesAndConnectTimes) {
    World w;
    const auto account = w.account_with();
    const auto local_only = w.user_jwt([](auto& c) { c["nats"]["src"] = "127.0.0.0/8"; });
    EXPECT_EQ(outcome(w, *account, connect_for(w, local_only), nullptr, "127.0.0.1"), "");
    EXPECT_EQ(outcome(w, *account, connect_for(w, local_only), nullptr, "10.1.2.3"), "Bad src Ip 10.1.2.3");
    // A window that has just begun and one that never includes now.
    const auto always = w.user_jwt([](auto& c) {
        c["nats"]["times"] = {{{"start", "00:00:00"}, {"end", "23:59:59"}}};
        c["nats"]["times_location"] = "UTC";
    });
    Admission a;
    const auto now = jwt::now_unix();
    const bool at_midnight = now % 86400 == 0 || now % 86400 == 86399;
    if (!at_midnight) {
        EXPECT_EQ(outcome(w, *account, connect_for(w, always), &a), "");
        EXPECT_GT(a.expires_unix, now);
    }
    const auto seconds = now % 86400;
    auto clock = [](std::int64_t s) {
        s = ((s % 86400) + 86400) % 86400;
        char out[16];
        std::snprintf(out, sizeof out, "%02d:%02d:%02d", int(s / 3600), int(s / 60 % 60), int(s % 60));
        return std::string(out);
    };
    const auto later = w.user_jwt([&](auto& c) {
        c["nats"]["times"] = {{{"start", clock(seconds + 3600)}, {"end", clock(seconds + 7200)}}};
        c["nats"]["times_location"] = "UTC";
    });
    EXPECT_EQ(outcome(w, *account, connect_for(w, later)), "Outside connect times");
}

TEST(UserAdmission, PermissionsAndLimitsFromTheUserOrTheAccountDefaults) {
    World w;
    const auto account = w.account_with([](auto& c) { c["nats"]["default_permissions"] = {{"sub", {{"deny", {"x"}}}}}; });
    Admission a;
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt()), &a), "");
    EXPECT_EQ(a.result.permissions, nlohmann::json({{"subscribe", {{"deny", {"x"}}}}}));
    const auto limited = w.user_jwt([](auto& c) {
        c["nats"]["pub"] = {{"deny", {"a"}}};
        c["nats"]["resp"] = {{"max", 0}, {"ttl", 0}};
        c["nats"]["subs"] = 2;
        c["nats"]["payload"] = 16;
    });
    EXPECT_EQ(outcome(w, *account, connect_for(w, limited), &a), "");
    EXPECT_EQ(a.result.permissions["publish"], nlohmann::json({{"deny", {"a"}}, {"allow", nlohmann::json::array()}}));
    EXPECT_EQ(a.result.permissions["allow_responses"], nlohmann::json({{"max", 1}, {"expires", 120000000000LL}}));
    EXPECT_EQ(a.result.max_subscriptions, 2);
    EXPECT_EQ(a.result.max_payload, 16);
}

TEST(UserAdmission, ConnectionTypes) {
    World w;
    const auto account = w.account_with();
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt([](auto& c) {
                          c["nats"]["allowed_connection_types"] = {"STANDARD", "NEWTHING"};
                      }))),
              "");
    EXPECT_EQ(outcome(w, *account, connect_for(w, w.user_jwt([](auto& c) {
                          c["nats"]["allowed_connection_types"] = {"WEBSOCKET"};
                      }))),
              "Connection type not allowed");
}

}  // namespace
}  // namespace nats::auth_jwt
