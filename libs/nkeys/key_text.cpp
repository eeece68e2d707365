#include "libs/nkeys/key_text.hpp"

#include <sodium.h>

#include <string>

namespace nats::nkeys {
namespace {

constexpr std::size_t raw_seed_size = 32;

void append_crc(std::string& raw) {
    const std::uint16_t crc = crc16(raw);
    raw.push_back(static_cast<char>(crc & 0xFFU));
    raw.push_back(static_cast<char>(crc >> 8));
}

bool is_public_prefix(std::uint8_t p) {
    return type_of_prefix(p).has_value() || p == prefix::curve;
}

} // namespace

std::uint8_t prefix_of(KeyType type) {
    switch (type) {
    case KeyType::operator_: return prefix::operator_;
    case KeyType::account: return prefix::account;
    case KeyType::user: return prefix::user;
    case KeyType::server: return prefix::server;
    case KeyType::cluster: return prefix::cluster;
    }
    throw Error("nkeys: invalid prefix byte");
}

std::optional<KeyType> type_of_prefix(std::uint8_t prefix_byte) {
    switch (prefix_byte) {
    case prefix::operator_: return KeyType::operator_;
    case prefix::account: return KeyType::account;
    case prefix::user: return KeyType::user;
    case prefix::server: return KeyType::server;
    case prefix::cluster: return KeyType::cluster;
    default: return std::nullopt;
    }
}

std::string_view to_string(KeyType type) {
    switch (type) {
    case KeyType::operator_: return "operator";
    case KeyType::account: return "account";
    case KeyType::user: return "user";
    case KeyType::server: return "server";
    case KeyType::cluster: return "cluster";
    }
    return "unknown";
}

std::string encode_key(std::uint8_t prefix_byte, std::string_view payload) {
    std::string raw;
    raw.reserve(payload.size() + 3);
    raw.push_back(static_cast<char>(prefix_byte));
    raw.append(payload);
    append_crc(raw);
    std::string text = base32_encode(raw);
    wipe(raw); // the payload may be a private key
    return text;
}

std::string encode_seed(std::uint8_t public_prefix, std::string_view raw_seed) {
    if (!is_public_prefix(public_prefix)) throw Error("nkeys: invalid prefix byte");
    if (raw_seed.size() != raw_seed_size) throw Error("nkeys: invalid seed length");
    std::string raw;
    raw.reserve(raw_seed.size() + 4);
    // Base32 takes five bits at a time: 'S' fills the first five, the role's
    // prefix the next eight, so both letters show in the text.
    raw.push_back(static_cast<char>(prefix::seed | (public_prefix >> 5)));
    raw.push_back(static_cast<char>((public_prefix & 31U) << 3));
    raw.append(raw_seed);
    append_crc(raw);
    std::string text = base32_encode(raw);
    wipe(raw);
    return text;
}

std::string decode_checked(std::string_view text) {
    std::string raw = base32_decode(text);
    if (raw.size() < 4) {
        wipe(raw);
        throw Error("nkeys: invalid encoded key");
    }
    const auto lo = static_cast<std::uint8_t>(raw[raw.size() - 2]);
    const auto hi = static_cast<std::uint8_t>(raw[raw.size() - 1]);
    const auto expected = static_cast<std::uint16_t>(lo | (hi << 8));
    raw.resize(raw.size() - 2);
    if (crc16(raw) != expected) {
        wipe(raw);
        throw Error("nkeys: invalid checksum");
    }
    return raw;
}

bool is_valid_encoding(std::string_view text) {
    try {
        std::string raw = decode_checked(text);
        wipe(raw);
        return true;
    } catch (const Error&) {
        return false;
    }
}

DecodedSeed decode_seed(std::string_view text) {
    std::string raw = decode_checked(text);
    const auto b0 = static_cast<std::uint8_t>(raw[0]);
    const auto b1 = static_cast<std::uint8_t>(raw[1]);
    const auto kind = static_cast<std::uint8_t>(b0 & 0xF8U);
    const auto role = static_cast<std::uint8_t>(((b0 & 0x07U) << 5) | ((b1 & 0xF8U) >> 3));
    if (kind != prefix::seed || !is_public_prefix(role)) {
        wipe(raw);
        throw Error("nkeys: invalid seed");
    }
    if (raw.size() - 2 != raw_seed_size) {
        wipe(raw);
        throw Error("nkeys: invalid seed length");
    }
    DecodedSeed out;
    out.public_prefix = role;
    out.raw = raw.substr(2);
    wipe(raw);
    return out;
}

void wipe(std::string& secret) {
    if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
    secret.clear();
}

} // namespace nats::nkeys
