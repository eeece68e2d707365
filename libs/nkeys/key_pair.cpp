#include <sodium.h>

#include <algorithm>
#include <array>

#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"
#include "libs/nkeys/sodium_ready.hpp"

namespace nats::nkeys {
namespace {

// libsodium's secret key is seed || public key; build it only for the moment
// it is needed and wipe it right after.
class ExpandedKey {
public:
    explicit ExpandedKey(const std::array<unsigned char, 32>& seed) {
        std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
        crypto_sign_seed_keypair(pk.data(), sk_.data(), seed.data());
    }
    ~ExpandedKey() { sodium_memzero(sk_.data(), sk_.size()); }
    ExpandedKey(const ExpandedKey&) = delete;
    ExpandedKey& operator=(const ExpandedKey&) = delete;
    const unsigned char* data() const { return sk_.data(); }

private:
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk_{};
};

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

} // namespace

KeyPair::KeyPair(KeyType type, const unsigned char* raw_seed) : type_(type) {
    detail::ensure_sodium();
    std::copy(raw_seed, raw_seed + seed_.size(), seed_.begin());
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_seed_keypair(public_.data(), sk.data(), seed_.data());
    sodium_memzero(sk.data(), sk.size());
}

KeyPair::~KeyPair() { sodium_memzero(seed_.data(), seed_.size()); }

KeyPair KeyPair::generate(KeyType type) {
    detail::ensure_sodium();
    std::array<unsigned char, 32> raw{};
    randombytes_buf(raw.data(), raw.size());
    KeyPair pair(type, raw.data());
    sodium_memzero(raw.data(), raw.size());
    return pair;
}

KeyPair KeyPair::from_seed(std::string_view encoded_seed) {
    DecodedSeed decoded = decode_seed(encoded_seed);
    const auto type = type_of_prefix(decoded.public_prefix);
    if (!type) {
        wipe(decoded.raw);
        // Only curve seeds decode without a signing role.
        throw Error("nkeys: curve key is not valid for sign/verify");
    }
    KeyPair pair(*type, bytes(decoded.raw));
    wipe(decoded.raw);
    return pair;
}

KeyPair KeyPair::from_raw_seed(KeyType type, std::string_view raw_seed) {
    if (raw_seed.size() != 32) throw Error("nkeys: invalid seed length");
    return KeyPair(type, bytes(raw_seed));
}

std::string KeyPair::public_key() const {
    return encode_key(prefix_of(type_),
                      std::string_view(reinterpret_cast<const char*>(public_.data()), public_.size()));
}

std::string KeyPair::seed() const {
    return encode_seed(prefix_of(type_),
                       std::string_view(reinterpret_cast<const char*>(seed_.data()), seed_.size()));
}

std::string KeyPair::sign(std::string_view data) const {
    const ExpandedKey sk(seed_);
    std::string signature(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr, bytes(data), data.size(),
                         sk.data());
    return signature;
}

bool KeyPair::verify(std::string_view data, std::string_view raw_signature) const {
    if (raw_signature.size() != crypto_sign_BYTES) return false;
    return crypto_sign_verify_detached(bytes(raw_signature), bytes(data), data.size(), public_.data()) == 0;
}

} // namespace nats::nkeys
