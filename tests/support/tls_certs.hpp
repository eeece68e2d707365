#pragma once
// Throw-away TLS material made at test time (nothing is checked in): a CA, a
// server certificate for 127.0.0.1 and localhost signed by it, and a client
// certificate signed by it. EC P-256 keys, valid from an hour ago for a day.
#include <filesystem>

namespace nats::test_support {

struct TlsFiles {
    std::filesystem::path ca_cert;
    std::filesystem::path server_cert;
    std::filesystem::path server_key;
    std::filesystem::path client_cert;
    std::filesystem::path client_key;
};

// Writes the PEM files into `dir` (ca.pem, server-cert.pem, server-key.pem,
// client-cert.pem, client-key.pem). Throws std::runtime_error on an OpenSSL error.
// `key` "EC" (P-256) or "RSA" (2048 bits): an RSA server certificate is what
// lets a client try RSA key exchange, the suites nats-server refuses.
TlsFiles make_test_certificates(const std::filesystem::path& dir, const char* key = "EC");

} // namespace nats::test_support
