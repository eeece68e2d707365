#pragma once
// The names nats-server's tls block takes for cipher suites and curves (Go's
// crypto/tls names), and what OpenSSL calls them. One table serves the config
// parser (an unknown name is a config error) and the server's TLS context.
#include <optional>
#include <string_view>

namespace nats::config {

// OpenSSL's name for a TLS 1.2 suite; "" for a TLS 1.3 suite (Go accepts those
// names but always offers all three 1.3 suites, and so do we); nullopt when Go
// does not know the name.
std::optional<std::string_view> openssl_cipher_name(std::string_view go_name);

// OpenSSL's group name for a curve (X25519, CurveP256, CurveP384, CurveP521).
std::optional<std::string_view> openssl_group_name(std::string_view go_name);

// nats-server's defaults (ciphersuites.go): forward-secret AEAD suites only, and
// X25519 first.
inline constexpr std::string_view kDefaultCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
inline constexpr std::string_view kDefaultGroups = "X25519:P-256:P-384:P-521";

}  // namespace nats::config
