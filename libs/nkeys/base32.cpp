#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "libs/nkeys/key_text.hpp"

namespace nats::nkeys {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int value_of(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

[[noreturn]] void illegal_at(std::size_t position) {
    throw Error("illegal base32 data at input byte " + std::to_string(position));
}

} // namespace

std::string base32_encode(std::string_view raw) {
    std::string out;
    out.reserve((raw.size() * 8 + 4) / 5);
    std::uint32_t bits = 0;
    int held = 0;
    for (const char c : raw) {
        bits = (bits << 8) | static_cast<std::uint8_t>(c);
        held += 8;
        while (held >= 5) {
            held -= 5;
            out.push_back(alphabet[(bits >> held) & 31U]);
        }
    }
    if (held > 0) out.push_back(alphabet[(bits << (5 - held)) & 31U]);
    return out;
}

std::string base32_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 5 / 8);
    std::uint32_t bits = 0;
    int held = 0;
    std::size_t symbols = 0; // input bytes other than CR/LF, for Go's positions
    for (const char c : text) {
        if (c == '\r' || c == '\n') continue;
        const int v = value_of(c);
        if (v < 0) illegal_at(symbols);
        ++symbols;
        bits = (bits << 5) | static_cast<std::uint32_t>(v);
        held += 5;
        if (held >= 8) {
            held -= 8;
            out.push_back(static_cast<char>((bits >> held) & 0xFFU));
        }
    }
    // 1, 3 or 6 symbols in the last group of eight cannot come from whole
    // bytes: the text was cut or padded with junk.
    const std::size_t tail = symbols % 8;
    if (tail == 1 || tail == 3 || tail == 6) illegal_at(symbols - tail);
    return out;
}

} // namespace nats::nkeys
