#include "libs/nkeys/curve.hpp"

#include <sodium.h>

#include <array>

#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/sodium_ready.hpp"

namespace nats::nkeys {
namespace {

// The x25519 public key of a raw private key; crypto_scalarmult_base clamps
// the scalar as curve25519.ScalarBaseMult does.
std::string public_of(const unsigned char* raw_private) {
    std::array<unsigned char, crypto_scalarmult_BYTES> pub{};
    if (crypto_scalarmult_base(pub.data(), raw_private) != 0) throw Error("nkeys: not a valid curve key");
    return encode_key(prefix::curve, std::string_view(reinterpret_cast<const char*>(pub.data()), pub.size()));
}

} // namespace

CurveKeys generate_curve_keys() {
    detail::ensure_sodium();
    std::array<unsigned char, crypto_scalarmult_SCALARBYTES> raw{};
    randombytes_buf(raw.data(), raw.size());
    CurveKeys keys;
    keys.seed = encode_seed(prefix::curve, std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
    keys.public_key = public_of(raw.data());
    sodium_memzero(raw.data(), raw.size());
    return keys;
}

std::string curve_public_key(std::string_view encoded_seed) {
    detail::ensure_sodium();
    DecodedSeed decoded = decode_seed(encoded_seed);
    if (decoded.public_prefix != prefix::curve) {
        wipe(decoded.raw);
        throw Error("nkeys: not a valid curve seed");
    }
    std::string pub = public_of(reinterpret_cast<const unsigned char*>(decoded.raw.data()));
    wipe(decoded.raw);
    return pub;
}

} // namespace nats::nkeys
