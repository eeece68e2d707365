// A minimal service: answers requests on a subject from its config block.
//
//   plugins {
//     path: ["/opt/nats/plugins"]
//     load: ["service_example"]
//     service_example { subject: "greet.>", greeting: "hello", report_interval_ms: 60000 }
//   }
//
// A request to greet.alice with a reply subject gets "hello alice". Requests are counted
// in the metric service_example_requests, and a timer logs the count.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <nats_sdk/plugin.hpp>

namespace service_example {

struct Settings {
    std::string subject;
    std::string queue;
    std::string greeting;
    std::chrono::milliseconds report_interval;
};

Settings read_settings(const nlohmann::json& config) {
    namespace cfg = nats_sdk::config;
    cfg::reject_unknown_keys(config, {"subject", "queue", "greeting", "report_interval_ms"});
    Settings settings{cfg::get<std::string>(config, "subject", "greet.>"), cfg::get<std::string>(config, "queue", ""),
                      cfg::get<std::string>(config, "greeting", "hello"),
                      std::chrono::milliseconds(cfg::get<std::int64_t>(config, "report_interval_ms", 60000))};
    if (!nats_sdk::subject::is_valid_subject(settings.subject)) {
        throw nats_sdk::ConfigError("config key 'subject' is not a valid subject: '" + settings.subject + "'");
    }
    if (settings.report_interval.count() <= 0) {
        throw nats_sdk::ConfigError("config key 'report_interval_ms' must be positive");
    }
    return settings;
}

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : nats_sdk::Plugin(host), settings_(std::make_shared<const Settings>(read_settings(config))) {}

    void start() override {
        requests_metric_ = host().counter("service_example_requests", "Requests answered by service_example");
        apply(*settings_.load());
    }

    void reload(const nlohmann::json& config) override {
        auto next = std::make_shared<const Settings>(read_settings(config));
        const auto current = settings_.load();
        if (next->subject != current->subject || next->queue != current->queue ||
            next->report_interval != current->report_interval) {
            apply(*next);
        }
        settings_.store(std::move(next));
    }

    void stop() override {
        subscription_.unsubscribe();
        report_timer_.cancel();
    }

private:
    // (Re)subscribes and (re)arms the report timer. The new subscription is in place
    // before the old one goes, so no request falls in between.
    void apply(const Settings& settings) {
        subscription_ = host().subscribe(
            settings.subject, [this](const nats_sdk::Message& request) { answer(request); },
            {.queue = settings.queue});
        report_timer_ = host().every(settings.report_interval,
                                     [this] { host().info("served {} requests", requests_.load()); });
        host().info("listening on '{}'", settings.subject);
    }

    void answer(const nats_sdk::Message& request) {
        requests_.fetch_add(1, std::memory_order_relaxed);
        requests_metric_.increment();
        const auto settings = settings_.load();
        const std::string text = settings->greeting + " " + std::string(nats_sdk::subject::last_token(request.subject()));
        host().respond(request, text);
    }

    std::atomic<std::shared_ptr<const Settings>> settings_;
    std::atomic<std::uint64_t> requests_{0};
    nats_sdk::Metric requests_metric_;
    nats_sdk::Subscription subscription_;
    nats_sdk::Timer report_timer_;
};

}  // namespace service_example

NATS_SDK_PLUGIN(service_example::Plugin, "service_example", "1.0.0",
                "Answers greet requests (SDK example)", "service", "")
