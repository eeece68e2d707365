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

#include <nats_sdk/go_query.hpp>
#include <nats_sdk/go_quote.hpp>

namespace nats::monitoring {

// Go's url.ParseQuery (a pair with a ';' or a bad escape is dropped; get() is
// url.Values.Get), QueryUnescape, PathUnescape and QueryEscape: the SDK's.
using nats_sdk::GoQuery;
inline std::optional<std::string> query_unescape(std::string_view text) { return nats_sdk::go_query_unescape(text); }
inline std::optional<std::string> path_unescape(std::string_view text) { return nats_sdk::go_path_unescape(text); }
inline std::string query_escape(std::string_view text) { return nats_sdk::go_query_escape(text); }
// Go's strconv.Quote: the SDK's.
using nats_sdk::go_quote;

// Each returns the 400 body nats-server sends for a bad value, or nullopt (and
// sets `out`). An absent or empty value is the zero value, as in nats-server.
std::optional<std::string> decode_bool(const GoQuery& q, std::string_view key, bool& out);
std::optional<std::string> decode_int(const GoQuery& q, std::string_view key, std::int64_t& out);
std::optional<std::string> decode_uint64(const GoQuery& q, std::string_view key, std::uint64_t& out);

}  // namespace nats::monitoring
