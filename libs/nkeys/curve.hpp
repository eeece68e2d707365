#pragma once
// Curve (x25519) keys as nk -gen curve writes them: "SX..." seeds and "X..."
// public keys. They are for encryption only; nothing here signs.
#include <string>
#include <string_view>

namespace nats::nkeys {

struct CurveKeys {
    std::string seed; // secret
    std::string public_key;
};

CurveKeys generate_curve_keys();
// Throws Error for bad text or a seed of another role
// ("nkeys: not a valid curve seed").
std::string curve_public_key(std::string_view encoded_seed);

} // namespace nats::nkeys
