#pragma once
// Comparing secrets without leaking them through timing.

#include <cstddef>
#include <string_view>

namespace nats_sdk {

// Equal when `given` and `secret` hold the same bytes. The work depends only on the
// length of `given` (what the client sent), never on where the first difference is nor
// on the secret's length.
inline bool constant_time_equals(std::string_view given, std::string_view secret) noexcept {
    volatile unsigned char diff = given.size() == secret.size() ? 0 : 1;
    const std::size_t secret_size = secret.size();
    for (std::size_t i = 0; i < given.size(); ++i) {
        const unsigned char expected =
            secret_size == 0 ? 0 : static_cast<unsigned char>(secret[i % secret_size]);
        diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(given[i]) ^ expected));
    }
    return diff == 0;
}

}  // namespace nats_sdk
