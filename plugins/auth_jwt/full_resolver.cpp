#include "plugins/auth_jwt/full_resolver.hpp"

#include <nats_sdk/error.hpp>
#include <nats_sdk/host.hpp>

#include "libs/jwt/claims.hpp"
#include "libs/nkeys/nkeys.hpp"

namespace nats::auth_jwt {

namespace {

// The <key> of $SYS.REQ.ACCOUNT.<key>.CLAIMS.LOOKUP; empty for another subject.
std::string account_of_lookup_subject(std::string_view subject) {
    constexpr std::string_view prefix = "$SYS.REQ.ACCOUNT.", suffix = ".CLAIMS.LOOKUP";
    if (!subject.starts_with(prefix) || !subject.ends_with(suffix) || subject.size() <= prefix.size() + suffix.size())
        return {};
    return std::string(subject.substr(prefix.size(), subject.size() - prefix.size() - suffix.size()));
}

UpdateOutcome failed(std::string account, std::string message, std::string error) {
    return {std::move(account), std::move(message), std::move(error)};
}

}  // namespace

FullResolver::FullResolver(nats_sdk::Host& host, AccountTable& table, AccountSync& sync, SettingsSource settings,
                           AccountEvent changed)
    : host_(host), table_(table), sync_(sync), settings_(std::move(settings)), changed_(std::move(changed)) {}

void FullResolver::open(const Settings& settings) {
    store_ = std::make_unique<JwtDirStore>(settings.resolver.dir, settings.resolver.limit);
    std::map<std::string, std::string> found;
    try {
        found = store_->open();
    } catch (const DirStoreError& e) {
        throw nats_sdk::ConfigError(std::string("config key 'resolver': ") + e.what());
    }
    // As nats-server, preloaded accounts the directory lacks are written into it.
    for (const auto& [key, text] : settings.preload) {
        if (found.contains(key)) continue;
        try {
            store_->save(key, text);
            found[key] = text;
        } catch (const DirStoreError& e) {
            throw nats_sdk::ConfigError(std::string("config key 'resolver_preload': ") + e.what());
        }
    }
    for (const auto& [key, text] : found) {
        try {
            table_.put(verify_account(text, settings, key));
        } catch (const jwt::Error& e) {
            host_.warn("Account [{}] has validation issues: {}", key, e.what());
        }
    }
    host_.info("Managing all jwt in exclusive directory {}", settings.resolver.dir);
}

void FullResolver::later(std::function<void()> task) {
    host_.post_blocking([this, task = std::move(task)] {
        TaskGate::Pass pass(gate_);
        if (pass.entered) task();
    });
}

void FullResolver::start(const std::string& system_account) {
    messaging_.emplace(host_);
    system_ = messaging_->account(system_account);
    system_key_ = system_account;
    auto on = [this](const char* subject, auto handler, std::string_view queue = {}) {
        subscriptions_.push_back(messaging_->subscribe(
            system_, subject,
            [this, handler](const nats_sdk::MessageEx& m) {
                later([this, handler, subject = std::string(m.subject()), reply = std::string(m.reply()),
                       payload = std::string(m.payload())] { handler(subject, reply, payload); });
            },
            queue));
    };
    on("$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", [this](const std::string& s, const std::string& r, const std::string& p) {
        on_update(account_of_update_subject(s), r, p);
    });
    on("$SYS.ACCOUNT.*.CLAIMS.UPDATE", [this](const std::string& s, const std::string& r, const std::string& p) {
        on_update(account_of_update_subject(s), r, p);
    });
    on("$SYS.REQ.CLAIMS.UPDATE",
       [this](const std::string&, const std::string& r, const std::string& p) { on_update({}, r, p); });
    on("$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP",
       [this](const std::string& s, const std::string& r, const std::string&) { on_lookup(s, r); });
    on("$SYS.REQ.CLAIMS.LIST", [this](const std::string&, const std::string& r, const std::string&) { on_list(r); });
    on("$SYS.REQ.CLAIMS.DELETE",
       [this](const std::string&, const std::string& r, const std::string& p) { on_delete(r, p); });
    on("$SYS.REQ.CLAIMS.PACK", [this](const std::string&, const std::string& r, const std::string& p) { on_pack(r, p); },
       "responder");
}

void FullResolver::stop() {
    subscriptions_.clear();
    gate_.close();
}

void FullResolver::reply_raw(const std::string& reply, std::string body) {
    if (reply.empty() || !messaging_) return;
    messaging_->publish(system_, nats_sdk::OutMessage{reply, body});
}

void FullResolver::answer(const std::string& reply, const UpdateOutcome& outcome) {
    // respondToUpdate's log lines: debug on success, error on failure.
    const std::string who = outcome.account.empty() ? std::string() : " - " + outcome.account;
    if (outcome.error.empty()) host_.debug("{}{}", outcome.message, who);
    else host_.error("{}{} - {}", outcome.message, who, outcome.error);
    reply_raw(reply, update_response(outcome, resolver_server_info(host_, ++seq_)));
}

void FullResolver::on_update(const std::string& key_in_subject, const std::string& reply, const std::string& payload) {
    const auto settings = settings_();
    std::shared_ptr<const KnownAccount> account;
    std::string key = key_in_subject;
    try {
        const jwt::Token token = jwt::decode(payload);
        if (token.type != jwt::ClaimType::account) throw jwt::Error("not account claim");
        const std::string subject = jwt::read_account(token).subject;
        if (key.empty()) key = subject;
        if (subject != key)
            return answer(reply, failed(key, "jwt update resulted in error", "subject does not match jwt content"));
        account = verify_account(payload, *settings, key);
    } catch (const jwt::Error& e) {
        return answer(reply, failed(key.empty() ? "n/a" : key, "jwt update resulted in error", e.what()));
    }
    bool changed = false;
    try {
        changed = store_->save(key, payload);
    } catch (const DirStoreError& e) {
        return answer(reply, failed(key, "jwt update resulted in error", e.what()));
    }
    if (changed) {
        table_.put(account);
        sync_.sync();
        if (changed_) changed_(key, account.get());
    }
    answer(reply, {key, "jwt updated", {}});
}

void FullResolver::on_lookup(const std::string& subject, const std::string& reply) {
    if (reply.empty()) return;
    const std::string key = account_of_lookup_subject(subject);
    if (key.empty()) return;
    if (auto text = store_->load(key)) {
        reply_raw(reply, std::move(*text));
    } else {
        host_.error("Merging resulted in error: open {}/{}.jwt: no such file or directory", store_->dir(), key);
    }
}

void FullResolver::on_list(const std::string& reply) {
    if (reply.empty()) return;
    nlohmann::ordered_json body;
    body["data"] = nlohmann::ordered_json::array();
    for (const auto& [key, text] : store_->all()) body["data"].push_back(key);
    body["server"] = resolver_server_info(host_, ++seq_);
    host_.debug("list request responded with {} account ids", body["data"].size());
    reply_raw(reply, body.dump());
}

void FullResolver::on_delete(const std::string& reply, const std::string& payload) {
    const auto settings = settings_();
    std::vector<std::string> keys;
    std::string subject, error;
    try {
        const jwt::Token token = jwt::decode(payload);
        subject = token.subject;
        const nlohmann::json& list = token.nats().contains("accounts") ? token.nats()["accounts"] : token.claims["accounts"];
        if (!settings->resolver.allow_delete) error = "delete must be enabled in server config";
        else if (token.subject != token.issuer) error = "not self signed";
        else if (!settings->trusts(token.issuer)) error = "not trusted";
        else if (!list.is_array()) error = "malformed request";
        else {
            for (const auto& entry : list) {
                if (!entry.is_string() || !nkeys::is_valid_public_key(entry.get<std::string>(), nkeys::KeyType::account)) {
                    error = "malformed request";
                    break;
                }
                if (entry.get<std::string>() == system_key_) {
                    error = "not allowed to delete system account";
                    break;
                }
                keys.push_back(entry.get<std::string>());
            }
        }
    } catch (const jwt::Error& e) {
        error = e.what();
    }
    if (!error.empty()) return answer(reply, failed({}, "delete accounts request by " + subject + " failed", error));
    std::vector<std::string> errors;
    std::size_t deleted = 0;
    for (const auto& key : keys) {
        try {
            if (store_->remove(key)) {
                table_.remove(key);
                if (changed_) changed_(key, nullptr);
            }
            ++deleted;  // as nats-server: a key with no file counts as deleted
        } catch (const DirStoreError& e) {
            errors.push_back(e.what());
        }
    }
    if (errors.empty()) return answer(reply, {{}, "deleted " + std::to_string(deleted) + " accounts", {}});
    std::string joined;
    for (const auto& e : errors) joined += (joined.empty() ? "" : "\n") + e;
    answer(reply, failed({}, "deleted " + std::to_string(deleted) + " accounts, failed for " +
                                 std::to_string(errors.size()),
                         joined));
}

void FullResolver::on_pack(const std::string& reply, const std::string& their_hash) {
    if (reply.empty()) return;
    const auto ours = store_->hash();
    if (their_hash != std::string(reinterpret_cast<const char*>(ours.data()), ours.size())) {
        for (const auto& [key, text] : store_->all()) reply_raw(reply, key + "|" + text);
    }
    reply_raw(reply, {});  // the end of the answer
}

}  // namespace nats::auth_jwt
