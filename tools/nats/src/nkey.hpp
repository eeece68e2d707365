#pragma once
// Just enough of NATS NKeys for --nkey: find a user seed in a file and derive
// its public key ("U..."), which libnats needs next to the seed file.
#include <optional>
#include <string>
#include <string_view>

namespace nats::cli {

// The first user seed ("SU...") in `text`, a plain seed file or one decorated
// like a creds file. nullopt when there is none.
std::optional<std::string> find_user_seed(std::string_view text);

// The public user key of a seed, or nullopt when the seed is malformed (bad
// base32, wrong prefix or checksum).
std::optional<std::string> public_key_from_seed(std::string_view seed);

} // namespace nats::cli
