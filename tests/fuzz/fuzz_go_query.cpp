// libFuzzer target: nats_sdk/go_query.hpp (Go's net/url query functions, which the
// monitoring endpoints use to read their options). For any input:
// - QueryEscape then QueryUnescape gives the input back;
// - QueryUnescape either succeeds or fails with Go's `invalid URL escape "%..."` text;
// - PathUnescape agrees with QueryUnescape on text without '+';
// - the pairs ParseQuery keeps, escaped and joined with '&', parse back to the same
//   pairs with no error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/go_query.hpp>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    check(nats_sdk::go_query_unescape(nats_sdk::go_query_escape(text)) == std::string(text));

    std::string error;
    const std::optional<std::string> query = nats_sdk::go_query_unescape(text, &error);
    if (query) {
        check(error.empty());
    } else {
        check(error.rfind("invalid URL escape \"%", 0) == 0);
    }
    if (text.find('+') == std::string_view::npos) check(nats_sdk::go_path_unescape(text) == query);

    const nats_sdk::GoQuery parsed(text);
    std::string rebuilt;
    for (const auto& [key, value] : parsed.pairs()) {
        if (!rebuilt.empty()) rebuilt += '&';
        rebuilt += nats_sdk::go_query_escape(key) + "=" + nats_sdk::go_query_escape(value);
        check(parsed.has(key));
    }
    const nats_sdk::GoQuery again(rebuilt);
    check(again.error().empty());
    // Every kept pair, even ("", ""), is written as "key=value", which ParseQuery keeps.
    check(again.pairs() == parsed.pairs());
    return 0;
}
