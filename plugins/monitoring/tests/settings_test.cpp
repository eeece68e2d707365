// The plugin's config block: every key checked, with the key named.
#include <gtest/gtest.h>

#include <nats_sdk/error.hpp>

#include "plugins/monitoring/settings.hpp"

namespace nats::monitoring {
namespace {

using nlohmann::json;

std::string refusal(const json& config) {
    try {
        read_settings(config);
    } catch (const nats_sdk::ConfigError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(Settings, FromTheServerOptions) {
    const auto s = read_settings(json::parse(
        R"({"http_host":"127.0.0.1","http_port":8222,"https_port":0,"http_base_path":"nats/"})"));
    EXPECT_EQ(s.host, "127.0.0.1");
    EXPECT_EQ(s.http_port, 8222);
    EXPECT_EQ(s.base_path, "/nats");
    EXPECT_FALSE(s.auth.enabled());
    const auto random = read_settings(json::parse(R"({"http_port":-1})"));
    EXPECT_TRUE(random.http_random);
    EXPECT_EQ(random.host, "0.0.0.0") << "nats-server binds monitoring where the client port binds: all interfaces";
}

TEST(Settings, AuthBlock) {
    const auto s = read_settings(json::parse(
        R"({"http_port":1,"auth":{"user":"u","password":"p","token":"t","public_paths":["/healthz"]}})"));
    EXPECT_EQ(s.auth.user, "u");
    EXPECT_EQ(s.auth.token, "t");
    EXPECT_EQ(s.auth.public_paths, std::vector<std::string>{"/healthz"});
}

TEST(Settings, Refusals) {
    EXPECT_EQ(refusal(json::parse(R"({})")), "monitoring needs a port: set http_port (or -m) or https_port");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"bogus":1})")), "unknown config key 'bogus'");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":70000})")),
              "config key 'http_port' must be a port (0-65535, or -1 for any)");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":"x"})")), "config key 'http_port' must be an integer");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"auth":{"user":"u"}})")),
              "config key 'auth' needs both 'user' and 'password' for basic auth");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"auth":{}})")),
              "config key 'auth' needs 'user' and 'password', or 'token'");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"auth":{"token":"t","x":1}})")),
              "unknown config key 'auth.x'");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"auth":{"token":"t","public_paths":["healthz"]}})")),
              "config key 'auth.public_paths' holds a path that does not start with '/'");
    EXPECT_EQ(refusal(json::parse(R"({"https_port":8443})")),
              "https_port needs a certificate: a tls { cert_file, key_file } block, the server's or in plugins { monitoring { } }");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"tls":{"cert_file":"a"}})")),
              "config key 'tls' needs 'cert_file' and 'key_file'");
    EXPECT_EQ(refusal(json::parse(R"({"http_port":1,"threads":0})")), "config key 'threads' must be between 1 and 64");
}

}  // namespace
}  // namespace nats::monitoring
