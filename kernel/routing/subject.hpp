#pragma once
// Subject grammar (ADR-6 / nats-server server/sublist.go): tokens separated by '.',
// no empty tokens, no whitespace; '*' matches one token, '>' one or more trailing
// tokens. Wildcards count only as whole tokens ("a.b*" is a literal token).
#include <string_view>

namespace nats::routing {

// A subject a subscriber may listen on (wildcards allowed).
bool is_valid_subject(std::string_view subject);
// A subject a message may be published to (no wildcards).
bool is_valid_literal_subject(std::string_view subject);
// A queue group name: non-empty, no whitespace.
bool is_valid_queue_name(std::string_view queue);
// Does a literal subject match a (possibly wildcard) filter?
bool subject_matches(std::string_view literal_subject, std::string_view filter);
// Could some literal subject match both filters? (used for permission and stream overlap checks)
bool subjects_overlap(std::string_view filter_a, std::string_view filter_b);

}  // namespace nats::routing
