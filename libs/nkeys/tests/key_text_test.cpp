// The text layer: CRC16, base32, prefix bytes and seed encoding.
#include <gtest/gtest.h>

#include <string>

#include "libs/nkeys/key_text.hpp"

namespace nats::nkeys {
namespace {

std::string error_of(auto&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Crc16, XmodemCheckValue) {
    EXPECT_EQ(crc16("123456789"), 0x31C3);
    EXPECT_EQ(crc16(""), 0);
    EXPECT_EQ(crc16(std::string(1, '\0')), 0);
    EXPECT_EQ(crc16("A"), 0x58E5);
}

TEST(Base32, Rfc4648VectorsWithoutPadding) {
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""},           {"f", "MY"},           {"fo", "MZXQ"},          {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
    };
    for (const auto& [raw, text] : vectors) {
        EXPECT_EQ(base32_encode(raw), text);
        EXPECT_EQ(base32_decode(text), raw);
    }
}

TEST(Base32, AllByteValuesRoundTrip) {
    std::string raw;
    for (int i = 0; i < 256; ++i) raw.push_back(static_cast<char>(i));
    for (std::size_t n = 0; n <= raw.size(); n += 37) {
        EXPECT_EQ(base32_decode(base32_encode(raw.substr(0, n))), raw.substr(0, n));
    }
}

TEST(Base32, SkipsLineBreaksLikeGo) { EXPECT_EQ(base32_decode("MZX\r\nW6YTB\nOI\n"), "foobar"); }

TEST(Base32, RejectsIllegalCharactersWithPosition) {
    EXPECT_EQ(error_of([] { base32_decode("MZXW6YT1"); }), "illegal base32 data at input byte 7");
    EXPECT_EQ(error_of([] { base32_decode("mzxw6ytb"); }), "illegal base32 data at input byte 0");
    EXPECT_EQ(error_of([] { base32_decode("MZXW6YQ="); }), "illegal base32 data at input byte 7");
    EXPECT_EQ(error_of([] { base32_decode("MZ XW"); }), "illegal base32 data at input byte 2");
}

TEST(Base32, RejectsImpossibleLengths) {
    EXPECT_NE(error_of([] { base32_decode("M"); }), "no error");
    EXPECT_NE(error_of([] { base32_decode("MZX"); }), "no error");
    EXPECT_NE(error_of([] { base32_decode("MZXW6Y"); }), "no error");
    EXPECT_NE(error_of([] { base32_decode("MZXW6YTBO"); }), "no error");
}

TEST(Prefix, BytesAndLetters) {
    EXPECT_EQ(prefix::seed, 144);
    EXPECT_EQ(prefix::private_, 120);
    EXPECT_EQ(prefix::server, 104);
    EXPECT_EQ(prefix::cluster, 16);
    EXPECT_EQ(prefix::operator_, 112);
    EXPECT_EQ(prefix::account, 0);
    EXPECT_EQ(prefix::user, 160);
    EXPECT_EQ(prefix::curve, 184);
    const std::string zeros(32, '\0');
    EXPECT_EQ(encode_key(prefix::server, zeros)[0], 'N');
    EXPECT_EQ(encode_key(prefix::cluster, zeros)[0], 'C');
    EXPECT_EQ(encode_key(prefix::operator_, zeros)[0], 'O');
    EXPECT_EQ(encode_key(prefix::account, zeros)[0], 'A');
    EXPECT_EQ(encode_key(prefix::user, zeros)[0], 'U');
    EXPECT_EQ(encode_key(prefix::curve, zeros)[0], 'X');
    EXPECT_EQ(encode_key(prefix::private_, zeros)[0], 'P');
    for (const auto type : {KeyType::operator_, KeyType::account, KeyType::user, KeyType::server, KeyType::cluster})
        EXPECT_EQ(type_of_prefix(prefix_of(type)), type);
    EXPECT_FALSE(type_of_prefix(prefix::seed));
    EXPECT_FALSE(type_of_prefix(prefix::curve));
    EXPECT_FALSE(type_of_prefix(8));
}

TEST(KeyText, PublicKeyLayout) {
    const std::string payload(32, '\x42');
    const std::string text = encode_key(prefix::user, payload);
    EXPECT_EQ(text.size(), 56U);
    const std::string raw = base32_decode(text);
    ASSERT_EQ(raw.size(), 35U);
    EXPECT_EQ(static_cast<unsigned char>(raw[0]), prefix::user);
    EXPECT_EQ(raw.substr(1, 32), payload);
    const std::uint16_t crc = crc16(raw.substr(0, 33));
    EXPECT_EQ(static_cast<unsigned char>(raw[33]), crc & 0xFF); // little-endian
    EXPECT_EQ(static_cast<unsigned char>(raw[34]), crc >> 8);
    EXPECT_EQ(decode_checked(text), raw.substr(0, 33));
}

TEST(KeyText, SeedTwoBytePrefix) {
    const std::string raw_seed(32, '\x07');
    for (const auto p :
         {prefix::operator_, prefix::account, prefix::user, prefix::server, prefix::cluster, prefix::curve}) {
        const std::string text = encode_seed(p, raw_seed);
        EXPECT_EQ(text.size(), 58U);
        EXPECT_EQ(text[0], 'S');
        EXPECT_EQ(text[1], encode_key(p, raw_seed)[0]);
        const std::string raw = base32_decode(text);
        EXPECT_EQ(static_cast<unsigned char>(raw[0]), prefix::seed | (p >> 5));
        EXPECT_EQ(static_cast<unsigned char>(raw[1]), (p & 31) << 3);
        const DecodedSeed decoded = decode_seed(text);
        EXPECT_EQ(decoded.public_prefix, p);
        EXPECT_EQ(decoded.raw, raw_seed);
    }
}

TEST(KeyText, EncodeSeedRejectsBadInput) {
    EXPECT_EQ(error_of([] { encode_seed(prefix::seed, std::string(32, 'a')); }), "nkeys: invalid prefix byte");
    EXPECT_EQ(error_of([] { encode_seed(prefix::private_, std::string(32, 'a')); }), "nkeys: invalid prefix byte");
    EXPECT_EQ(error_of([] { encode_seed(prefix::user, std::string(31, 'a')); }), "nkeys: invalid seed length");
    EXPECT_EQ(error_of([] { encode_seed(prefix::user, std::string(33, 'a')); }), "nkeys: invalid seed length");
}

TEST(KeyText, DecodeCheckedRejectsShortAndCorrupt) {
    EXPECT_EQ(error_of([] { decode_checked(""); }), "nkeys: invalid encoded key");
    EXPECT_EQ(error_of([] { decode_checked(base32_encode("abc")); }), "nkeys: invalid encoded key");
    const std::string good = encode_key(prefix::user, std::string(32, 'k'));
    EXPECT_TRUE(is_valid_encoding(good));
    // Every single-symbol change in the body or checksum is caught.
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(is_valid_encoding(bad)) << "position " << i;
    }
    std::string flipped = good;
    flipped[20] = flipped[20] == 'Q' ? 'R' : 'Q';
    EXPECT_EQ(error_of([&] { decode_checked(flipped); }), "nkeys: invalid checksum");
}

