// Curve (x25519) keys as nk -gen curve makes them.
#include <gtest/gtest.h>

#include <string>

#include "libs/nkeys/curve.hpp"
#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"
#include "vectors.hpp"

namespace nats::nkeys {
namespace {

TEST(Curve, Rfc7748AlicePublicKey) {
    // RFC 7748 section 6.1: Alice's private and public keys.
    const std::string alice_private =
        vectors::hex_decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const std::string alice_public =
        vectors::hex_decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    const std::string seed = encode_seed(prefix::curve, alice_private);
    EXPECT_EQ(seed.substr(0, 2), "SX");
    const std::string pub = curve_public_key(seed);
    EXPECT_EQ(pub[0], 'X');
    EXPECT_EQ(decode_checked(pub), static_cast<char>(prefix::curve) + alice_public);
}

TEST(Curve, GeneratedKeysAgree) {
    const CurveKeys keys = generate_curve_keys();
    EXPECT_EQ(keys.seed.substr(0, 2), "SX");
    EXPECT_EQ(keys.seed.size(), 58U);
    EXPECT_EQ(keys.public_key.size(), 56U);
    EXPECT_EQ(curve_public_key(keys.seed), keys.public_key);
    EXPECT_NE(generate_curve_keys().public_key, keys.public_key);
    // Curve keys never pass as signing identities.
    EXPECT_FALSE(is_valid_public_key(keys.public_key));
    EXPECT_THROW(KeyPair::from_seed(keys.seed), Error);
}

TEST(Curve, RejectsOtherSeeds) {
    const std::string user_seed = KeyPair::generate(KeyType::user).seed();
    try {
        curve_public_key(user_seed);
        FAIL() << "a user seed was accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "nkeys: not a valid curve seed");
    }
    EXPECT_THROW(curve_public_key("SXBAD"), Error);
    EXPECT_THROW(curve_public_key(""), Error);
}

} // namespace
} // namespace nats::nkeys
