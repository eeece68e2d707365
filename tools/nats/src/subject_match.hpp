#pragma once
// Subject patterns on the client side (sub --ignore-subject).
#include <string>
#include <string_view>
#include <vector>

namespace nats::cli {

// True when `subject` matches `pattern`, where "*" matches one token and ">"
// (last) one or more.
bool subject_matches(std::string_view pattern, std::string_view subject);

// natscli's splitting of subject lists given on the command line: commas and
// spaces separate, empty parts are dropped.
std::vector<std::string> split_subject_list(std::string_view text);

} // namespace nats::cli