TEST(KeyText, DecodeSeedRejectsNonSeeds) {
    const std::string pub = encode_key(prefix::user, std::string(32, 'k'));
    EXPECT_EQ(error_of([&] { decode_seed(pub); }), "nkeys: invalid seed");
    // 'S' followed by a prefix that is not a role.
    std::string raw;
    raw.push_back(static_cast<char>(prefix::seed | (prefix::private_ >> 5)));
    raw.push_back(static_cast<char>((prefix::private_ & 31) << 3));
    raw.append(32, 'k');
    const std::uint16_t crc = crc16(raw);
    raw.push_back(static_cast<char>(crc & 0xFF));
    raw.push_back(static_cast<char>(crc >> 8));
    EXPECT_EQ(error_of([&] { decode_seed(base32_encode(raw)); }), "nkeys: invalid seed");
}

TEST(KeyText, DecodeSeedRejectsWrongLength) {
    for (const std::size_t n : {std::size_t{16}, std::size_t{31}, std::size_t{33}, std::size_t{64}}) {
        std::string raw;
        raw.push_back(static_cast<char>(prefix::seed | (prefix::user >> 5)));
        raw.push_back(static_cast<char>((prefix::user & 31) << 3));
        raw.append(n, 'k');
        const std::uint16_t crc = crc16(raw);
        raw.push_back(static_cast<char>(crc & 0xFF));
        raw.push_back(static_cast<char>(crc >> 8));
        EXPECT_EQ(error_of([&] { decode_seed(base32_encode(raw)); }), "nkeys: invalid seed length") << n;
    }
}

TEST(KeyText, WipeClears) {
    std::string secret = "top secret";
    wipe(secret);
    EXPECT_TRUE(secret.empty());
}

} // namespace
} // namespace nats::nkeys
