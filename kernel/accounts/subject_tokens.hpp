#pragma once
// Token-level subject helpers that imports and exports need beyond the
// routing index: splitting, joining, and nats-server's "subset match" between
// two subjects that may both hold wildcards.
#include <string>
#include <string_view>
#include <vector>

namespace nats::accounts {

// "a.b.c" -> {"a","b","c"}; empty tokens are kept (callers validate first).
std::vector<std::string_view> tokenize(std::string_view subject);
std::string join(const std::vector<std::string>& tokens);

// True when some token is a whole-token '*' or '>' (nats-server's subjectHasWildcard).
bool has_wildcard(std::string_view subject);

// Is every subject matched by `tokens` also matched by `test`? Both may hold
// wildcards: "foo.*" is a subset of ">", "*.*" and "foo.*", not of "foo.bar".
// nats-server's isSubsetMatchTokenized, quirks included.
bool is_subset_match(const std::vector<std::string_view>& tokens, const std::vector<std::string_view>& test);
bool is_subset_match(std::string_view subject, std::string_view test);

}  // namespace nats::accounts
