// A plugin for the monitoring tests: adds pages through the SDK the way
// JetStream or clustering will.
//   /probez           echoes method and query as JSON, counts hits in monitoring_probe_hits
//   /varz/websocket   fills /varz's "websocket" section
//   /teapot           answers 418 in plain text
#include <nats_sdk/plugin.hpp>

namespace nats::monitoring::test {

class Plugin final : public nats_sdk::Plugin {
public:
    explicit Plugin(nats_sdk::Host& host) : nats_sdk::Plugin(host) {}

    void start() override {
        hits_ = host().counter("monitoring_probe_hits", "Requests to /probez");
        host().register_http_endpoint("/probez", [this](const nats_sdk::HttpRequest& request,
                                                        const nats_sdk::HttpResponse& response) {
            hits_.increment();
            nlohmann::json body{{"method", request.method()}, {"query", request.query()}};
            response.set_content_type("application/json");
            response.write(body.dump());
        });
        host().register_http_endpoint("/varz/websocket",
                                      [](const nats_sdk::HttpRequest&, const nats_sdk::HttpResponse& response) {
                                          response.set_content_type("application/json");
                                          response.write(R"({"websocket":{"host":"127.0.0.1","port":9999}})");
                                      });
        host().register_http_endpoint("/teapot", [](const nats_sdk::HttpRequest&, const nats_sdk::HttpResponse& response) {
            response.set_status(418);
            response.set_content_type("text/plain");
            response.write("short and stout");
        });
    }

private:
    nats_sdk::Metric hits_;
};

}  // namespace nats::monitoring::test

NATS_SDK_PLUGIN(nats::monitoring::test::Plugin, "monitoring_test_endpoint", "1.0.0",
                "Pages for the monitoring plugin's tests", "http", "")
