#include "subject_match.hpp"

namespace nats::cli {
namespace {

std::vector<std::string_view> tokens(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const auto dot = s.find('.', start);
        out.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

} // namespace

bool subject_matches(std::string_view pattern, std::string_view subject) {
    const auto p = tokens(pattern);
    const auto s = tokens(subject);
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == ">" && i + 1 == p.size()) return s.size() > i;
        if (i >= s.size()) return false;
        if (p[i] != "*" && p[i] != s[i]) return false;
    }
    return p.size() == s.size();
}

std::vector<std::string> split_subject_list(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    for (char c : text) {
        if (c == ',' || c == ' ') {
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

} // namespace nats::cli
