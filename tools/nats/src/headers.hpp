#pragma once
// Message headers: from --header K:V flags to a message, and from a received
// message back to (key, value) pairs.
#include <nats/nats.h>

#include <string>
#include <utility>
#include <vector>

namespace nats::cli {

using header_list = std::vector<std::pair<std::string, std::string>>;

// natscli's parsing of --header values: "K:V" split at the first colon, both
// sides trimmed, the value expanded as a body template with message number
// `count`. Throws cli_error for a value without a colon.
header_list parse_header_flags(const std::vector<std::string>& specs, long long count);

// Adds the headers to a message (keys may repeat).
void add_headers(natsMsg* msg, const header_list& headers);

// The headers of a received message, keys in sorted order and each key's
// values in the order they were sent. Empty when the message has none.
header_list message_headers(natsMsg* msg);

} // namespace nats::cli
