#include "plugins/monitoring/settings.hpp"

#include <nats_sdk/config.hpp>
#include <nats_sdk/error.hpp>

namespace nats::monitoring {

namespace {

namespace cfg = nats_sdk::config;

int read_port(const nlohmann::json& config, const char* key, bool& random) {
    const auto port = cfg::get<std::int64_t>(config, key, 0);
    if (port == -1) {
        random = true;
        return 0;
    }
    if (port < 0 || port > 65535)
        throw nats_sdk::ConfigError(std::string("config key '") + key + "' must be a port (0-65535, or -1 for any)");
    return static_cast<int>(port);
}

AuthSettings read_auth(const nlohmann::json& block) {
    cfg::expect_object(block, "auth");
    cfg::reject_unknown_keys(block, {"user", "password", "token", "public_paths"}, "auth");
    AuthSettings auth;
    auth.user = cfg::get<std::string>(block, "user", "", "auth");
    auth.password = cfg::get<std::string>(block, "password", "", "auth");
    auth.token = cfg::get<std::string>(block, "token", "", "auth");
    if (auth.user.empty() != auth.password.empty())
        throw nats_sdk::ConfigError("config key 'auth' needs both 'user' and 'password' for basic auth");
    if (!auth.enabled()) throw nats_sdk::ConfigError("config key 'auth' needs 'user' and 'password', or 'token'");
    if (auto it = block.find("public_paths"); it != block.end()) {
        if (!it->is_array()) throw nats_sdk::ConfigError("config key 'auth.public_paths' must be a list of paths");
        for (const auto& p : *it) {
            if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>().front() != '/')
                throw nats_sdk::ConfigError("config key 'auth.public_paths' holds a path that does not start with '/'");
            auth.public_paths.push_back(p.get<std::string>());
        }
    }
    return auth;
}

TlsFiles read_tls(const nlohmann::json& block) {
    cfg::expect_object(block, "tls");
    // The server's own tls block may be passed here too: its other keys
    // (ca_file, verify, timeout, ...) do not apply to the monitoring port.
    TlsFiles files;
    files.cert_file = cfg::get<std::string>(block, "cert_file", "", "tls");
    files.key_file = cfg::get<std::string>(block, "key_file", "", "tls");
    if (files.cert_file.empty() || files.key_file.empty())
        throw nats_sdk::ConfigError("config key 'tls' needs 'cert_file' and 'key_file'");
    return files;
}

}  // namespace

std::string clean_path(std::string_view path) {
    const bool rooted = !path.empty() && path.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const std::string_view part = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..") parts.pop_back();
            else if (!rooted) parts.push_back(part);
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    std::string out = rooted ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += '/';
        out += parts[i];
    }
    return out.empty() ? "." : out;
}

std::string normalize_base_path(std::string_view path) {
    if (path.empty()) return "/";
    std::string p(path);
    if (p.front() != '/') p.insert(p.begin(), '/');
    return clean_path(p);
}

Settings read_settings(const nlohmann::json& config) {
    cfg::expect_object(config, "");
    cfg::reject_unknown_keys(config, {"http_host", "http_port", "https_port", "http_base_path", "auth", "tls",
                                      "threads"});
    Settings s;
    s.host = cfg::get<std::string>(config, "http_host", "0.0.0.0");
    if (s.host.empty()) s.host = "0.0.0.0";
    s.http_port = read_port(config, "http_port", s.http_random);
    s.https_port = read_port(config, "https_port", s.https_random);
    if (s.http_port == 0 && !s.http_random && s.https_port == 0 && !s.https_random)
        throw nats_sdk::ConfigError("monitoring needs a port: set http_port (or -m) or https_port");
    s.base_path = normalize_base_path(cfg::get<std::string>(config, "http_base_path", ""));
    if (auto it = config.find("auth"); it != config.end()) s.auth = read_auth(*it);
    if (auto it = config.find("tls"); it != config.end()) s.tls = read_tls(*it);
    if ((s.https_port != 0 || s.https_random) && !s.tls)
        throw nats_sdk::ConfigError(
            "https_port needs a certificate: a tls { cert_file, key_file } block, the server's or in plugins { monitoring { } }");
    const auto threads = cfg::get<std::int64_t>(config, "threads", 2);
    if (threads < 1 || threads > 64) throw nats_sdk::ConfigError("config key 'threads' must be between 1 and 64");
    s.threads = static_cast<unsigned>(threads);
    return s;
}

}  // namespace nats::monitoring
