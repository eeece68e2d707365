#include "config_diff.hpp"

#include <algorithm>
#include <vector>

namespace nats::cli {
namespace {

ordered_json sorted_lists(ordered_json v) {
    if (v.is_array() && std::all_of(v.begin(), v.end(), [](const ordered_json& x) { return x.is_string(); })) {
        std::sort(v.begin(), v.end());
    }
    return v;
}

} // namespace

std::string config_diff(const ordered_json& before, const ordered_json& after) {
    std::string text;
    std::vector<std::string> keys;
    for (auto it = before.begin(); it != before.end(); ++it) keys.push_back(it.key());
    for (auto it = after.begin(); it != after.end(); ++it) {
        if (!before.contains(it.key())) keys.push_back(it.key());
    }
    for (const auto& k : keys) {
        const bool in_before = before.contains(k), in_after = after.contains(k);
        if (in_before && in_after && sorted_lists(before[k]) == sorted_lists(after[k])) continue;
        if (in_before) text += "-   \"" + k + "\": " + before[k].dump() + ",\n";
        if (in_after) text += "+   \"" + k + "\": " + after[k].dump() + ",\n";
    }
    return text;
}

} // namespace nats::cli
