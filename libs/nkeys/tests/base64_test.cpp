// Signatures arrive base64-encoded in either alphabet, with or without padding.
#include <gtest/gtest.h>

#include <string>

#include "libs/nkeys/nkeys.hpp"

namespace nats::nkeys {
namespace {

// Bytes whose encoding uses '+' and '/' (standard) or '-' and '_' (URL-safe)
// and needs padding.
const std::string raw("\xfb\xff\xbf\x01", 4);

TEST(Base64, EncodeVariants) {
    EXPECT_EQ(base64url_encode(raw), "-_-_AQ");
    EXPECT_EQ(base64_encode(raw), "+/+/AQ==");
    EXPECT_EQ(base64url_encode(""), "");
    EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
}

TEST(Base64, DecodesEveryVariant) {
    for (const char* text : {"-_-_AQ", "-_-_AQ==", "+/+/AQ", "+/+/AQ=="}) {
        const auto decoded = base64_decode_any(text);
        ASSERT_TRUE(decoded) << text;
        EXPECT_EQ(*decoded, raw) << text;
    }
    EXPECT_EQ(base64_decode_any(""), std::string());
    EXPECT_EQ(base64_decode_any("Zm9vYmFy"), "foobar");
}

TEST(Base64, IgnoresLineBreaks) { EXPECT_EQ(base64_decode_any("Zm9v\r\nYmE=\n"), "fooba"); }

TEST(Base64, RoundTripsSignatureSizes) {
    std::string data;
    for (int i = 0; i < 64; ++i) data.push_back(static_cast<char>(i * 37 + 11));
    for (std::size_t n = 0; n <= data.size(); ++n) {
        EXPECT_EQ(base64_decode_any(base64url_encode(data.substr(0, n))), data.substr(0, n));
        EXPECT_EQ(base64_decode_any(base64_encode(data.substr(0, n))), data.substr(0, n));
    }
}

TEST(Base64, RejectsMalformed) {
    EXPECT_FALSE(base64_decode_any("-_+/AQ")); // mixed alphabets
    EXPECT_FALSE(base64_decode_any("AQ="));    // wrong padding
    EXPECT_FALSE(base64_decode_any("A"));      // cannot end a quantum
    EXPECT_FALSE(base64_decode_any("Zm9v YmFy"));
    EXPECT_FALSE(base64_decode_any("Zm9v*mFy"));
    EXPECT_FALSE(base64_decode_any("Zm9vYmFy=="));
}

} // namespace
} // namespace nats::nkeys
