#pragma once
// Query strings and option values read the way nats-server (Go's net/url and
// strconv) reads them, so a bad value gets the same 400 text:
//   Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nats::monitoring {

// Go's url.ParseQuery: pairs split on '&', '+' and %XX decoded; a pair with a
// ';' or a bad escape is dropped. get() is url.Values.Get: the first value.
class GoQuery {
public:
    explicit GoQuery(std::string_view raw);
    std::string get(std::string_view key) const;
    bool has(std::string_view key) const;

private:
    std::vector<std::pair<std::string, std::string>> pairs_;
};

// Go's QueryUnescape (form: '+' is a space); nullopt for a malformed escape.
std::optional<std::string> query_unescape(std::string_view text);
// Go's PathUnescape ('+' stays); nullopt for a malformed escape.
std::optional<std::string> path_unescape(std::string_view text);
// Form-encodes a value for a query string.
std::string query_escape(std::string_view text);
// Go's strconv.Quote.
std::string go_quote(std::string_view text);

// Each returns the 400 body nats-server sends for a bad value, or nullopt (and
// sets `out`). An absent or empty value is the zero value, as in nats-server.
std::optional<std::string> decode_bool(const GoQuery& q, std::string_view key, bool& out);
std::optional<std::string> decode_int(const GoQuery& q, std::string_view key, std::int64_t& out);
std::optional<std::string> decode_uint64(const GoQuery& q, std::string_view key, std::uint64_t& out);

// nats-server's IsValidLiteralSubject: tokens not empty, no whitespace, no
// token that is a wildcard.
bool is_valid_literal_subject(std::string_view subject);

}  // namespace nats::monitoring
