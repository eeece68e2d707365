#pragma once
// Subject lists on the command line (sub --ignore-subject). Matching a subject against
// them is nats_sdk::subject::literal_matches.
#include <string>
#include <string_view>
#include <vector>

namespace nats::cli {

// natscli's splitting of subject lists given on the command line: commas and
// spaces separate, empty parts are dropped.
std::vector<std::string> split_subject_list(std::string_view text);

} // namespace nats::cli
