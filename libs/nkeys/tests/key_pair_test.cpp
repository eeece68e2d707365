// KeyPair: known vectors, generation and round trips for every role, and the
// seeds it must refuse.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"
#include "vectors.hpp"

namespace nats::nkeys {
namespace {

constexpr KeyType all_types[] = {KeyType::operator_, KeyType::account, KeyType::user, KeyType::server,
                                 KeyType::cluster};

char letter_of(KeyType type) {
    switch (type) {
    case KeyType::operator_: return 'O';
    case KeyType::account: return 'A';
    case KeyType::user: return 'U';
    case KeyType::server: return 'N';
    case KeyType::cluster: return 'C';
    }
    return '?';
}

std::string error_of_seed(std::string_view seed) {
    try {
        KeyPair::from_seed(seed);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(KeyPair, PublishedSeedsGiveTheirPublicKeys) {
    for (const auto& v : vectors::known_pairs) {
        const KeyPair pair = KeyPair::from_seed(v.seed);
        EXPECT_EQ(pair.public_key(), v.public_key);
        EXPECT_EQ(pair.seed(), v.seed); // re-encoding is exact
    }
    EXPECT_EQ(KeyPair::from_seed(vectors::known_pairs[0].seed).type(), KeyType::user);
    EXPECT_EQ(KeyPair::from_seed(vectors::known_pairs[2].seed).type(), KeyType::operator_);
}

TEST(KeyPair, PublishedSignaturesAreReproduced) {
    // Ed25519 is deterministic: the same seed and data give the same bytes.
    const KeyPair docs = KeyPair::from_seed(vectors::docs_user_seed);
    EXPECT_EQ(base64_encode(docs.sign(vectors::docs_nonce)), vectors::docs_nonce_signature);
    const KeyPair readme = KeyPair::from_seed(vectors::readme_seed);
    EXPECT_EQ(base64url_encode(readme.sign(vectors::readme_content)), vectors::readme_signature);
}

TEST(KeyPair, Rfc8032TestOne) {
    // RFC 8032 section 7.1, TEST 1: empty message.
    const KeyPair pair = KeyPair::from_raw_seed(
        KeyType::user, vectors::hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    EXPECT_EQ(decode_checked(pair.public_key()).substr(1),
              vectors::hex_decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    EXPECT_EQ(pair.sign(""), vectors::hex_decode("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                                 "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
}

TEST(KeyPair, GenerateEveryRoleRoundTrips) {
    for (const auto type : all_types) {
        const KeyPair pair = KeyPair::generate(type);
        EXPECT_EQ(pair.type(), type);
        const std::string seed = pair.seed();
        const std::string pub = pair.public_key();
        ASSERT_EQ(seed.size(), 58U);
        ASSERT_EQ(pub.size(), 56U);
        EXPECT_EQ(seed[0], 'S');
        EXPECT_EQ(seed[1], letter_of(type));
        EXPECT_EQ(pub[0], letter_of(type));
        const KeyPair again = KeyPair::from_seed(seed);
        EXPECT_EQ(again.type(), type);
        EXPECT_EQ(again.public_key(), pub);
        EXPECT_EQ(again.seed(), seed);
        EXPECT_EQ(public_key_type(pub), type);
        const std::string sig = pair.sign("nonce");
        EXPECT_EQ(sig.size(), 64U);
        EXPECT_TRUE(verify(pub, "nonce", sig));
        EXPECT_TRUE(again.verify("nonce", sig));
    }
}

TEST(KeyPair, GeneratedKeysDiffer) {
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) seen.insert(KeyPair::generate(KeyType::user).public_key());
    EXPECT_EQ(seen.size(), 20U);
}

TEST(KeyPair, CopiesAreIndependentAndEqual) {
    const KeyPair original = KeyPair::generate(KeyType::account);
    KeyPair copy = original;
    EXPECT_EQ(copy.seed(), original.seed());
    copy = KeyPair::generate(KeyType::server);
    EXPECT_NE(copy.public_key(), original.public_key());
    EXPECT_EQ(copy.type(), KeyType::server);
    EXPECT_EQ(original.type(), KeyType::account);
}

TEST(KeyPair, SeedWithLineEndingsIsAccepted) {
    const auto& v = vectors::known_pairs[0];
    EXPECT_EQ(KeyPair::from_seed(std::string(v.seed) + "\n").public_key(), v.public_key);
    EXPECT_EQ(KeyPair::from_seed(std::string(v.seed) + "\r\n").public_key(), v.public_key);
}

TEST(KeyPair, RejectsCorruptSeeds) {
    const std::string seed(vectors::known_pairs[0].seed);
    EXPECT_EQ(error_of_seed(""), "nkeys: invalid encoded key");
    EXPECT_EQ(error_of_seed("SUACSS"), "illegal base32 data at input byte 0");
    EXPECT_EQ(error_of_seed(seed.substr(0, 56)), "nkeys: invalid checksum");
    std::string lower = seed;
    lower[10] = static_cast<char>(lower[10] + ('a' - 'A'));
    EXPECT_EQ(error_of_seed(lower), "illegal base32 data at input byte 10");
    std::string digit = seed;
    digit[12] = '1';
    EXPECT_EQ(error_of_seed(digit), "illegal base32 data at input byte 12");
    for (std::size_t i = 0; i + 1 < seed.size(); ++i) { // the last symbol holds 2 unused bits
        std::string bad = seed;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        EXPECT_NE(error_of_seed(bad), "no error") << "position " << i;
    }
    EXPECT_EQ(error_of_seed(seed + "A"), "illegal base32 data at input byte 56");
    EXPECT_NE(error_of_seed(seed + "AA"), "no error");
}

TEST(KeyPair, RejectsNonSeeds) {
    // Public keys, a private key and a curve seed are not signing seeds.
    EXPECT_EQ(error_of_seed(vectors::known_pairs[0].public_key), "nkeys: invalid seed");
    EXPECT_EQ(error_of_seed(encode_key(prefix::private_, std::string(64, 'p'))), "nkeys: invalid seed");
    EXPECT_EQ(error_of_seed(encode_seed(prefix::curve, std::string(32, 'x'))),
              "nkeys: curve key is not valid for sign/verify");
}

TEST(KeyPair, RejectsWrongSeedLength) {
    EXPECT_THROW(KeyPair::from_raw_seed(KeyType::user, std::string(31, 's')), Error);
    EXPECT_THROW(KeyPair::from_raw_seed(KeyType::user, std::string(33, 's')), Error);
    std::string raw = decode_checked(vectors::known_pairs[0].seed);
    raw.pop_back();
    // Re-encode the shortened seed with a correct CRC.
    const std::uint16_t crc = crc16(raw);
    raw.push_back(static_cast<char>(crc & 0xFF));
    raw.push_back(static_cast<char>(crc >> 8));
    EXPECT_EQ(error_of_seed(base32_encode(raw)), "nkeys: invalid seed length");
}

TEST(KeyPair, FromRawSeedMatchesEncodedSeed) {
    const std::string raw(32, '\x11');
    const KeyPair a = KeyPair::from_raw_seed(KeyType::cluster, raw);
    EXPECT_EQ(a.seed(), encode_seed(prefix::cluster, raw));
    EXPECT_EQ(KeyPair::from_seed(a.seed()).public_key(), a.public_key());
}

TEST(KeyType, Names) {
    EXPECT_EQ(to_string(KeyType::operator_), "operator");
    EXPECT_EQ(to_string(KeyType::account), "account");
    EXPECT_EQ(to_string(KeyType::user), "user");
    EXPECT_EQ(to_string(KeyType::server), "server");
    EXPECT_EQ(to_string(KeyType::cluster), "cluster");
}

} // namespace
} // namespace nats::nkeys
