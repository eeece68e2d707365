#include "connection.hpp"

#include <atomic>
#include <fstream>
#include <sstream>
#include <vector>

#include "console.hpp"
#include "errors.hpp"
#include "nkey.hpp"
#include "templates.hpp"

#ifndef NMK_PRODUCT_VERSION
#define NMK_PRODUCT_VERSION "0.0.0"
#endif

namespace nats::cli {
namespace {

std::atomic<bool> g_closing{false};

std::vector<std::string> split_servers(const std::string& servers) {
    std::vector<std::string> out;
    std::stringstream in(servers);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto start = item.find_first_not_of(" \t");
        const auto end = item.find_last_not_of(" \t");
        if (start == std::string::npos) continue;
        item = item.substr(start, end - start + 1);
        // natscli accepts host:port; libnats wants a scheme.
        if (item.find("://") == std::string::npos) item = "nats://" + item;
        out.push_back(item);
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw cli_error("open " + path + ": no such file or directory");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// libnats also calls this when we close the connection; only a lost
// connection that is being re-established is news.
void on_disconnected(natsConnection* nc, void*) {
    if (!g_closing.load() && !natsConnection_IsClosed(nc)) log_line("Disconnected, will attempt reconnect");
}

void on_reconnected(natsConnection* nc, void*) { log_line("Reconnected [" + connected_url(nc) + "]"); }

void on_error(natsConnection* nc, natsSubscription*, natsStatus status, void*) {
    if (g_closing.load()) return;
    const std::string text = status == NATS_SLOW_CONSUMER ? "nats: slow consumer, messages dropped" : status_text(status);
    const std::string url = connected_url(nc);
    if (url.empty()) log_line("Unexpected NATS error: " + text);
    else log_line("Unexpected NATS error from server " + url + ": " + text);
}

} // namespace

options_ptr make_options(const connection_settings& s, const connect_tuning& tuning) {
    natsOptions* raw = nullptr;
    check(natsOptions_Create(&raw));
    options_ptr opts(raw);
    auto* o = opts.get();

    const auto servers = split_servers(s.servers);
    if (servers.empty()) throw cli_error("nats: no servers available for connection");
    std::vector<const char*> urls;
    for (const auto& u : servers) urls.push_back(u.c_str());
    check(natsOptions_SetServers(o, urls.data(), static_cast<int>(urls.size())));

    const std::string name = s.connection_name.empty() ? "NATS CLI Version " NMK_PRODUCT_VERSION : s.connection_name;
    check(natsOptions_SetName(o, name.c_str()));
    const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout).count();
    check(natsOptions_SetTimeout(o, timeout_ms > 0 ? timeout_ms : 1));
    check(natsOptions_SetSendAsap(o, tuning.send_asap));
    check(natsOptions_SetAllowReconnect(o, tuning.reconnect));
    if (tuning.reconnect) check(natsOptions_SetMaxReconnect(o, -1));
    if (tuning.report_events) {
        check(natsOptions_SetDisconnectedCB(o, on_disconnected, nullptr));
        check(natsOptions_SetReconnectedCB(o, on_reconnected, nullptr));
        check(natsOptions_SetErrorHandler(o, on_error, nullptr));
    }
    if (!s.inbox_prefix.empty()) check(natsOptions_SetCustomInboxPrefix(o, s.inbox_prefix.c_str()));

    if (!s.user.empty()) {
        check(natsOptions_SetUserInfo(o, s.user.c_str(), s.password.c_str()));
    } else if (!s.token.empty()) {
        check(natsOptions_SetToken(o, s.token.c_str()));
    }
    if (!s.nkey.empty()) {
        const auto seed = find_user_seed(read_file(s.nkey));
        const auto pub = seed ? public_key_from_seed(*seed) : std::nullopt;
        if (!pub) throw cli_error("nkey: no valid user seed found in " + s.nkey);
        check(natsOptions_SetNKeyFromSeed(o, pub->c_str(), s.nkey.c_str()));
    }
    if (!s.creds.empty()) {
        read_file(s.creds);  // a clear error for a missing file before libnats' own
        check(natsOptions_SetUserCredentialsFromFiles(o, s.creds.c_str(), nullptr));
    }
    if (!s.tls_ca.empty() || !s.tls_cert.empty()) check(natsOptions_SetSecure(o, true));
    if (!s.tls_ca.empty()) check(natsOptions_LoadCATrustedCertificates(o, s.tls_ca.c_str()));
    if (!s.tls_cert.empty()) check(natsOptions_LoadCertificatesChain(o, s.tls_cert.c_str(), s.tls_key.c_str()));
    return opts;
}

connection_ptr connect(const connection_settings& s, const connect_tuning& tuning) {
    auto opts = make_options(s, tuning);
    // libnats 3.4 (Debian's; nats.c before PR #705, fixed in 3.8) base64-encodes
    // the nonce signature with a routine that returns nothing when the first byte
    // is 0x00, so one nkey/creds CONNECT in 256 goes out without "sig" and is
    // refused. The next connection gets a new nonce, hence a new signature; a
    // wrong key is refused every time, so a few attempts hide nothing.
    const bool signs_nonce = !s.nkey.empty() || !s.creds.empty();
    const int attempts = signs_nonce ? nonce_sign_attempts : 1;
    natsStatus status = NATS_OK;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
        natsConnection* nc = nullptr;
        status = natsConnection_Connect(&nc, opts.get());
        if (status == NATS_OK) return connection_ptr(nc);
        if (status != NATS_CONNECTION_AUTH_FAILED) break;
    }
    check(status);
    return nullptr; // not reached: check throws for any failure
}

std::string connected_url(natsConnection* nc) {
    char buf[512] = {};
    if (natsConnection_GetConnectedUrl(nc, buf, sizeof buf) != NATS_OK) return {};
    std::string url = buf;
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
        const auto colon = url.find(':', scheme + 3);
        if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "xxxxx");
    }
    return url;
}

void stop_reporting_disconnects() { g_closing.store(true); }

std::string new_inbox(const connection_settings& s) {
    const std::string prefix = s.inbox_prefix.empty() ? "_INBOX" : s.inbox_prefix;
    return prefix + "." + unique_id();
}

} // namespace nats::cli
