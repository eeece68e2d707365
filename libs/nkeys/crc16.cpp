#include <cstdint>
#include <string_view>

#include "libs/nkeys/key_text.hpp"

namespace nats::nkeys {

std::uint16_t crc16(std::string_view data) {
    std::uint16_t crc = 0;
    for (const char c : data) {
        crc ^= static_cast<std::uint16_t>(static_cast<std::uint8_t>(c) << 8);
        for (int bit = 0; bit < 8; ++bit) {
            const bool high = (crc & 0x8000U) != 0;
            crc = static_cast<std::uint16_t>(crc << 1);
            if (high) crc ^= 0x1021U;
        }
    }
    return crc;
}

} // namespace nats::nkeys
