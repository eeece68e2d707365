#include "plugins/auth_jwt/known_account.hpp"

#include <nats_sdk/subject.hpp>

namespace nats::auth_jwt {

namespace {

// nats-io/jwt's Import.Validate for imports carrying an activation token: a token
// that does not decode, is for another account or exporter, another kind or subject,
// or has expired makes the whole account JWT invalid (nats-server's
// verifyAccountClaims refuses it: "account validation failed").
bool activation_tokens_valid(const KnownAccount& account) {
    for (const auto& i : account.claims.imports) {
        if (i.token.empty()) continue;
        try {
            const jwt::Token token = jwt::decode(i.token);
            const jwt::ActivationClaims act = jwt::read_activation(token);
            if (act.issuer != i.account && act.issuer_account != i.account) return false;
            if (act.subject != account.key) return false;
            if (act.kind != i.type) return false;
            if (jwt::time_problem(token, jwt::now_unix())) return false;
            const std::string& subject = i.type == jwt::ExportType::service && !i.to.empty() ? i.to : i.subject;
            if (!nats_sdk::subject::is_subset_match(subject, act.import_subject)) return false;
        } catch (const jwt::Error&) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::vector<std::string> account_limit_errors(const jwt::AccountClaims& claims) {
    constexpr std::int64_t no_limit = -1;
    const jwt::AccountLimits& l = claims.limits;
    std::vector<std::string> errors;
    const auto too_many_imports = [&] {
        errors.emplace_back("the account contains more imports than allowed by the operator");
    };
    // nats-io/jwt checks the import limit twice; a non-empty limits block reports it twice.
    const auto imports = static_cast<std::int64_t>(claims.imports.size());
    if (!l.empty() && l.imports >= 0 && imports > l.imports) too_many_imports();
    if (l.imports != no_limit && imports > l.imports) too_many_imports();
    if (l.exports != no_limit) {
        if (static_cast<std::int64_t>(claims.exports.size()) > l.exports)
            errors.emplace_back("the account contains more exports than allowed by the operator");
        if (!l.wildcard_exports) {
            for (const auto& e : claims.exports) {
                if (nats_sdk::subject::has_wildcard(e.subject))
                    errors.emplace_back("the account contains wildcard exports that are not allowed by the operator");
            }
        }
    }
    return errors;
}

std::shared_ptr<const KnownAccount> verify_account(const std::string& text, const Settings& settings,
                                                   std::string_view expected_key) {
    auto account = std::make_shared<KnownAccount>();
    account->text = text;
    account->token = jwt::decode(text);
    if (account->token.type != jwt::ClaimType::account) throw jwt::Error("not account claim");
    account->claims = jwt::read_account(account->token);
    account->key = account->claims.subject;
    if (!expected_key.empty() && account->key != expected_key) {
        throw jwt::Error("subject \"" + account->key + "\" does not match the account \"" + std::string(expected_key) + "\"");
    }
    if (!settings.trusts(account->token.issuer)) throw jwt::Error("Account JWT not signed by trusted operator");
    if (!activation_tokens_valid(*account) || !account_limit_errors(account->claims).empty())
        throw jwt::Error("account validation failed");
    return account;
}

std::shared_ptr<const KnownAccount> AccountTable::find(std::string_view key) const {
    std::shared_lock lock(mutex_);
    const auto it = accounts_.find(key);
    return it == accounts_.end() ? nullptr : it->second;
}

std::shared_ptr<const KnownAccount> AccountTable::put(std::shared_ptr<const KnownAccount> account) {
    std::unique_lock lock(mutex_);
    auto& slot = accounts_[account->key];
    auto previous = std::move(slot);
    slot = std::move(account);
    return previous;
}

std::shared_ptr<const KnownAccount> AccountTable::remove(std::string_view key) {
    std::unique_lock lock(mutex_);
    const auto it = accounts_.find(key);
    if (it == accounts_.end()) return nullptr;
    auto previous = std::move(it->second);
    accounts_.erase(it);
    return previous;
}

std::vector<std::shared_ptr<const KnownAccount>> AccountTable::all() const {
    std::shared_lock lock(mutex_);
    std::vector<std::shared_ptr<const KnownAccount>> out;
    for (const auto& [key, account] : accounts_) out.push_back(account);
    return out;
}

}  // namespace nats::auth_jwt
