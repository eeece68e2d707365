#pragma once
// NKeys: ed25519 key pairs named by their role, written as base32 text with a
// type prefix and a CRC16 (the format of nats-io/nkeys, e.g. "UDXU4R..." for a
// user public key, "SUAC..." for the seed it comes from).
// Thread safety: free functions and const members may be called from any thread.
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nats::nkeys {

// Thrown for malformed or unusable key text; what() is one line in the wording
// of nats-io/nkeys (e.g. "nkeys: invalid checksum").
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The roles that sign. Curve (x25519) keys encrypt and live in curve.hpp.
enum class KeyType { operator_, account, user, server, cluster };

// "operator", "account", ... as the nk tool spells them.
std::string_view to_string(KeyType type);

class KeyPair {
public:
    static KeyPair generate(KeyType type);
    // `encoded_seed` is "S" + type letter + ...; surrounding CR/LF is ignored.
    // Throws Error for bad base32, checksum, prefix, length or a curve seed.
    static KeyPair from_seed(std::string_view encoded_seed);
    // From the 32 raw seed bytes (e.g. read from an entropy file). Throws Error
    // when the length is not 32.
    static KeyPair from_raw_seed(KeyType type, std::string_view raw_seed);

    KeyPair(const KeyPair& other) = default;
    KeyPair& operator=(const KeyPair& other) = default;
    // The seed is secret: wiped from memory when the pair goes away.
    ~KeyPair();

    KeyType type() const { return type_; }
    std::string public_key() const;
    // The encoded seed. Secret: the caller owns wiping the returned copy.
    std::string seed() const;
    // Raw 64-byte ed25519 signature of `data`.
    std::string sign(std::string_view data) const;
    bool verify(std::string_view data, std::string_view raw_signature) const;

private:
    KeyPair(KeyType type, const unsigned char* raw_seed);

    KeyType type_;
    std::array<unsigned char, 32> seed_{};
    std::array<unsigned char, 32> public_{};
};

// A well-formed public key (checksum, 32-byte key) of a signing role, and of
// `expected` when given.
bool is_valid_public_key(std::string_view key, std::optional<KeyType> expected = std::nullopt);
// The role of a well-formed public key; nullopt for anything else (seeds,
// curve keys, bad text).
std::optional<KeyType> public_key_type(std::string_view key);
// True when `raw_signature` (64 bytes) is `public_key`'s signature of `data`;
// false for a bad key or signature, never throws.
bool verify(std::string_view public_key, std::string_view data, std::string_view raw_signature);

// URL-safe alphabet without padding: what NATS clients put in CONNECT "sig".
std::string base64url_encode(std::string_view raw);
// Standard alphabet with padding, as older nk versions wrote signatures.
std::string base64_encode(std::string_view raw);
// Either alphabet, padding optional, CR/LF ignored; nullopt when malformed.
std::optional<std::string> base64_decode_any(std::string_view text);

} // namespace nats::nkeys
