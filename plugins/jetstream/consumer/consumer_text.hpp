#pragma once
// Small text helpers the consumer files share.

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace nmk::jetstream {

// bytes.TrimSpace: ASCII white space off both ends.
inline std::string_view trim_space(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// `n` random letters and digits: generated consumer names, flow-control ids.
inline std::string random_token(std::size_t n) {
    static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string out(n, '0');
    for (auto& c : out) c = digits[rng() % 62];
    return out;
}

}  // namespace nmk::jetstream
