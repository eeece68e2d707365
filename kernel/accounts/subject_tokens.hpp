#pragma once
// Token lists that imports, exports and transforms build and rewrite. The subject
// rules themselves (wildcards, subset match) are nats_sdk/subject.hpp's.
#include <string>
#include <string_view>
#include <vector>

#include <nats_sdk/subject.hpp>

namespace nats::accounts {

// "a.b.c" -> {"a","b","c"}; empty tokens are kept (callers validate first).
inline std::vector<std::string_view> tokenize(std::string_view subject) { return nats_sdk::subject::tokens(subject); }
std::string join(const std::vector<std::string>& tokens);

using nats_sdk::subject::has_wildcard;
using nats_sdk::subject::is_subset_match;

}  // namespace nats::accounts
