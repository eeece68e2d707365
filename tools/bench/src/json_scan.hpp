#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nats::bench {

// The unsigned integer value of the first member "key" in a JSON text, without
// parsing the whole document: a multi-megabyte /connz reply is searched in well
// under a millisecond, so the reading thread hardly competes with the server for
// CPU. nullopt when the key is absent or its value is not an unsigned integer.
// Only sound for keys that appear as members, not inside strings.
std::optional<std::uint64_t> find_json_uint(std::string_view json, std::string_view key);

}  // namespace nats::bench
