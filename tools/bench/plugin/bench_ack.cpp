// The plugin side of the plugin-path benchmark (tools/bench/README.md, "The
// plugin path"): answers every message on `subject` with "+ACK" on its reply
// subject, through the SDK 1.1 calls (subscribe_ex, publish_ex with an account
// handle), or through the SDK 1.0 ones (subscribe, publish) with `legacy: true`.
//
//   plugins { load: ["bench_ack"], bench_ack { subject: "bench.plugin" } }

#include <optional>
#include <string>

#include <nats_sdk/plugin.hpp>

namespace bench_ack {

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config) : nats_sdk::Plugin(host) {
        namespace cfg = nats_sdk::config;
        cfg::reject_unknown_keys(config, {"subject", "legacy"});
        subject_ = cfg::get<std::string>(config, "subject", "bench.plugin");
        legacy_ = cfg::get<bool>(config, "legacy", false);
    }

    void start() override {
        if (legacy_) {
            subscription_ = host().subscribe(subject_, [this](const nats_sdk::Message& m) { host().respond(m, ack); });
            return;
        }
        messaging_.emplace(host());
        account_ = messaging_->account("");
        subscription_ = messaging_->subscribe(account_, subject_, [this](const nats_sdk::MessageEx& m) {
            if (!m.reply().empty()) messaging_->publish(account_, {m.reply(), ack});
        });
    }

    void stop() override { subscription_.unsubscribe(); }

private:
    static constexpr std::string_view ack = "+ACK";
    std::string subject_;
    bool legacy_ = false;
    std::optional<nats_sdk::Messaging> messaging_;
    nats_sdk::AccountHandle account_;
    nats_sdk::Subscription subscription_;
};

}  // namespace bench_ack

NATS_SDK_PLUGIN(bench_ack::Plugin, "bench_ack", "1.0.0", "Acknowledges each message (plugin-path benchmark)",
                "service", "")
