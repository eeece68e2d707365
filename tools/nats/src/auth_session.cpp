#include "auth_session.hpp"

#include <algorithm>

#include "auth_claims.hpp"
#include "errors.hpp"

namespace nats::cli {

auth_store auth_session::store_of(const auth_flags& flags) { return auth_store::from_environment(flags.store); }

auth_session auth_session::open(const auth_flags& flags) {
    auth_store store = store_of(flags);
    std::string name = flags.op;
    if (name.empty()) name = store.selected_operator().value_or("");
    const auto known = store.operators();
    if (!name.empty()) {
        if (!store.has_operator(name)) throw cli_error("unknown operator: " + name);
        return auth_session(std::move(store), name);
    }
    if (known.empty()) throw cli_error("no operators found, add one with 'nats auth operator add'");
    if (known.size() > 1) {
        throw cli_error("cannot pick an Operator without a terminal and no operator name supplied, use --operator "
                        "or 'nats auth operator select'");
    }
    return auth_session(std::move(store), known.front());
}

jwt::Token auth_session::operator_token() const { return jwt::decode(store_.operator_jwt(op_)); }

nkeys::KeyPair auth_session::operator_signer(const std::string& key_flag) const {
    const jwt::Token token = operator_token();
    const auto keys = signing_keys(token.claims);
    if (!key_flag.empty()) {
        if (key_flag != token.subject && std::find(keys.begin(), keys.end(), key_flag) == keys.end()) {
            throw cli_error("key " + key_flag + " is not a signing key of operator " + op_);
        }
        auto pair = store_.key(key_flag);
        if (!pair) throw cli_error("the store has no seed for " + key_flag);
        return *pair;
    }
    for (const auto& k : keys) {
        if (auto pair = store_.key(k)) return *pair;
    }
    auto pair = store_.key(token.subject);
    if (!pair) throw cli_error("the store has no seed for operator " + op_ + " (" + token.subject + ")");
    return *pair;
}

void auth_session::save_operator(const nlohmann::json& claims) const {
    const jwt::Token token = operator_token();
    auto pair = store_.key(token.subject);
    if (!pair) throw cli_error("the store has no seed for operator " + op_ + " (" + token.subject + ")");
    store_.write_operator_jwt(op_, jwt::encode(claims, *pair));
}

void auth_session::require_account(const std::string& account) const {
    if (account.empty()) throw cli_error("an Account name is required");
    if (!store_.has_account(op_, account)) throw cli_error("unknown Account: " + account);
}

jwt::Token auth_session::account_token(const std::string& account) const {
    require_account(account);
    return jwt::decode(store_.account_jwt(op_, account));
}

nkeys::KeyPair auth_session::account_signer(const std::string& account, const std::string& key_flag) const {
    const jwt::Token token = account_token(account);
    const std::string wanted = key_flag.empty() ? token.subject : key_flag;
    if (wanted != token.subject) {
        const auto keys = signing_keys(token.claims);
        if (std::find(keys.begin(), keys.end(), wanted) == keys.end()) {
            throw cli_error("key " + wanted + " is not a signing key of account " + account);
        }
    }
    auto pair = store_.key(wanted);
    if (!pair) throw cli_error("the store has no seed for " + wanted);
    return *pair;
}

std::string auth_session::save_account(const std::string& account, const nlohmann::json& claims) const {
    std::optional<nkeys::KeyPair> issuer;
    if (store_.has_account(op_, account)) {
        const std::string previous = jwt::decode(store_.account_jwt(op_, account)).issuer;
        issuer = store_.key(previous);
    }
    if (!issuer) issuer = operator_signer();
    const std::string token = jwt::encode(claims, *issuer);
    store_.write_account_jwt(op_, account, token);
    return token;
}

std::string auth_session::account_named(const std::string& name_or_key) const {
    if (store_.has_account(op_, name_or_key)) return name_or_key;
    for (const auto& a : store_.accounts(op_)) {
        if (jwt::decode(store_.account_jwt(op_, a)).subject == name_or_key) return a;
    }
    return {};
}

void auth_session::require_user(const std::string& account, const std::string& user) const {
    require_account(account);
    if (user.empty()) throw cli_error("a User name is required");
    if (!store_.has_user(op_, account, user)) throw cli_error("unknown User: " + user);
}

jwt::Token auth_session::user_token(const std::string& account, const std::string& user) const {
    require_user(account, user);
    return jwt::decode(store_.user_jwt(op_, account, user));
}

std::string auth_session::system_account_name() const {
    const auto nats = operator_token().nats();
    const std::string key = nats.value("system_account", "");
    return key.empty() ? std::string() : account_named(key);
}

} // namespace nats::cli
