#include "nkey.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace nats::cli {
namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::uint8_t prefix_seed = 18 << 3;
constexpr std::uint8_t prefix_user = 20 << 3;

std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
    std::vector<std::uint8_t> out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const auto index = base32_alphabet.find(c);
        if (index == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(index);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(buffer >> bits));
            buffer &= (1U << bits) - 1;
        }
    }
    return out;
}

std::string base32_encode(const std::vector<std::uint8_t>& data) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : data) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += base32_alphabet[(buffer >> bits) & 31];
        }
        buffer &= (1U << bits) - 1;
    }
    if (bits > 0) out += base32_alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

// CRC-16/XMODEM, the checksum NKeys append.
std::uint16_t crc16(const std::uint8_t* data, std::size_t length) {
    std::uint16_t crc = 0;
    for (std::size_t i = 0; i < length; ++i) {
        crc ^= static_cast<std::uint16_t>(data[i]) << 8;
        for (int k = 0; k < 8; ++k) {
            crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
        }
    }
    return crc;
}

bool is_key_char(char c) { return base32_alphabet.find(c) != std::string_view::npos; }

} // namespace

std::optional<std::string> find_user_seed(std::string_view text) {
    for (std::size_t i = 0; i + 2 <= text.size(); ++i) {
        if (text[i] != 'S' || text[i + 1] != 'U' || (i > 0 && is_key_char(text[i - 1]))) continue;
        std::size_t end = i;
        while (end < text.size() && is_key_char(text[end])) ++end;
        if (end - i == 58) return std::string(text.substr(i, end - i));
    }
    return std::nullopt;
}

std::optional<std::string> public_key_from_seed(std::string_view seed) {
    const auto raw = base32_decode(seed);
    if (!raw || raw->size() != 36) return std::nullopt;
    const auto& bytes = *raw;
    const std::uint16_t stored = static_cast<std::uint16_t>(bytes[34] | (bytes[35] << 8));
    if (crc16(bytes.data(), 34) != stored) return std::nullopt;
    if ((bytes[0] & 248) != prefix_seed) return std::nullopt;
    const auto kind = static_cast<std::uint8_t>(((bytes[0] & 7) << 5) | ((bytes[1] & 248) >> 3));
    if (kind != prefix_user) return std::nullopt;

    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes.data() + 2, 32), &EVP_PKEY_free);
    if (!key) return std::nullopt;
    std::array<std::uint8_t, 32> pub{};
    std::size_t pub_length = pub.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &pub_length) != 1 || pub_length != 32) return std::nullopt;

    std::vector<std::uint8_t> encoded{prefix_user};
    encoded.insert(encoded.end(), pub.begin(), pub.end());
    const std::uint16_t crc = crc16(encoded.data(), encoded.size());
    encoded.push_back(static_cast<std::uint8_t>(crc & 0xff));
    encoded.push_back(static_cast<std::uint8_t>(crc >> 8));
    return base32_encode(encoded);
}

} // namespace nats::cli
