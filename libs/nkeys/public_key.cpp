#include <sodium.h>

#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"
#include "libs/nkeys/sodium_ready.hpp"

namespace nats::nkeys {
namespace {

struct DecodedPublic {
    KeyType type;
    std::string key; // 32 raw bytes
};

std::optional<DecodedPublic> decode_public(std::string_view text) {
    std::string raw;
    try {
        raw = decode_checked(text);
    } catch (const Error&) {
        return std::nullopt;
    }
    const auto type = type_of_prefix(static_cast<std::uint8_t>(raw[0]));
    if (!type || raw.size() != 1 + crypto_sign_PUBLICKEYBYTES) return std::nullopt;
    return DecodedPublic{*type, raw.substr(1)};
}

} // namespace

std::optional<KeyType> public_key_type(std::string_view key) {
    const auto decoded = decode_public(key);
    if (!decoded) return std::nullopt;
    return decoded->type;
}

bool is_valid_public_key(std::string_view key, std::optional<KeyType> expected) {
    const auto type = public_key_type(key);
    return type && (!expected || *type == *expected);
}

bool verify(std::string_view public_key, std::string_view data, std::string_view raw_signature) {
    const auto decoded = decode_public(public_key);
    if (!decoded || raw_signature.size() != crypto_sign_BYTES) return false;
    try {
        detail::ensure_sodium();
    } catch (const Error&) {
        return false;
    }
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(raw_signature.data()),
                                       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                                       reinterpret_cast<const unsigned char*>(decoded->key.data())) == 0;
}

} // namespace nats::nkeys
