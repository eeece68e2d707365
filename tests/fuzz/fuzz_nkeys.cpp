// libFuzzer target: decoding of NKeys text (libs/nkeys). Any input must decode or
// throw nats::nkeys::Error, never crash. Where it decodes, the round trips hold:
// a base32 decode re-encodes to bytes that decode again to the same; a seed gives a
// key pair whose seed and public key read back to the same pair, whose public key is
// valid for its role and verifies its own signature; a valid public key's role
// matches is_valid_public_key; base64 decodes re-encode and decode to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "libs/nkeys/curve.hpp"
#include "libs/nkeys/key_text.hpp"
#include "libs/nkeys/nkeys.hpp"

namespace nk = nats::nkeys;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// Runs `decode`; nullopt when it throws Error (the documented refusal). The checks
// on what it returned stay outside, so an Error from a round trip is a finding.
template <typename Decode>
std::optional<std::string> decoded(Decode decode) {
    try {
        return decode();
    } catch (const nk::Error&) {
        return std::nullopt;
    }
}

void check_base32(std::string_view text) {
    if (const auto raw = decoded([&] { return nk::base32_decode(text); })) {
        check(nk::base32_decode(nk::base32_encode(*raw)) == *raw);
    }
    const auto payload = decoded([&] { return nk::decode_checked(text); });
    check(nk::is_valid_encoding(text) == payload.has_value());
    if (payload) {
        check(!payload->empty());
        // Re-encoding the payload (prefix byte first) must pass the checksum again.
        check(nk::decode_checked(nk::encode_key(static_cast<std::uint8_t>((*payload)[0]), payload->substr(1))) ==
              *payload);
    }
}

void check_seed(std::string_view text) {
    std::optional<nk::KeyPair> pair;
    try {
        pair.emplace(nk::KeyPair::from_seed(text));
    } catch (const nk::Error&) {
    }
    if (pair) {
        const std::string seed = pair->seed();
        const nk::KeyPair again = nk::KeyPair::from_seed(seed);
        check(again.seed() == seed && again.type() == pair->type());
        const std::string pub = pair->public_key();
        check(again.public_key() == pub);
        check(nk::is_valid_public_key(pub, pair->type()));
        check(nk::public_key_type(pub) == pair->type());
        const std::string sig = pair->sign(text);
        check(nk::verify(pub, text, sig));
        check(pair->verify(text, sig));
    }
    if (const auto pub = decoded([&] { return nk::curve_public_key(text); })) {
        check(pub->size() > 1 && (*pub)[0] == 'X');
        check(nk::is_valid_encoding(*pub));
        check(!nk::public_key_type(*pub));  // curve keys do not sign
    }
}

void check_public_key(std::string_view text) {
    const std::optional<nk::KeyType> type = nk::public_key_type(text);
    check(nk::is_valid_public_key(text) == type.has_value());
    if (type) check(nk::is_valid_public_key(text, *type));
    // A 64-byte "signature" taken from the input: must answer, not crash.
    std::string sig(64, '\0');
    sig.replace(0, std::min<std::size_t>(64, text.size()), text.substr(0, 64));
    (void)nk::verify(text, text, sig);
}

void check_base64(std::string_view text) {
    const std::optional<std::string> raw = nk::base64_decode_any(text);
    if (!raw) return;
    check(nk::base64_decode_any(nk::base64url_encode(*raw)) == raw);
    check(nk::base64_decode_any(nk::base64_encode(*raw)) == raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_base32(text);
    check_seed(text);
    check_public_key(text);
    check_base64(text);
    return 0;
}
