#pragma once
// The monitoring plugin's config: what the kernel passes from the server's
// options (http_host, http_port, https_port, http_base_path) with the
// plugins { monitoring { ... } } block merged on top.
//
//   plugins {
//     monitoring {
//       auth { user: "ops", password: "s3cret", token: "t0ken", public_paths: ["/healthz"] }
//       tls { cert_file: "mon.pem", key_file: "mon-key.pem" }   # for https_port
//       threads: 2
//     }
//   }
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugins/monitoring/http_server.hpp"

namespace nats::monitoring {

struct AuthSettings {
    std::string user, password;  // HTTP basic, both or neither
    std::string token;           // Authorization: Bearer <token>
    std::vector<std::string> public_paths;  // served without credentials (exact paths)
    bool enabled() const { return !user.empty() || !token.empty(); }
};

struct Settings {
    std::string host = "0.0.0.0";
    int http_port = 0;   // 0: no HTTP listener; -1 in the config picks a free port
    int https_port = 0;
    bool http_random = false, https_random = false;
    std::string base_path = "/";  // normalized as nats-server does ("nats" -> "/nats")
    AuthSettings auth;
    std::optional<TlsFiles> tls;
    unsigned threads = 2;
};

// Throws nats_sdk::ConfigError naming the key.
Settings read_settings(const nlohmann::json& config);

// nats-server's normalizeBasePath: "" -> "/", leading '/' added, path.Clean.
std::string normalize_base_path(std::string_view path);
// Go's path.Clean.
std::string clean_path(std::string_view path);

}  // namespace nats::monitoring
