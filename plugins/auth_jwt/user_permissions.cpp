#include "plugins/auth_jwt/user_permissions.hpp"

#include <algorithm>

#include <nats_sdk/subject.hpp>

namespace nats::auth_jwt {

namespace {

// nats-server's defaults for a response permission given with zeros.
constexpr std::int64_t default_response_max = 1;
constexpr std::int64_t default_response_ttl_ns = 2LL * 60 * 1000 * 1000 * 1000;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::vector<std::string> split_tokens(const std::string& subject) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = subject.find('.', start);
        out.push_back(subject.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) return out;
        start = dot + 1;
    }
}

bool is_macro(const std::string& token) { return token.starts_with("{{") && token.ends_with("}}") && token.size() >= 4; }

// Every combination of one value from each list, in order (nats-server's nArrayCartesianProduct).
std::vector<std::vector<std::string>> cartesian(const std::vector<std::vector<std::string>>& lists) {
    std::vector<std::vector<std::string>> out{{}};
    for (const auto& list : lists) {
        std::vector<std::vector<std::string>> next;
        for (const auto& prefix : out) {
            for (const auto& value : list) {
                auto row = prefix;
                row.push_back(value);
                next.push_back(std::move(row));
            }
        }
        out = std::move(next);
    }
    return out;
}

struct Expander {
    const jwt::UserClaims& user;
    const jwt::AccountClaims& account;

    // nullopt: a bad subject where that is fatal.
    std::optional<std::vector<std::string>> apply(const std::vector<std::string>& list, bool fail_on_bad_subject) const {
        const bool any = std::any_of(list.begin(), list.end(), [](const std::string& subject) {
            const auto tokens = split_tokens(subject);
            return std::any_of(tokens.begin(), tokens.end(), is_macro);
        });
        if (!any) return list;
        std::vector<std::string> emitted;
        for (const auto& subject : list) {
            auto tokens = split_tokens(subject);
            std::vector<std::vector<std::string>> tag_values;
            std::vector<bool> placeholder(tokens.size(), false);
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                if (!is_macro(tokens[i])) continue;
                const std::string op = lower(tokens[i].substr(2, tokens[i].size() - 4));
                if (op == "name()") {
                    tokens[i] = user.name;
                } else if (op == "subject()") {
                    tokens[i] = user.subject;
                } else if (op == "account-name()") {
                    tokens[i] = account.name;
                } else if (op == "account-subject()") {
                    tokens[i] = user.issuer_account;
                } else if ((op.starts_with("tag(") || op.starts_with("account-tag(")) && op.ends_with(")")) {
                    const bool of_account = op.starts_with("account-tag(");
                    const std::size_t open = op.find('(');
                    const std::string prefix = lower(op.substr(open + 1, op.size() - open - 2)) + ":";
                    std::vector<std::string> values;
                    for (const auto& tag : of_account ? account.tags : user.tags) {
                        if (lower(tag).starts_with(prefix)) values.push_back(tag.substr(prefix.size()));
                    }
                    tokens[i].clear();
                    if (!values.empty()) {
                        tag_values.push_back(std::move(values));
                        placeholder[i] = true;
                    }
                } else {
                    tokens[i] = " ";  // an unknown macro must make the subject invalid
                }
            }
            auto emit = [&](const std::vector<std::string>& filled) -> bool {
                std::string out;
                for (std::size_t i = 0; i < filled.size(); ++i) {
                    if (i) out += '.';
                    out += filled[i];
                }
                if (nats_sdk::subject::is_valid_subject(out)) {
                    emitted.push_back(std::move(out));
                } else if (fail_on_bad_subject) {
                    return false;
                }
                return true;
            };
            if (tag_values.empty()) {
                if (!emit(tokens)) return std::nullopt;
                continue;
            }
            for (const auto& combination : cartesian(tag_values)) {
                auto filled = tokens;
                std::size_t next = 0;
                for (std::size_t i = 0; i < filled.size(); ++i)
                    if (placeholder[i]) filled[i] = combination[next++];
                if (!emit(filled)) return std::nullopt;
            }
        }
        return emitted;
    }
};

nlohmann::json permission_json(const jwt::Permission& permission) {
    nlohmann::json out = nlohmann::json::object();
    if (!permission.allow.empty()) out["allow"] = permission.allow;
    if (!permission.deny.empty()) out["deny"] = permission.deny;
    return out;
}

}  // namespace

nlohmann::json permissions_json(const jwt::Permissions& permissions) {
    nlohmann::json out = nlohmann::json::object();
    const bool publish = !permissions.pub.allow.empty() || !permissions.pub.deny.empty();
    const bool subscribe = !permissions.sub.allow.empty() || !permissions.sub.deny.empty();
    if (publish) out["publish"] = permission_json(permissions.pub);
    if (subscribe) out["subscribe"] = permission_json(permissions.sub);
    if (permissions.resp) {
        // validateResponsePermissions: a response permission turns off the blanket publish allow.
        if (!out.contains("publish")) out["publish"] = nlohmann::json::object();
        if (!out["publish"].contains("allow")) out["publish"]["allow"] = nlohmann::json::array();
        const std::int64_t max = permissions.resp->max == 0 ? default_response_max : permissions.resp->max;
        const std::int64_t ttl = permissions.resp->ttl_ns == 0 ? default_response_ttl_ns : permissions.resp->ttl_ns;
        out["allow_responses"] = {{"max", max}, {"expires", ttl}};
    }
    if (out.empty()) return nullptr;
    return out;
}

std::optional<jwt::UserPermissionLimits> expand_template(const jwt::UserPermissionLimits& tmpl,
                                                         const jwt::UserClaims& user,
                                                         const jwt::AccountClaims& account) {
    jwt::UserPermissionLimits out = tmpl;
    const Expander expander{user, account};
    auto& p = out.permissions;
    const bool sub_allow_was_set = !p.sub.allow.empty();
    const bool pub_allow_was_set = !p.pub.allow.empty();
    auto sub_allow = expander.apply(p.sub.allow, false);
    auto sub_deny = expander.apply(p.sub.deny, true);
    auto pub_allow = expander.apply(p.pub.allow, false);
    auto pub_deny = expander.apply(p.pub.deny, true);
    if (!sub_allow || !sub_deny || !pub_allow || !pub_deny) return std::nullopt;
    p.sub.allow = std::move(*sub_allow);
    p.sub.deny = std::move(*sub_deny);
    p.pub.allow = std::move(*pub_allow);
    p.pub.deny = std::move(*pub_deny);
    // An allow list that expanded to nothing must not become "allow everything".
    if (sub_allow_was_set && p.sub.allow.empty()) p.sub.deny.push_back(">");
    if (pub_allow_was_set && p.pub.allow.empty()) p.pub.deny.push_back(">");
    return out;
}

}  // namespace nats::auth_jwt
