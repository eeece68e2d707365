#pragma once
// One `nats auth` command's view of the store: which operator it acts on (the
// --operator flag, else the selected one, else the only one), the decoded
// operator and account JWTs, and the keys that sign them. Names not in the
// store fail with natscli's texts ("unknown operator: X", "unknown Account: X").
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth_store.hpp"
#include "libs/jwt/token.hpp"

namespace nats::cli {

// The flags every auth verb shares.
struct auth_flags {
    std::string store;     // --store
    std::string op;        // --operator
};

class auth_session {
public:
    // Resolves the operator; throws cli_error when none fits.
    static auth_session open(const auth_flags& flags);
    // Without resolving an operator (operator add, ls).
    static auth_store store_of(const auth_flags& flags);

    const auth_store& store() const { return store_; }
    const std::string& operator_name() const { return op_; }

    jwt::Token operator_token() const;
    // The key new account JWTs are signed with: `key_flag` (a public key, which must
    // be the operator's or one of its signing keys with a seed in the store), else the
    // first signing key the store holds a seed for, else the operator's own key.
    nkeys::KeyPair operator_signer(const std::string& key_flag = {}) const;
    // Re-signs and stores the operator JWT with `claims`.
    void save_operator(const nlohmann::json& claims) const;

    // Throws "unknown Account: X" when the operator has no such account.
    void require_account(const std::string& account) const;
    jwt::Token account_token(const std::string& account) const;
    // The account's own key, or with `key_flag` one of its signing keys.
    nkeys::KeyPair account_signer(const std::string& account, const std::string& key_flag = {}) const;
    // Signs `claims` (with the issuer of the stored JWT when the store has its seed,
    // else operator_signer()) and stores them; returns the JWT.
    std::string save_account(const std::string& account, const nlohmann::json& claims) const;
    // The account named so, or whose public key this is; empty when none.
    std::string account_named(const std::string& name_or_key) const;

    void require_user(const std::string& account, const std::string& user) const;
    jwt::Token user_token(const std::string& account, const std::string& user) const;

    // The system account's name ("" when the operator JWT names none the store has).
    std::string system_account_name() const;

private:
    auth_session(auth_store store, std::string op) : store_(std::move(store)), op_(std::move(op)) {}
    auth_store store_;
    std::string op_;
};

} // namespace nats::cli
