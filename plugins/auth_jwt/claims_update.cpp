#include "plugins/auth_jwt/claims_update.hpp"

#include <nats_sdk/go_time.hpp>
#include <nats_sdk/host.hpp>

#include "libs/jwt/claims.hpp"

namespace nats::auth_jwt {

namespace {

std::vector<std::string_view> split(std::string_view subject) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto dot = subject.find('.', start);
        out.push_back(subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

}  // namespace

std::string account_of_update_subject(std::string_view subject) {
    const auto t = split(subject);
    // $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE and the older $SYS.ACCOUNT.<key>.CLAIMS.UPDATE
    if (t.size() == 6 && t[0] == "$SYS" && t[1] == "REQ" && t[2] == "ACCOUNT" && t[4] == "CLAIMS" && t[5] == "UPDATE")
        return std::string(t[3]);
    if (t.size() == 5 && t[0] == "$SYS" && t[1] == "ACCOUNT" && t[3] == "CLAIMS" && t[4] == "UPDATE")
        return std::string(t[2]);
    return {};
}

UpdateOutcome apply_claims_update(const std::string& key, const std::string& payload, const Settings& settings,
                                  AccountTable& table) {
    UpdateOutcome out{key, {}, {}};
    if (payload.empty()) {
        out.message = "jwt update error";
        out.error = "request body is empty";
        return out;
    }
    std::shared_ptr<const KnownAccount> account;
    try {
        const jwt::Token token = jwt::decode(payload);
        if (token.type != jwt::ClaimType::account) throw jwt::Error("not account claim");
        if (jwt::read_account(token).subject != key) {
            out.message = "jwt update resulted in error";
            out.error = "subject does not match jwt content";
            return out;
        }
        if (!table.find(key)) {
            out.message = "jwt update skipped";
            return out;
        }
        account = verify_account(payload, settings, key);
    } catch (const jwt::Error& e) {
        out.message = "jwt update resulted in error";
        out.error = e.what();
        return out;
    }
    table.put(std::move(account));
    out.message = "jwt updated";
    return out;
}

std::string update_response(const UpdateOutcome& outcome, const nlohmann::ordered_json& server) {
    nlohmann::ordered_json body;
    nlohmann::ordered_json m;
    if (!outcome.account.empty()) m["account"] = outcome.account;
    if (outcome.error.empty()) {
        m["code"] = 200;
        m["message"] = outcome.message;
        body["data"] = m;
    } else {
        m["code"] = 500;
        m["description"] = outcome.message + " - " + outcome.error;
        body["error"] = m;
    }
    body["server"] = server;
    return body.dump();
}

void ClaimsUpdates::start(const std::string& system_account) {
    messaging_.emplace(host_);
    system_ = messaging_->account(system_account);
    for (const char* subject : {"$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE", "$SYS.ACCOUNT.*.CLAIMS.UPDATE"}) {
        subscriptions_.push_back(messaging_->subscribe(system_, subject, [this](const nats_sdk::MessageEx& m) {
            auto task = [this, subject = std::string(m.subject()), reply = std::string(m.reply()),
                         payload = std::string(m.payload())]() mutable {
                handle(std::move(subject), std::move(reply), std::move(payload));
            };
            host_.post_blocking(std::move(task));
        }));
    }
}

void ClaimsUpdates::stop() {
    subscriptions_.clear();
    gate_.close();
}

nlohmann::ordered_json ClaimsUpdates::server_info() { return resolver_server_info(host_, ++seq_); }

nlohmann::ordered_json resolver_server_info(nats_sdk::Host& host, std::uint64_t seq) {
    nlohmann::ordered_json server;
    try {
        const auto varz = host.query_json("varz");
        server["name"] = varz.value("server_name", "");
        server["host"] = varz.value("host", "");
        server["id"] = varz.value("server_id", "");
        server["ver"] = varz.value("version", "");
        server["seq"] = seq;
        server["jetstream"] = varz.contains("jetstream") && varz["jetstream"].contains("config");
        server["time"] = nats_sdk::rfc3339(std::chrono::system_clock::now());
    } catch (const std::exception&) {
    }
    return server;
}

void ClaimsUpdates::handle(std::string subject, std::string reply, std::string payload) {
    TaskGate::Pass pass(gate_);
    if (!pass.entered) return;
    const std::string key = account_of_update_subject(subject);
    if (key.empty()) return;
    const auto settings = settings_();
    const UpdateOutcome outcome = apply_claims_update(key, payload, *settings, table_);
    if (outcome.error.empty()) {
        if (outcome.message == "jwt updated") {
            sync_.sync();
            if (const auto account = table_.find(key); account && updated_) updated_(*account);
        }
        host_.debug("{} - {}", outcome.message, key);
    } else {
        host_.error("{} - {} - {}", outcome.message, key, outcome.error);
    }
    if (reply.empty()) return;
    const std::string body = update_response(outcome, server_info());
    messaging_->publish(system_, nats_sdk::OutMessage{reply, body});
}

}  // namespace nats::auth_jwt
