#include "kernel/accounts/subject_tokens.hpp"

namespace nats::accounts {

std::vector<std::string_view> tokenize(std::string_view subject) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < subject.size(); ++i) {
        if (subject[i] == '.') {
            out.push_back(subject.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(subject.substr(start));
    return out;
}

std::string join(const std::vector<std::string>& tokens) {
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i) out.push_back('.');
        out += tokens[i];
    }
    return out;
}

bool has_wildcard(std::string_view subject) {
    for (std::size_t i = 0; i < subject.size(); ++i) {
        const char c = subject[i];
        if ((c == '*' || c == '>') && (i == 0 || subject[i - 1] == '.') &&
            (i + 1 == subject.size() || subject[i + 1] == '.'))
            return true;
    }
    return false;
}

bool is_subset_match(const std::vector<std::string_view>& tokens, const std::vector<std::string_view>& test) {
    for (std::size_t i = 0; i < test.size(); ++i) {
        if (i >= tokens.size()) return false;
        const std::string_view t2 = test[i];
        if (t2.empty()) return false;
        if (t2 == ">") return true;
        const std::string_view t1 = tokens[i];
        if (t1.empty() || t1 == ">") return false;
        if (t1 == "*") {
            if (t2 != "*") return false;
            continue;
        }
        if (t2 != "*" && t1 != t2) return false;
    }
    return tokens.size() == test.size();
}

bool is_subset_match(std::string_view subject, std::string_view test) {
    return is_subset_match(tokenize(subject), tokenize(test));
}

}  // namespace nats::accounts
