#pragma once
// TLS for client connections as nats-server sets it up: TLS 1.2 or newer, its
// forward-secret cipher suites and curves unless the tls block names others,
// client certificates verified when asked, certificates pinned by public key,
// and a cap on handshakes started per second.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <asio/ssl.hpp>

#include "kernel/config/options.hpp"

namespace nats::server {

// Throws std::runtime_error naming the file or setting that failed.
std::unique_ptr<asio::ssl::context> make_server_tls_context(const config::TlsOptions& tls);

// Lower-case hex SHA-256 of the peer certificate's DER SubjectPublicKeyInfo,
// the key pinned_certs lists; "" when the peer sent no certificate.
std::string peer_public_key_id(SSL* ssl);

// nats-server's rateCounter: at most `limit` handshakes started per second;
// the refusals are counted for the once-a-second warning.
class TlsRateCounter {
public:
    explicit TlsRateCounter(std::int64_t limit) : limit_(limit) {}
    bool allow();
    // Refusals since the last call, when a second has passed since then; else 0.
    std::uint64_t take_blocked_for_log();

private:
    std::mutex mutex_;
    std::int64_t limit_;
    std::int64_t count_ = 0;
    std::uint64_t blocked_ = 0;
    std::chrono::steady_clock::time_point end_{};
    std::chrono::steady_clock::time_point last_log_{};
};

}  // namespace nats::server
