// TLS never weaker than nats-server's: forward-secret suites only by default,
// the tls block's cipher_suites, curve_preferences, pinned_certs and
// connection_rate_limit applied, and settings this server cannot apply refused.
// The handshakes are made with OpenSSL directly, pinned to TLS 1.2 where a
// cipher or curve is under test (TLS 1.3 always has its own three suites).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "tests/integration/integration_helpers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_certs.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::TlsFiles;
using test_support::make_test_certificates;
using test_support::run_server_to_exit;
using test_support::write_file;

std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

std::string tls_block(const TlsFiles& files, std::string_view extra = {}) {
    return "tls {\n  cert_file: " + quoted(files.server_cert) + "\n  key_file: " + quoted(files.server_key) +
           "\n  timeout: 2\n" + std::string(extra) + "}\n";
}

struct Offer {
    const char* ciphers = nullptr;  // TLS 1.2 list; also caps the client at TLS 1.2
    const char* groups = nullptr;   // also caps the client at TLS 1.2
    const TlsFiles* client_cert = nullptr;
};

// Connects, reads INFO in the clear, then handshakes as `offer` says and waits
// for the server's first word after it (PONG to a PING). Returns "" when the
// connection works, else what went wrong.
std::string try_handshake(int port, const Offer& offer) {
    // A refused client may write into a socket the server closed: an error, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return "connect failed";
    }
    std::string info;
    char c = 0;
    while (info.size() < 65536 && ::recv(fd, &c, 1, 0) == 1 && c != '\n') info += c;
    if (info.rfind("INFO ", 0) != 0) {
        ::close(fd);
        return "no INFO: " + info;
    }
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    if (offer.ciphers || offer.groups) SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if (offer.ciphers) SSL_CTX_set_cipher_list(ctx, offer.ciphers);
    if (offer.groups) SSL_CTX_set1_groups_list(ctx, offer.groups);
    if (offer.client_cert) {
        SSL_CTX_use_certificate_file(ctx, offer.client_cert->client_cert.c_str(), SSL_FILETYPE_PEM);
        SSL_CTX_use_PrivateKey_file(ctx, offer.client_cert->client_key.c_str(), SSL_FILETYPE_PEM);
    }
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    std::string result;
    if (SSL_connect(ssl) != 1) {
        result = "handshake failed";
    } else {
        const std::string ping = "CONNECT {\"verbose\":false}\r\nPING\r\n";
        SSL_write(ssl, ping.data(), static_cast<int>(ping.size()));
        char buffer[256];
        const int n = SSL_read(ssl, buffer, sizeof buffer);
        const std::string reply = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
        if (reply.find("PONG") == std::string::npos) result = "no PONG after the handshake: " + reply;
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
    return result;
}

// The hex SHA-256 of a PEM certificate's SubjectPublicKeyInfo (what pinned_certs lists).
std::string key_id(const std::filesystem::path& cert_file) {
    std::FILE* f = std::fopen(cert_file.c_str(), "r");
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    unsigned char* der = nullptr;
    const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    EVP_Digest(der, static_cast<std::size_t>(size), digest, &digest_size, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    X509_free(cert);
    std::string hex;
    char two[3];
    for (unsigned i = 0; i < digest_size; ++i) {
        std::snprintf(two, sizeof two, "%02x", digest[i]);
        hex += two;
    }
    return hex;
}

// -t on `config`: exit code and output.
ExitResult check(const TempDir& dir, const std::string& config) {
    write_file(dir.file("server.conf"), config);
    return run_server_to_exit({"-t", "-c", dir.file("server.conf").string()}, 10s);
}

bool is_ours() {
    static const bool ours = run_server_to_exit({"--version"}, 5s).output.find("nats-microkernel") != std::string::npos;
    return ours;
}

TEST(TlsPolicy, ForwardSecretSuitesOnlyByDefault) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path(), "RSA");
    auto server = start_server(tls_block(files));
    // RSA key exchange (no forward secrecy), in CBC and GCM forms: refused.
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA"}),
              "handshake failed");
    // CBC with ECDHE is not in nats-server's default list either.
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-SHA"}), "handshake failed");
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-GCM-SHA256"}), "");
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-CHACHA20-POLY1305"}), "");
    EXPECT_EQ(try_handshake(server->port(), {}), "");  // TLS 1.3
}

