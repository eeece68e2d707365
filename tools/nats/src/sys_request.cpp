#include "sys_request.hpp"

#include <chrono>

#include "connection.hpp"
#include "errors.hpp"

namespace nats::cli {
namespace {

using clock_type = std::chrono::steady_clock;

std::string data_string(natsMsg* m) {
    const char* d = natsMsg_GetData(m);
    return std::string(d != nullptr ? d : "", static_cast<std::size_t>(natsMsg_GetDataLength(m)));
}

} // namespace

std::vector<std::string> sys_request(natsConnection* nc, const connection_settings& settings,
                                     const std::string& subject, const std::string& body, std::int64_t wait_for,
                                     std::vector<std::chrono::nanoseconds>* rtts) {
    const std::string inbox = new_inbox(settings);
    natsSubscription* raw = nullptr;
    check(natsConnection_SubscribeSync(&raw, nc, inbox.c_str()));
    subscription_ptr sub(raw);
    const auto sent = clock_type::now();
    check(natsConnection_PublishRequest(nc, subject.c_str(), inbox.c_str(), body.data(), static_cast<int>(body.size())));
    check(natsConnection_Flush(nc));
    std::vector<std::string> replies;
    bool refused = false;
    const auto deadline = clock_type::now() + settings.timeout;
    auto idle_deadline = deadline;
    while (wait_for <= 0 || static_cast<std::int64_t>(replies.size()) < wait_for) {
        const auto now = clock_type::now();
        const auto until = std::min(deadline, idle_deadline);
        if (now >= until) break;
        natsMsg* m = nullptr;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
        const natsStatus st = natsSubscription_NextMsg(&m, sub.get(), std::max<std::int64_t>(1, left));
        if (st == NATS_TIMEOUT) break;
        check(st);
        message_ptr msg(m);
        const char* status = nullptr;
        if (natsMsg_IsNoResponders(msg.get()) ||
            (natsMsgHeader_Get(msg.get(), "Status", &status) == NATS_OK && natsMsg_GetDataLength(msg.get()) == 0)) {
            refused = true;
            break;
        }
        replies.push_back(data_string(msg.get()));
        if (rtts != nullptr) rtts->push_back(clock_type::now() - sent);
        if (wait_for <= 0) idle_deadline = clock_type::now() + std::chrono::milliseconds(300);
    }
    if (replies.empty()) {
        if (refused) {
            throw cli_error("503 status from " + subject +
                            ", ensure a system account is used with appropriate permissions");
        }
        throw cli_error("no results received, ensure the account used has system privileges and appropriate permissions");
    }
    return replies;
}

std::int64_t sys_active_servers(natsConnection* nc, const connection_settings& settings) {
    try {
        const auto replies = sys_request(nc, settings, "$SYS.REQ.SERVER.PING", "", 1);
        const auto j = nlohmann::json::parse(replies.front(), nullptr, false);
        if (j.is_object() && j.contains("statsz")) return j["statsz"].value("active_servers", 0);
    } catch (const cli_error&) {
    }
    return 0;
}

std::vector<nlohmann::ordered_json> sys_reply_data(const std::vector<std::string>& replies) {
    std::vector<nlohmann::ordered_json> out;
    for (const auto& r : replies) {
        const auto j = nlohmann::ordered_json::parse(r, nullptr, false);
        if (!j.is_object()) throw cli_error("invalid response received: " + r);
        if (j.contains("error")) throw cli_error("invalid response received: " + j["error"].dump());
        out.push_back(j.value("data", nlohmann::ordered_json::object()));
    }
    return out;
}

} // namespace nats::cli
