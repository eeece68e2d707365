// libFuzzer target: nats_sdk/go_json.hpp's GoJsonWriter, which promises JSON text as
// Go's encoding/json writes it (HTML-safe escapes, invalid UTF-8 replaced by U+FFFD,
// Go's float text, NaN and infinities as null). The input is written as a string
// value, as an object key and inside an array, indented and compact, together with
// integers and a double taken from its first bytes; the text must parse with
// nlohmann::json (non-throwing mode) and read back the same values: the string itself
// when it is valid UTF-8, else valid UTF-8 of at most the same number of characters
// per invalid byte replaced.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <nats_sdk/go_json.hpp>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// Whether nlohmann::json accepts `s` as UTF-8 (dump() refuses anything else).
bool is_valid_utf8(const std::string& s) {
    try {
        (void)nlohmann::json(s).dump();
        return true;
    } catch (const nlohmann::json::type_error&) {
        return false;
    }
}

void check_document(std::string_view text, bool indent) {
    std::int64_t i = 0;
    std::uint64_t u = 0;
    double d = 0;
    std::memcpy(&i, text.data(), std::min(sizeof i, text.size()));
    std::memcpy(&u, text.data(), std::min(sizeof u, text.size()));
    std::memcpy(&d, text.data(), std::min(sizeof d, text.size()));

    // An array, so the input as a key cannot collide with another key.
    nats_sdk::GoJsonWriter w(indent);
    w.begin_array().value(text).begin_object().field(text, true).end_object();
    w.value(i).value(u).value(d).null().begin_object().end_object().begin_array().end_array().end_array();

    const nlohmann::json a = nlohmann::json::parse(w.text(), nullptr, /*allow_exceptions=*/false);
    check(!a.is_discarded() && a.is_array() && a.size() == 8);
    const std::string input(text);
    const std::string& s = a[0].get_ref<const std::string&>();
    check(a[1].is_object() && a[1].size() == 1 && a[1].begin().key() == s && a[1].begin().value() == true);
    if (is_valid_utf8(input)) {
        check(s == input);
    } else {
        // Each invalid byte becomes U+FFFD (3 bytes); valid sequences stay as they are.
        check(s.size() <= 3 * input.size() && s.find("\xef\xbf\xbd") != std::string::npos);
    }
    check(a[2].get<std::int64_t>() == i && a[3].get<std::uint64_t>() == u);
    if (std::isfinite(d)) {
        check(a[4].is_number() && a[4].get<double>() == d);
    } else {
        check(a[4].is_null());
    }
    check(a[5].is_null() && a[6].is_object() && a[6].empty() && a[7].is_array() && a[7].empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_document(text, true);
    check_document(text, false);
    return 0;
}
