// The system account plugin: nats-server's $SYS request services (server and
// account monitoring over NATS) and events (connects, disconnects, connection
// counts, statistics, shutdown) in the system account. The kernel loads it
// whenever the server has a system account (the default "$SYS", or
// `system_account`), unless `no_system_account` is set; a build without it runs
// without these services. See README.md.
#include <memory>

#include <nats_sdk/config.hpp>
#include <nats_sdk/go_time.hpp>
#include <nats_sdk/plugin.hpp>

#include "plugins/monitoring/host_kernel_source.hpp"
#include "plugins/system_account/events.hpp"
#include "plugins/system_account/services.hpp"

namespace nats::system_account {

namespace {

constexpr const char* plugin_version = "1.0.0";

struct Settings {
    std::string account = "$SYS";
    EventSettings events;
};

std::chrono::milliseconds duration_key(const nlohmann::json& config, std::string_view key,
                                       std::chrono::milliseconds fallback) {
    const std::string text = nats_sdk::config::get<std::string>(config, key, "");
    if (text.empty()) return fallback;
    const auto d = nats_sdk::parse_go_duration(text);
    if (!d || *d <= std::chrono::nanoseconds::zero())
        throw nats_sdk::ConfigError("config key '" + std::string(key) + "' must be a positive duration such as \"30s\"");
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(*d), std::chrono::milliseconds(1));
}

// {"system_account": "SYS"} from the kernel, plus plugins { system_account { statsz_interval: "30s" } }.
Settings read_settings(const nlohmann::json& config) {
    nats_sdk::config::reject_unknown_keys(config, {"system_account", "statsz_interval", "conns_heartbeat"});
    Settings s;
    s.account = nats_sdk::config::get<std::string>(config, "system_account", "$SYS");
    if (s.account.empty()) s.account = "$SYS";
    s.events.statsz_interval = duration_key(config, "statsz_interval", s.events.statsz_interval);
    s.events.conns_heartbeat = duration_key(config, "conns_heartbeat", s.events.conns_heartbeat);
    return s;
}

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : nats_sdk::Plugin(host), settings_(read_settings(config)), kernel_(host), info_(kernel_) {}

    void start() override {
        messaging_ = std::make_unique<nats_sdk::Messaging>(host());
        const nats_sdk::AccountHandle system = messaging_->account(settings_.account);
        info_.refresh();
        services_ = std::make_unique<SystemServices>(host(), *messaging_, system, info_, kernel_, plugin_version);
        events_ = std::make_unique<SystemEvents>(host(), *messaging_, system, info_, kernel_, settings_.events);
        services_->start();
        events_->start();
    }

    void reload(const nlohmann::json& config) override {
        const Settings next = read_settings(config);
        if (next.account != settings_.account)
            throw nats_sdk::Error("the system account changes only on restart", NMK_UNSUPPORTED);
    }

    void stop() override {
        if (events_) events_->stop();
        if (services_) services_->stop();
    }

private:
    Settings settings_;
    monitoring::HostKernelSource kernel_;
    ServerInfoSource info_;
    std::unique_ptr<nats_sdk::Messaging> messaging_;
    std::unique_ptr<SystemServices> services_;
    std::unique_ptr<SystemEvents> events_;
};

}  // namespace

}  // namespace nats::system_account

NATS_SDK_PLUGIN(nats::system_account::Plugin, "system_account", "1.0.0",
                "the system account's $SYS services and events, as nats-server's", "", "")
