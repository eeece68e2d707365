#pragma once
// Operator-mode worlds for the JWT integration tests: an operator, accounts and
// users minted with libs/jwt (no nsc), written as a nats-server config
// (operator inline, resolver MEMORY, resolver_preload) that both servers read.
#include <functional>
#include <map>
#include <string>

#include "libs/jwt/creds.hpp"
#include "libs/jwt/mint.hpp"
#include "libs/jwt/token.hpp"
#include "libs/nkeys/nkeys.hpp"
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration::jwt_world {

using nkeys::KeyPair;
using nkeys::KeyType;
using Edit = std::function<void(nlohmann::json&)>;

struct Account {
    KeyPair key = KeyPair::generate(KeyType::account);
    std::string jwt;
};

struct User {
    KeyPair key = KeyPair::generate(KeyType::user);
    std::string jwt;
    std::string creds() const { return jwt::format_creds(jwt, key.seed()); }
};

class World {
public:
    KeyPair op = KeyPair::generate(KeyType::operator_);
    std::string operator_jwt;

    explicit World(const Edit& edit_operator = {}) {
        auto claims = jwt::operator_claims("OP", op.public_key());
        if (edit_operator) edit_operator(claims);
        operator_jwt = jwt::encode(claims, op);
    }

    Account& account(const std::string& name, const Edit& edit = {}, const KeyPair* signer = nullptr) {
        Account& a = accounts_[name];
        auto claims = jwt::account_claims(name, a.key.public_key());
        if (edit) edit(claims);
        a.jwt = jwt::encode(claims, signer ? *signer : op);
        return a;
    }
    Account& get(const std::string& name) { return accounts_.at(name); }

    User user(const Account& account, const Edit& edit = {}, const KeyPair* signer = nullptr) const {
        User u;
        auto claims = jwt::user_claims("u", u.key.public_key());
        if (signer) claims["nats"]["issuer_account"] = account.key.public_key();
        if (edit) edit(claims);
        u.jwt = jwt::encode(claims, signer ? *signer : account.key);
        return u;
    }

    // `extra` goes after the JWT settings.
    std::string config(std::string_view extra = {}) const {
        std::string out = "operator: \"" + operator_jwt + "\"\nresolver: MEMORY\nresolver_preload: {\n";
        for (const auto& [name, a] : accounts_) out += "  " + a.key.public_key() + ": \"" + a.jwt + "\"\n";
        out += "}\n";
        out.append(extra);
        return out;
    }

private:
    std::map<std::string, Account> accounts_;
};

// A raw client that read INFO; `nonce` is INFO's nonce.
struct Raw {
    RawClient client;
    std::string nonce;
    explicit Raw(const ServerProcess& server) : client(server.port()) {
        const json info = client.read_info();
        EXPECT_TRUE(info.value("auth_required", false));
        nonce = info.value("nonce", "");
        EXPECT_FALSE(nonce.empty()) << "operator mode sends a nonce";
    }
    // CONNECT + PING: "PONG" when admitted, else the -ERR line (and the connection closed).
    std::string login(const json& connect) {
        json c = connect;
        c["verbose"] = false;
        c["protocol"] = 1;
        client.send("CONNECT " + c.dump() + "\r\nPING\r\n");
        std::string line = client.read_line();
        // Both servers send INFO again when the user's max_payload differs from the server's.
        if (line.rfind("INFO ", 0) == 0) line = client.read_line();
        if (line != "PONG") {
            std::string rest;
            EXPECT_TRUE(client.wait_closed(2s, &rest)) << "still open after " << line;
        }
        return line;
    }
    std::string login(const User& user) {
        return login({{"jwt", user.jwt}, {"sig", nkeys::base64url_encode(user.key.sign(nonce))}});
    }
};

}  // namespace nats::integration::jwt_world
