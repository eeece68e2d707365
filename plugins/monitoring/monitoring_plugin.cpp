// The monitoring plugin: nats-server's HTTP monitoring port (/varz, /connz,
// ... with the same paths, options and JSON), Prometheus metrics at /metrics
// and a live dashboard at /dashboard. Loaded by the kernel when the config
// sets http_port / http / -m (or https_port). See README.md.
#include <memory>

#include <nats_sdk/plugin.hpp>

#include "plugins/monitoring/host_kernel_source.hpp"
#include "plugins/monitoring/http_server.hpp"
#include "plugins/monitoring/kernel_source.hpp"
#include "plugins/monitoring/monitor.hpp"
#include "plugins/monitoring/settings.hpp"

namespace nats::monitoring {

namespace {

constexpr const char* plugin_version = "1.0.0";

std::string host_port(const std::string& host, int port) {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : nats_sdk::Plugin(host), settings_(read_settings(config)), kernel_(host) {}

    void start() override {
        requests_ = host().counter("monitoring_http_requests", "HTTP requests answered by the monitoring port");
        monitor_ = std::make_unique<Monitor>(kernel_, settings_, PluginIdentity{"monitoring", plugin_version});
        server_ = std::make_unique<HttpServer>([this](const HttpRequest& request) {
            requests_.increment();
            return monitor_->handle(request);
        });
        // Bound before any thread runs, so a taken port fails start-up.
        if (settings_.http_port != 0 || settings_.http_random) {
            const int port = server_->listen(settings_.host, settings_.http_port);
            host().info("Starting http monitor on {}", host_port(settings_.host, port));
        }
        if (settings_.https_port != 0 || settings_.https_random) {
            const int port = server_->listen(settings_.host, settings_.https_port, &*settings_.tls);
            host().info("Starting https monitor on {}", host_port(settings_.host, port));
        }
        server_->start(settings_.threads);
    }

    // Credentials change on reload; the address, ports and TLS files need a restart.
    void reload(const nlohmann::json& config) override {
        Settings next = read_settings(config);
        const bool same_listeners = next.host == settings_.host && next.http_port == settings_.http_port &&
                                    next.https_port == settings_.https_port &&
                                    next.http_random == settings_.http_random &&
                                    next.https_random == settings_.https_random &&
                                    next.base_path == settings_.base_path && next.threads == settings_.threads &&
                                    next.tls.has_value() == settings_.tls.has_value() &&
                                    (!next.tls || (next.tls->cert_file == settings_.tls->cert_file &&
                                                   next.tls->key_file == settings_.tls->key_file));
        if (!same_listeners)
            throw nats_sdk::Error("the monitoring address, base path, threads and TLS files change only on restart",
                                  NMK_UNSUPPORTED);
        if (monitor_) monitor_->set_auth(next.auth);
        settings_.auth = std::move(next.auth);
    }

    void stop() override {
        if (server_) server_->stop();
    }

private:
    Settings settings_;
    HostKernelSource kernel_;
    nats_sdk::Metric requests_;
    std::unique_ptr<Monitor> monitor_;
    std::unique_ptr<HttpServer> server_;  // declared last: stopped and gone before what it calls
};

}  // namespace

}  // namespace nats::monitoring

NATS_SDK_PLUGIN(nats::monitoring::Plugin, "monitoring", "1.0.0",
                "HTTP monitoring: nats-server's endpoints, Prometheus /metrics and a live /dashboard", "", "")
