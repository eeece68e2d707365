#include "headers.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string_view>

#include "errors.hpp"
#include "format.hpp"
#include "templates.hpp"

namespace nats::cli {
namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

} // namespace

header_list parse_header_flags(const std::vector<std::string>& specs, long long count) {
    header_list out;
    for (const auto& spec : specs) {
        const auto colon = spec.find(':');
        if (colon == std::string::npos) throw cli_error("invalid header " + go_quote(spec));
        const std::string key = trim(std::string_view(spec).substr(0, colon));
        const std::string raw = trim(std::string_view(spec).substr(colon + 1));
        try {
            out.emplace_back(key, render_template(raw, {.count = count, .request = std::nullopt, .now = std::chrono::system_clock::now()}));
        } catch (const template_error& e) {
            throw cli_error("failed to parse Header template for " + key + ": " + e.what());
        }
    }
    return out;
}

void add_headers(natsMsg* msg, const header_list& headers) {
    for (const auto& [key, value] : headers) check(natsMsgHeader_Add(msg, key.c_str(), value.c_str()));
}

header_list message_headers(natsMsg* msg) {
    header_list out;
    const char** keys = nullptr;
    int key_count = 0;
    if (natsMsgHeader_Keys(msg, &keys, &key_count) != NATS_OK || keys == nullptr) return out;
    std::vector<std::string> names(keys, keys + key_count);
    std::free(static_cast<void*>(keys));
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        const char** values = nullptr;
        int value_count = 0;
        if (natsMsgHeader_Values(msg, name.c_str(), &values, &value_count) != NATS_OK || values == nullptr) continue;
        for (int i = 0; i < value_count; ++i) out.emplace_back(name, values[i]);
        std::free(static_cast<void*>(values));
    }
    return out;
}

} // namespace nats::cli
