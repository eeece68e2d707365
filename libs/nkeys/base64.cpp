#include <sodium.h>

#include <string>

#include "libs/nkeys/nkeys.hpp"
#include "libs/nkeys/sodium_ready.hpp"

namespace nats::nkeys {
namespace {

std::string encode(std::string_view raw, int variant) {
    detail::ensure_sodium();
    std::string out(sodium_base64_ENCODED_LEN(raw.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      variant);
    out.resize(out.size() - 1); // the terminating NUL
    return out;
}

} // namespace

std::string base64url_encode(std::string_view raw) { return encode(raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING); }

std::string base64_encode(std::string_view raw) { return encode(raw, sodium_base64_VARIANT_ORIGINAL); }

std::optional<std::string> base64_decode_any(std::string_view text) {
    try {
        detail::ensure_sodium();
    } catch (const Error&) {
        return std::nullopt;
    }
    // Clients differ: nats.go sends URL-safe unpadded, others standard with
    // padding. Each variant is strict on its own, so try them in turn.
    static constexpr int variants[] = {
        sodium_base64_VARIANT_URLSAFE_NO_PADDING,
        sodium_base64_VARIANT_URLSAFE,
        sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
        sodium_base64_VARIANT_ORIGINAL,
    };
    std::string out(text.size() * 3 / 4 + 3, '\0');
    for (const int variant : variants) {
        std::size_t length = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                              "\r\n", &length, nullptr, variant) == 0) {
            out.resize(length);
            return out;
        }
    }
    return std::nullopt;
}

} // namespace nats::nkeys
