#include "plugins/auth_jwt/full_resolver.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>

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
    cache_ = settings.resolver.kind == ResolverSettings::Kind::cache;
    store_ = std::make_unique<JwtDirStore>(settings.resolver.dir, settings.resolver.limit, cache_,
                                           cache_ ? settings.resolver.ttl : std::chrono::nanoseconds(0));
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
    host_.info("Managing {} jwt in exclusive directory {}", cache_ ? "some" : "all", settings.resolver.dir);
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
    on("$SYS.REQ.CLAIMS.LIST", [this](const std::string&, const std::string& r, const std::string&) { on_list(r); });
    on("$SYS.REQ.CLAIMS.DELETE",
       [this](const std::string&, const std::string& r, const std::string& p) { on_delete(r, p); });
    expiry_timer_ = host_.every(store_->expiry_check_interval(), [this] { later([this] { expire_files(); }); });
    if (cache_) return;  // a cache answers no lookups and no packs
    on("$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP",
       [this](const std::string& s, const std::string& r, const std::string&) { on_lookup(s, r); });
    on("$SYS.REQ.CLAIMS.PACK", [this](const std::string&, const std::string& r, const std::string& p) { on_pack(r, p); },
       "responder");
}

// nats-server's expiration tracker: JWT files whose ttl (cache) or `exp` has passed are
// removed; accounts already loaded stay, as there.
void FullResolver::expire_files() {
    for (const auto& key : store_->expire(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count())) {
        host_.debug("jwt {} expired from {}", key, store_->dir());
    }
}

void FullResolver::stop() {
    expiry_timer_.reset();
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
    const std::string in_error = text("jwt update resulted in error", "jwt update cache resulted in error");
    std::shared_ptr<const KnownAccount> account;
    std::string key = key_in_subject;
    try {
        const jwt::Token token = jwt::decode(payload);
        if (token.type != jwt::ClaimType::account) throw jwt::Error("not account claim");
        const jwt::AccountClaims claims = jwt::read_account(token);
        const std::string& subject = claims.subject;
        // claimValidate's answer, as "validation errors: [<each>]"; the full resolver
        // checks it first, the cache after the subject and whether it has the account.
        const auto invalid = [&] {
            const auto errors = account_limit_errors(claims);
            if (errors.empty()) return false;
            std::string listed;
            for (const auto& e : errors) listed += (listed.empty() ? "" : " ") + e;
            answer(reply, failed(subject, text("jwt validation failed", "jwt update cache validation failed"),
                                 "validation errors: [" + listed + "]"));
            return true;
        };
        if (!cache_ && invalid()) return;
        if (key.empty()) key = subject;
        if (subject != key) return answer(reply, failed(key, in_error, "subject does not match jwt content"));
        // The cache keeps only accounts the server has loaded already.
        if (cache_ && !table_.find(key)) return answer(reply, {key, "jwt update cache skipped", {}});
        if (cache_ && invalid()) return;
        account = verify_account(payload, *settings, key);
    } catch (const jwt::Error& e) {
        return answer(reply, failed(key.empty() ? "n/a" : key, in_error, e.what()));
    }
    bool changed = false;
    try {
        changed = store_->save(key, payload);
    } catch (const DirStoreError& e) {
        return answer(reply, failed(key, in_error, e.what()));
    }
    if (changed) {
        table_.put(account);
        sync_.sync();
        if (changed_) changed_(key, account.get());
    }
    answer(reply, {key, text("jwt updated", "jwt updated cache"), {}});
}

std::shared_ptr<const KnownAccount> FullResolver::fetch(const std::string& key, const Settings& settings) {
    if (!messaging_ || !store_) throw std::runtime_error("eventing shut down");
    if (auto text = store_->load(key)) return verify_account(*text, settings, key);
    struct Waiter {
        std::mutex mutex;
        std::condition_variable arrived;
        std::optional<std::string> answer;
    };
    auto waiter = std::make_shared<Waiter>();
    const std::string inbox = "$SYS._INBOX_.lookup." + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "." +
                              std::to_string(++lookups_);
    {
        auto sub = messaging_->subscribe(system_, inbox, [waiter](const nats_sdk::MessageEx& m) {
            std::lock_guard lock(waiter->mutex);
            if (!waiter->answer) waiter->answer = std::string(m.payload());  // the first answer only
            waiter->arrived.notify_all();
        });
        // Not echoed to our own LOOKUP handler, which has nothing to answer (nats-server's
        // system client does not hear itself either): no "Merging resulted in error" for it.
        messaging_->publish(system_, nats_sdk::OutMessage{"$SYS.REQ.ACCOUNT." + key + ".CLAIMS.LOOKUP", {}, inbox},
                            nats_sdk::publish_no_echo);
        std::unique_lock lock(waiter->mutex);
        if (!waiter->arrived.wait_for(lock, settings.resolver.timeout, [&] { return waiter->answer.has_value(); }))
            throw std::runtime_error("fetching jwt timed out");
    }
    auto account = verify_account(*waiter->answer, settings, key);  // jwt::Error names what is wrong
    try {
        store_->save(key, *waiter->answer);
    } catch (const DirStoreError& e) {
        throw std::runtime_error(e.what());
    }
    return account;
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
        if (!cache_ && !settings->resolver.allow_delete) error = "delete must be enabled in server config";
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