TEST(TlsPolicy, CipherSuitesKeyRestrictsTheList) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path(), "RSA");
    auto server = start_server(tls_block(files, "  cipher_suites: [\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"]\n"));
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-GCM-SHA256"}), "handshake failed");
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"}),
              "");
}

TEST(TlsPolicy, CipherSuitesCanAllowWhatTheDefaultRefuses) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path(), "RSA");
    auto server = start_server(tls_block(files, "  cipher_suites: [\"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA\"]\n"));
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-SHA"}), "");
}

TEST(TlsPolicy, CurvePreferencesRestrictTheGroups) {
    TempDir dir;
    // An RSA certificate: with ECDSA, TLS 1.2's group list would also limit the
    // certificate's own curve and hide what is under test.
    const auto files = make_test_certificates(dir.path(), "RSA");
    auto server = start_server(tls_block(files, "  curve_preferences: [\"CurveP384\"]\n"));
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-GCM-SHA256", .groups = "P-256"}),
              "handshake failed");
    EXPECT_EQ(try_handshake(server->port(), {.ciphers = "ECDHE-RSA-AES128-GCM-SHA256", .groups = "P-384"}), "");
}

TEST(TlsPolicy, PinnedCertsAdmitOnlyListedKeys) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    const std::string verify = "  ca_file: " + quoted(files.ca_cert) + "\n  verify: true\n";
    {
        auto server = start_server(tls_block(files, verify + "  pinned_certs: [\"" + key_id(files.client_cert) + "\"]\n"));
        EXPECT_EQ(try_handshake(server->port(), {.client_cert = &files}), "");
    }
    {
        // Another key: the handshake completes, then the server closes.
        auto server = start_server(tls_block(files, verify + "  pinned_certs: [\"" + std::string(64, 'a') + "\"]\n"));
        EXPECT_NE(try_handshake(server->port(), {.client_cert = &files}), "");
    }
}

TEST(TlsPolicy, ConnectionRateLimitThrottlesHandshakes) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, "  connection_rate_limit: 2\n"));
    // Within one second at most two handshakes start; the rest are told to retry.
    // All six connect at once (well inside a second), then their first lines are read.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(std::make_unique<RawClient>(server->port()));
        clients.back()->read_info();
    }
    int refused = 0;
    for (auto& c : clients) {
        try {
            if (c->read_line(300ms) == "-ERR 'Connection throttling is active. Please try again later.'") ++refused;
        } catch (const std::exception&) {
            // A handshake that started: the server waits for the ClientHello.
        }
    }
    EXPECT_GE(refused, 3);
}

struct BadTls {
    const char* extra;
    const char* text;  // the error, after "<file>:<line>:<col>: "
    bool ours_only;     // nats-server supports it; only ours refuses
};

class BadTlsSetting : public ::testing::TestWithParam<BadTls> {};

TEST_P(BadTlsSetting, FailsTheCheck) {
    const BadTls& c = GetParam();
    if (c.ours_only && !is_ours()) GTEST_SKIP() << "nats-server supports it";
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    const ExitResult r = check(dir, tls_block(files, c.extra));
    ASSERT_TRUE(r.exit_code.has_value()) << r.output;
    EXPECT_EQ(*r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(c.text), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("server.conf:5:"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(
    TlsPolicy, BadTlsSetting,
    ::testing::Values(
        BadTls{"  cipher_suites: [\"TLS_NOPE\"]\n", "unrecognized cipher TLS_NOPE", false},
        BadTls{"  cipher_suites: []\n", "error parsing tls config, 'cipher_suites' cannot be empty", false},
        BadTls{"  curve_preferences: [\"P256\"]\n", "unrecognized curve preference P256", false},
        BadTls{"  curve_preferences: []\n", "error parsing tls config, 'curve_preferences' cannot be empty", false},
        BadTls{"  pinned_certs: [\"abc\"]\n",
               "error parsing tls config, 'pinned_certs' key abc does not look like hex-encoded sha256 of DER encoded "
               "SubjectPublicKeyInfo",
               false},
        BadTls{"  connection_rate_limit: \"fast\"\n", "error parsing tls config, 'connection_rate_limit' wrong type",
               false},
        BadTls{"  verify_cert_and_check_known_urls: true\n",
               "verify_cert_and_check_known_urls not supported in this context", false},
        BadTls{"  verify_and_map: true\n", "'verify_and_map' is not supported by this server yet", true}));

}  // namespace
}  // namespace nats::integration
