#pragma once
// AuthenticatorContract: the GoogleTest suite every authenticator passes.
//
// Include this header in exactly one source file of a test program and instantiate:
//
//   using nats_sdk::testing::AuthenticatorContract;  // the macro needs the bare name
//   INSTANTIATE_TEST_SUITE_P(MyAuth, AuthenticatorContract,
//       ::testing::Values(nats_sdk::testing::AuthenticatorContractCase{
//           .name = "my_auth",
//           .factory = [] { return AuthenticatorUnderTest::load("libmy_auth.so", R"({"users": [...]})"); },
//           .known_good = {{"alice", "alice-password-1", "SALES"}},
//           .unknown_users = {"mallory"}}),
//       nats_sdk::testing::case_name);
//
// It drives the authenticator through the C ABI only. Use distinctive passwords (a
// password must not occur by chance in a deny reason such as "unknown user").

#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nats_sdk/testing/authenticator_under_test.hpp"
#include "nats_sdk/testing/case_name.hpp"

namespace nats_sdk::testing {

struct Credential {
    std::string user;
    std::string password;
    std::string account;  // expected on ALLOW; empty: the global account ("" or "$G")
};

struct AuthenticatorContractCase {
    std::string name;  // letters, digits and '_' (it names the tests)
    std::function<std::unique_ptr<AuthenticatorUnderTest>()> factory;
    std::vector<Credential> known_good;
    std::vector<std::string> unknown_users;
    // Builds CONNECT for a user and password; default {"user":..,"pass":..}.
    std::function<std::string(std::string_view user, std::string_view password)> connect_for;
    // What the kernel knows besides CONNECT, sent with every request: e.g. the INFO nonce
    // that an NKey or JWT authenticator checks a signature of.
    ClientFacts client = {};
    // Builds CONNECT from the client facts too (e.g. signs client.nonce with the
    // "password", a seed); wins over connect_for.
    std::function<std::string(std::string_view user, std::string_view password, const ClientFacts& client)>
        connect_for_client = {};
};

inline void PrintTo(const AuthenticatorContractCase& c, std::ostream* out) { *out << c.name; }

class AuthenticatorContract : public ::testing::TestWithParam<AuthenticatorContractCase> {
protected:
    void SetUp() override {
        ASSERT_TRUE(GetParam().factory) << "the case has no factory";
        subject_ = GetParam().factory();
        ASSERT_NE(subject_, nullptr);
        ASSERT_GE(subject_->table().struct_size, sizeof(nmk_authenticator));
        ASSERT_NE(subject_->table().authenticate, nullptr);
        ASSERT_NE(subject_->table().needs_nonce, nullptr);
    }

    std::string connect(std::string_view user, std::string_view password) const {
        if (GetParam().connect_for_client) {
            return GetParam().connect_for_client(user, password, GetParam().client);
        }
        if (GetParam().connect_for) {
            return GetParam().connect_for(user, password);
        }
        return nlohmann::json{{"verbose", false}, {"pedantic", false}, {"user", user}, {"pass", password}}.dump();
    }

    AuthAnswer ask(std::string_view connect_json) const { return subject_->ask(connect_json, GetParam().client); }

    // Every secret the case knows, plus those the test made up.
    void expect_no_secret(const AuthAnswer& answer, const std::vector<std::string>& secrets) const {
        for (const auto& secret : secrets) {
            if (secret.empty()) {
                continue;
            }
            EXPECT_EQ(answer.deny_reason.find(secret), std::string::npos)
                << "deny reason \"" << answer.deny_reason << "\" contains a password";
            EXPECT_EQ(answer.user.find(secret), std::string::npos)
                << "user \"" << answer.user << "\" contains a password";
        }
    }

    std::vector<std::string> known_passwords() const {
        std::vector<std::string> out;
        for (const auto& c : GetParam().known_good) {
            out.push_back(c.password);
        }
        return out;
    }

    static bool is_global(const std::string& account) { return account.empty() || account == "$G"; }

