#include "plugins/system_account/events.hpp"

#include <nats_sdk/go_json.hpp>
#include <nats_sdk/go_time.hpp>

#include "plugins/system_account/stats_messages.hpp"

namespace nats::system_account {

namespace {

constexpr std::chrono::milliseconds tick_period{250};
constexpr std::string_view global_account = "$G";

}  // namespace

SystemEvents::SystemEvents(nats_sdk::Host& host, const nats_sdk::Messaging& messaging,
                           nats_sdk::AccountHandle system, ServerInfoSource& info,
                           monitoring::KernelSource& kernel, EventSettings settings)
    : host_(host), messaging_(messaging), system_(system), info_(info), kernel_(kernel), settings_(settings) {}

void SystemEvents::start() {
    running_ = true;
    const auto now = std::chrono::steady_clock::now();
    statsz_gap_ = settings_.first_statsz;
    next_statsz_ = now + statsz_gap_;
    next_heartbeat_ = now + settings_.conns_heartbeat;
    const nats_sdk::Clients clients(host_);
    // SDK 1.3 kernels also report refused logins (the auth error event); older ones cannot.
    connections_ = clients.watch_connections(clients.has_watch_flags() ? NMK_WATCH_AUTH_ERRORS : 0u,
                                             [this](const nats_sdk::ConnectionEvent& e) { on_connection(e); });
    ticker_ = host_.every(tick_period, [this] { tick(); });
}

void SystemEvents::stop() {
    if (!running_.exchange(false)) return;
    ticker_ = nats_sdk::Timer();
    connections_ = nats_sdk::Watch();
    // ServerInfo alone is the SHUTDOWN event's body.
    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    info_.write_member(w);
    w.end_object();
    std::string text = w.take();
    // {"server":{...}} -> {...}
    const std::string body = text.substr(10, text.size() - 11);
    publish("$SYS.SERVER." + info_.server_id() + ".SHUTDOWN", body);
}

void SystemEvents::publish(const std::string& subject, const std::string& payload) {
    try {
        messaging_.publish(system_, nats_sdk::OutMessage{subject, payload});
    } catch (const std::exception& e) {
        host_.warn("system event {} not sent: {}", subject, e.what());
    }
}

std::int64_t go_event_rtt(std::chrono::nanoseconds rtt) {
    // nats-server's getRTT: whole microseconds between 1 us and 1 ms, nanoseconds otherwise.
    const auto ns = rtt.count();
    if (ns > 1000 && ns < 1000000) return ns - ns % 1000;
    return ns;
}

std::string SystemEvents::connection_message(const nats_sdk::ConnectionEvent& e) {
    // A refused login is told as a disconnect (nats-server's sendAuthErrorEvent).
    const bool connect = e.connected();
    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    w.field("type", connect ? "io.nats.server.advisory.v1.client_connect" : "io.nats.server.advisory.v1.client_disconnect");
    w.field("id", next_event_id());
    w.field("timestamp", connect ? now_text() : nats_sdk::rfc3339(e.stop()));
    info_.write_member(w);
    // ClientInfo, omitting empty members as nats-server's omitempty tags do.
    w.key("client").begin_object();
    w.field("start", nats_sdk::rfc3339(e.start()));
    if (!e.ip().empty()) w.field("host", e.ip());
    if (e.client_id() != 0) w.field("id", e.client_id());
    w.field("acc", e.account());
    if (!e.user().empty()) w.field("user", e.user());
    if (!e.name().empty()) w.field("name", e.name());
    if (!e.lang().empty()) w.field("lang", e.lang());
    if (!e.version().empty()) w.field("ver", e.version());
    // Only disconnects (and auth errors) carry the round trip; omitted while unknown.
    if (!connect && e.rtt().count() != 0) w.field("rtt", go_event_rtt(e.rtt()));
    if (!connect) w.field("stop", nats_sdk::rfc3339(e.stop()));
    w.field("kind", "Client").field("client_type", "nats");
    w.end_object();
    if (!connect) {
        // What the client sent is what the server received from it.
        w.key("sent").begin_object().field("msgs", e.in_msgs()).field("bytes", e.in_bytes()).end_object();
        w.key("received").begin_object().field("msgs", e.out_msgs()).field("bytes", e.out_bytes()).end_object();
        w.field("reason", e.reason());
    }
    w.end_object();
    return w.take();
}

void SystemEvents::on_connection(const nats_sdk::ConnectionEvent& e) {
    if (!running_) return;
    if (e.auth_error()) {
        // Sent for every account, $G included; the count of connections did not change.
        std::string subject = "$SYS.SERVER." + info_.server_id() + ".CLIENT.AUTH.ERR";
        if (!messaging_.has_interest(system_, subject)) return;
        std::string body = connection_message(e);
        host_.post([this, subject = std::move(subject), body = std::move(body)] { publish(subject, body); });
        return;
    }
    const std::string account(e.account());
    std::string subject = "$SYS.ACCOUNT." + account + (e.connected() ? ".CONNECT" : ".DISCONNECT");
    // Nobody listening (the usual case): no message to build, as nothing would receive it.
    if (account != global_account && messaging_.has_interest(system_, subject)) {
        std::string body = connection_message(e);
        host_.post([this, subject = std::move(subject), body = std::move(body)] { publish(subject, body); });
    }
    // nats-server counts a new client in every account, a departed one outside $G.
    if (e.connected() || account != global_account) {
        std::lock_guard lock(mutex_);
        changed_accounts_.insert(account);
    }
    schedule_conns_flush();
}

void SystemEvents::schedule_conns_flush() {
    {
        std::lock_guard lock(mutex_);
        if (flush_posted_ || changed_accounts_.empty()) return;
        flush_posted_ = true;
    }
    host_.post_blocking([this] { flush_conns(); });
}

void SystemEvents::flush_conns() {
    std::set<std::string> accounts;
    {
        std::lock_guard lock(mutex_);
        accounts.swap(changed_accounts_);
        flush_posted_ = false;
    }
    if (!running_) return;
    std::erase_if(accounts, [&](const std::string& account) {
        return !messaging_.has_interest(system_, "$SYS.SERVER.ACCOUNT." + account + ".CONNS") &&
               !messaging_.has_interest(system_, "$SYS.ACCOUNT." + account + ".SERVER.CONNS");
    });
    if (accounts.empty()) return;  // no listener: the kernel's statistics are not even read
    const auto stats = account_stats(kernel_);
    for (const auto& account : accounts) {
        const auto it = stats.find(account);
        if (it == stats.end()) continue;
        const std::string body = account_conns_message(info_, it->second);
        publish("$SYS.SERVER.ACCOUNT." + account + ".CONNS", body);
        publish("$SYS.ACCOUNT." + account + ".SERVER.CONNS", body);
    }
}

void SystemEvents::tick() {
    if (!running_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_statsz_) {
        statsz_gap_ = std::min(statsz_gap_ * 2, settings_.statsz_interval);
        next_statsz_ = now + statsz_gap_ - tick_period / 2;
        host_.post_blocking([this] {
            if (!running_) return;
            info_.refresh();
            publish("$SYS.SERVER." + info_.server_id() + ".STATSZ", statsz_message(info_, kernel_));
        });
    }
    if (now >= next_heartbeat_) {
        next_heartbeat_ = now + settings_.conns_heartbeat;
        // Every account that has connections reports again (nats-server's per-account heartbeat).
        host_.post_blocking([this] {
            if (!running_) return;
            {
                std::lock_guard lock(mutex_);
                for (const auto& [account, stat] : account_stats(kernel_))
                    if (stat.value("conns", 0) > 0) changed_accounts_.insert(account);
            }
            schedule_conns_flush();
        });
    }
}

}  // namespace nats::system_account
