#pragma once
// The text form of keys: prefix byte(s) + payload + CRC16 (little-endian),
// base32 (RFC 4648 alphabet, no padding). Exposed for the nk tool and tests;
// plugins normally need only nkeys.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "libs/nkeys/nkeys.hpp"

namespace nats::nkeys {

// First decoded byte of each kind of key, chosen so that its base32 text
// starts with the letter in the comment.
namespace prefix {
inline constexpr std::uint8_t seed = 18 << 3;     // 'S'
inline constexpr std::uint8_t private_ = 15 << 3; // 'P'
inline constexpr std::uint8_t server = 13 << 3;   // 'N'
inline constexpr std::uint8_t cluster = 2 << 3;   // 'C'
inline constexpr std::uint8_t operator_ = 14 << 3; // 'O'
inline constexpr std::uint8_t account = 0;        // 'A'
inline constexpr std::uint8_t user = 20 << 3;     // 'U'
inline constexpr std::uint8_t curve = 23 << 3;    // 'X'
} // namespace prefix

std::uint8_t prefix_of(KeyType type);
std::optional<KeyType> type_of_prefix(std::uint8_t prefix_byte);

// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection.
std::uint16_t crc16(std::string_view data);

std::string base32_encode(std::string_view raw);
// Strict alphabet (upper case A-Z, 2-7), no padding; CR and LF are skipped as
// Go's decoder does. Throws Error("illegal base32 data at input byte N").
std::string base32_decode(std::string_view text);

// prefix byte + payload + CRC, base32.
std::string encode_key(std::uint8_t prefix_byte, std::string_view payload);
// Seeds carry two prefix bytes: 'S' in the top five bits, then the public
// prefix spread over the next eight bits, so the text reads "S" + role letter.
std::string encode_seed(std::uint8_t public_prefix, std::string_view raw_seed);

// Base32 decode and checksum check; returns the bytes before the CRC. Throws
// Error ("nkeys: invalid encoded key", "nkeys: invalid checksum", base32 text).
std::string decode_checked(std::string_view text);
// decode_checked() succeeds: what nk looks for in key files.
bool is_valid_encoding(std::string_view text);

struct DecodedSeed {
    std::uint8_t public_prefix = 0;
    std::string raw; // secret: wipe() it when done
};
// Throws Error: "nkeys: invalid seed" for a non-seed or an unknown role,
// "nkeys: invalid seed length" when the payload is not 32 bytes.
DecodedSeed decode_seed(std::string_view text);

// Overwrites a secret held in a string before it is released.
void wipe(std::string& secret);

} // namespace nats::nkeys
