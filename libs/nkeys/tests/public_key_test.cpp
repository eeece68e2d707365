// Public keys on their own: validation by role and signature verification, as
// the NKey authenticator uses them.
#include <gtest/gtest.h>

#include <string>

#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"
#include "vectors.hpp"

namespace nats::nkeys {
namespace {

TEST(PublicKey, TypeOfEachRole) {
    EXPECT_EQ(public_key_type(vectors::known_pairs[0].public_key), KeyType::user);
    EXPECT_EQ(public_key_type(vectors::operator_public), KeyType::operator_);
    EXPECT_EQ(public_key_type(KeyPair::generate(KeyType::account).public_key()), KeyType::account);
    EXPECT_EQ(public_key_type(KeyPair::generate(KeyType::server).public_key()), KeyType::server);
    EXPECT_EQ(public_key_type(KeyPair::generate(KeyType::cluster).public_key()), KeyType::cluster);
}

TEST(PublicKey, ValidWithAndWithoutExpectedRole) {
    const std::string user(vectors::known_pairs[0].public_key);
    EXPECT_TRUE(is_valid_public_key(user));
    EXPECT_TRUE(is_valid_public_key(user, KeyType::user));
    EXPECT_FALSE(is_valid_public_key(user, KeyType::account));
    EXPECT_FALSE(is_valid_public_key(user, KeyType::operator_));
}

TEST(PublicKey, RejectsSeedsAndOtherKinds) {
    EXPECT_FALSE(is_valid_public_key(vectors::known_pairs[0].seed));
    EXPECT_FALSE(public_key_type(vectors::known_pairs[0].seed));
    EXPECT_FALSE(is_valid_public_key(encode_key(prefix::curve, std::string(32, 'x'))));
    EXPECT_FALSE(is_valid_public_key(encode_key(prefix::private_, std::string(32, 'x'))));
    EXPECT_FALSE(is_valid_public_key(encode_key(8, std::string(32, 'x')))); // not a prefix at all
}

TEST(PublicKey, RejectsCorruption) {
    const std::string user(vectors::known_pairs[0].public_key);
    EXPECT_FALSE(is_valid_public_key(""));
    EXPECT_FALSE(is_valid_public_key("U"));
    EXPECT_FALSE(is_valid_public_key(user.substr(0, 55)));
    EXPECT_FALSE(is_valid_public_key(user + "A"));
    EXPECT_FALSE(is_valid_public_key(user + "AAAAAAAA"));
    std::string lower = user;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_FALSE(is_valid_public_key(lower));
    for (std::size_t i = 0; i < user.size(); ++i) {
        std::string bad = user;
        bad[i] = bad[i] == 'Z' ? 'Y' : 'Z';
        EXPECT_FALSE(is_valid_public_key(bad)) << "position " << i;
    }
}

TEST(PublicKey, RejectsWrongPayloadLength) {
    // Correct prefix and checksum, but not a 32-byte ed25519 key.
    EXPECT_FALSE(is_valid_public_key(encode_key(prefix::user, std::string(31, 'k'))));
    EXPECT_FALSE(is_valid_public_key(encode_key(prefix::user, std::string(33, 'k'))));
    EXPECT_FALSE(is_valid_public_key(encode_key(prefix::user, "")));
    EXPECT_TRUE(is_valid_public_key(encode_key(prefix::user, std::string(32, 'k'))));
}

TEST(Verify, PublishedSignatures) {
    const auto nonce_sig = base64_decode_any(vectors::docs_nonce_signature);
    ASSERT_TRUE(nonce_sig);
    EXPECT_TRUE(verify(vectors::known_pairs[0].public_key, vectors::docs_nonce, *nonce_sig));
    const auto jwt_sig = base64_decode_any(vectors::operator_jwt_signature);
    ASSERT_TRUE(jwt_sig);
    EXPECT_TRUE(verify(vectors::operator_public, vectors::operator_jwt_claims, *jwt_sig));
}

TEST(Verify, TamperedDataKeyOrSignatureFails) {
    const KeyPair pair = KeyPair::generate(KeyType::user);
    const std::string pub = pair.public_key();
    const std::string sig = pair.sign("the nonce");
    ASSERT_TRUE(verify(pub, "the nonce", sig));
    EXPECT_FALSE(verify(pub, "the nonce!", sig));
    EXPECT_FALSE(verify(pub, "", sig));
    EXPECT_FALSE(verify(KeyPair::generate(KeyType::user).public_key(), "the nonce", sig));
    for (const std::size_t i : {std::size_t{0}, std::size_t{31}, std::size_t{32}, std::size_t{63}}) {
        std::string bad = sig;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        EXPECT_FALSE(verify(pub, "the nonce", bad)) << "byte " << i;
        EXPECT_FALSE(pair.verify("the nonce", bad)) << "byte " << i;
    }
    EXPECT_FALSE(verify(pub, "the nonce", sig.substr(0, 63)));
    EXPECT_FALSE(verify(pub, "the nonce", sig + "x"));
    EXPECT_FALSE(verify(pub, "the nonce", ""));
    EXPECT_FALSE(pair.verify("the nonce", sig.substr(1)));
}

TEST(Verify, BadPublicKeyIsFalseNotThrow) {
    const KeyPair pair = KeyPair::generate(KeyType::user);
    const std::string sig = pair.sign("n");
    EXPECT_FALSE(verify("", "n", sig));
    EXPECT_FALSE(verify("not a key", "n", sig));
    EXPECT_FALSE(verify(pair.seed(), "n", sig));
    std::string pub = pair.public_key();
    pub[5] = pub[5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify(pub, "n", sig));
}

TEST(Verify, BinaryDataWithNulBytes) {
    const KeyPair pair = KeyPair::generate(KeyType::account);
    const std::string data("a\0b\0c", 5);
    const std::string sig = pair.sign(data);
    EXPECT_TRUE(verify(pair.public_key(), data, sig));
    EXPECT_FALSE(verify(pair.public_key(), std::string("a\0b\0d", 5), sig));
}

} // namespace
} // namespace nats::nkeys
