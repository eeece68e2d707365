#include "kernel/server/tls_policy.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <utility>

#include <fmt/format.h>

#include "kernel/config/tls_names.hpp"

namespace nats::server {

namespace {

// OpenSSL's "a:b:c" list for the TLS 1.2 suites named; TLS 1.3 names add nothing
// (all three 1.3 suites stay on, as in Go).
std::string cipher_list(const std::vector<std::string>& go_names) {
    std::string out;
    for (const auto& name : go_names) {
        const auto openssl = config::openssl_cipher_name(name);
        if (!openssl || openssl->empty()) continue;
        if (!out.empty()) out += ':';
        out += *openssl;
    }
    return out;
}

std::string group_list(const std::vector<std::string>& go_names) {
    std::string out;
    for (const auto& name : go_names) {
        if (!out.empty()) out += ':';
        out += *config::openssl_group_name(name);  // checked by the config parser
    }
    return out;
}

}  // namespace

std::unique_ptr<asio::ssl::context> make_server_tls_context(const config::TlsOptions& t) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);  // Go's PreferServerCipherSuites
    const std::string ciphers =
        t.cipher_suites.empty() ? std::string(config::kDefaultCiphers) : cipher_list(t.cipher_suites);
    // Only TLS 1.3 names listed: no TLS 1.2 suite at all, so 1.2 cannot be negotiated.
    if (ciphers.empty()) {
        SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION);
    } else if (SSL_CTX_set_cipher_list(native, ciphers.c_str()) != 1) {
        throw std::runtime_error("error setting up TLS: none of the tls cipher_suites is available in this OpenSSL");
    }
    const std::string groups =
        t.curve_preferences.empty() ? std::string(config::kDefaultGroups) : group_list(t.curve_preferences);
    if (SSL_CTX_set1_groups_list(native, groups.c_str()) != 1)
        throw std::runtime_error("error setting up TLS: curve_preferences " + groups + " not available in this OpenSSL");
    try {
        ctx->use_certificate_chain_file(t.cert_file);
        ctx->use_private_key_file(t.key_file, asio::ssl::context::pem);
        if (!t.ca_file.empty()) ctx->load_verify_file(t.ca_file);
    } catch (const std::exception& e) {
        throw std::runtime_error(
            fmt::format("error loading TLS certificate \"{}\" / key \"{}\": {}", t.cert_file, t.key_file, e.what()));
    }
    // Without verify no certificate is asked for, so pinned_certs alone refuses
    // every client: nats-server 2.9.10 does the same (Go's NoClientCert).
    if (t.verify) ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    return ctx;
}

std::string peer_public_key_id(SSL* ssl) {
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (cert == nullptr) return {};
    unsigned char* der = nullptr;
    const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    if (size <= 0) return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    const bool ok = EVP_Digest(der, static_cast<std::size_t>(size), digest, &digest_size, EVP_sha256(), nullptr) == 1;
    OPENSSL_free(der);
    if (!ok) return {};
    std::string hex;
    for (unsigned i = 0; i < digest_size; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

bool TlsRateCounter::allow() {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    // As nats-server: the first handshake of a window counts as 0.
    if (now > end_) {
        count_ = 0;
        end_ = now + std::chrono::seconds(1);
    } else {
        ++count_;
    }
    const bool allowed = count_ < limit_;
    if (!allowed) ++blocked_;
    return allowed;
}

std::uint64_t TlsRateCounter::take_blocked_for_log() {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (blocked_ == 0 || now - last_log_ < std::chrono::seconds(1)) return 0;
    last_log_ = now;
    return std::exchange(blocked_, 0);
}

}  // namespace nats::server