    std::unique_ptr<AuthenticatorUnderTest> subject_;
};

TEST_P(AuthenticatorContract, KnownGoodCredentialsAreAllowedIntoTheirAccount) {
    ASSERT_FALSE(GetParam().known_good.empty()) << "the case lists no known-good credentials";
    for (const auto& c : GetParam().known_good) {
        const AuthAnswer answer = ask(connect(c.user, c.password));
        EXPECT_EQ(answer.decision, NMK_AUTH_ALLOW) << c.user << ": " << decision_name(answer.decision) << " ("
                                                   << answer.deny_reason << ")";
        if (c.account.empty()) {
            EXPECT_TRUE(is_global(answer.account)) << c.user << " landed in " << answer.account;
        } else {
            EXPECT_EQ(answer.account, c.account) << c.user;
        }
        expect_no_secret(answer, {c.password});
    }
}

TEST_P(AuthenticatorContract, WrongPasswordIsDenied) {
    for (const auto& c : GetParam().known_good) {
        const std::vector<std::string> wrong = {c.password + "-wrong-7f3a", "x-" + c.password,
                                                c.password.substr(0, c.password.size() / 2) + "#9d1e",
                                                "bad-password-2c8b"};
        for (const auto& password : wrong) {
            const AuthAnswer answer = ask(connect(c.user, password));
            EXPECT_EQ(answer.decision, NMK_AUTH_DENY) << c.user << " with a wrong password: "
                                                      << decision_name(answer.decision);
            expect_no_secret(answer, {password, c.password});
        }
    }
}

TEST_P(AuthenticatorContract, MissingOrEmptyPasswordIsNeverAllowed) {
    for (const auto& c : GetParam().known_good) {
        if (!c.password.empty()) {
            EXPECT_NE(ask(connect(c.user, "")).decision, NMK_AUTH_ALLOW) << c.user << " with an empty password";
        }
        const std::string no_pass = nlohmann::json{{"user", c.user}}.dump();
        EXPECT_NE(ask(no_pass).decision, NMK_AUTH_ALLOW) << c.user << " without a password";
    }
}

TEST_P(AuthenticatorContract, UnknownUserIsDeniedOrDeferred) {
    std::vector<std::string> users = GetParam().unknown_users;
    users.push_back("nobody-by-this-name-4e1f");
    for (const auto& user : users) {
        const std::string password = "unknown-user-secret-91c2";
        const AuthAnswer answer = ask(connect(user, password));
        EXPECT_TRUE(answer.decision == NMK_AUTH_DENY || answer.decision == NMK_AUTH_DEFER)
            << user << ": " << decision_name(answer.decision);
        expect_no_secret(answer, {password});
    }
}

TEST_P(AuthenticatorContract, MalformedConnectIsDeniedOrDeferred) {
    std::vector<std::string> inputs = {
        "", "{", "}", "not json", "[]", "null", "42", "\"user\"", "{\"user\":", "{\"user\":5,\"pass\":6}",
        "{\"user\":null,\"pass\":[]}", "{\"user\":{\"nested\":1},\"pass\":\"x\"}", "{\"user\":[\"a\"]}",
        std::string("{\"user\":\"a\0b\",\"pass\":\"c\"}", sizeof("{\"user\":\"a\0b\",\"pass\":\"c\"}") - 1), "{\"user\":\"\xff\xfe\",\"pass\":\"\xc3\"}",
        std::string(100000, '[') + std::string(100000, ']'), "{\"user\":\"" + std::string(70000, 'u') + "\"}"};
    for (const auto& c : GetParam().known_good) {
        // Right user, password of the wrong type.
        inputs.push_back(nlohmann::json{{"user", c.user}, {"pass", 12345}}.dump());
        inputs.push_back(nlohmann::json{{"user", c.user}, {"pass", nullptr}}.dump());
    }
    for (const auto& input : inputs) {
        const AuthAnswer answer = ask(input);
        EXPECT_TRUE(answer.decision == NMK_AUTH_DENY || answer.decision == NMK_AUTH_DEFER)
            << "CONNECT " << input.substr(0, 60) << ": " << decision_name(answer.decision);
        expect_no_secret(answer, known_passwords());
    }
}

TEST_P(AuthenticatorContract, EmptyRequestIsNeverAllowed) {
    nmk_auth_request request{};
    request.struct_size = sizeof(nmk_auth_request);
    const AuthAnswer answer = subject_->ask_raw(request);
    EXPECT_TRUE(answer.decision == NMK_AUTH_DENY || answer.decision == NMK_AUTH_DEFER)
        << decision_name(answer.decision);
}

TEST_P(AuthenticatorContract, AnswersAreDeterministic) {
    std::vector<std::string> inputs = {"{}", "not json"};
    for (const auto& c : GetParam().known_good) {
        inputs.push_back(connect(c.user, c.password));
        inputs.push_back(connect(c.user, c.password + "-wrong-7f3a"));
    }
    for (const auto& user : GetParam().unknown_users) {
        inputs.push_back(connect(user, "unknown-user-secret-91c2"));
    }
    for (const auto& input : inputs) {
        const AuthAnswer first = ask(input);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(ask(input), first) << "CONNECT " << input.substr(0, 60) << " answered differently";
        }
    }
}

TEST_P(AuthenticatorContract, ConcurrentAnswersAgree) {
    ASSERT_FALSE(GetParam().known_good.empty());
    std::vector<std::string> inputs;
    std::vector<AuthAnswer> expected;
    for (const auto& c : GetParam().known_good) {
        inputs.push_back(connect(c.user, c.password));
        inputs.push_back(connect(c.user, c.password + "-wrong-7f3a"));
    }
    for (const auto& input : inputs) {
        expected.push_back(ask(input));
    }
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int round = 0; round < 50; ++round) {
                for (std::size_t i = 0; i < inputs.size(); ++i) {
                    if (!(subject_->ask(inputs[i], GetParam().client) == expected[i])) {
                        mismatches.fetch_add(1);
                    }
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(mismatches.load(), 0);
}

TEST_P(AuthenticatorContract, NeedsNonceIsStable) {
    const bool first = subject_->needs_nonce();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(subject_->needs_nonce(), first);
    }
}

}  // namespace nats_sdk::testing
