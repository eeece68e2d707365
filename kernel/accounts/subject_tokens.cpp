#include "kernel/accounts/subject_tokens.hpp"

namespace nats::accounts {

std::string join(const std::vector<std::string>& tokens) {
    std::string out;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i) out.push_back('.');
        out += tokens[i];
    }
    return out;
}

}  // namespace nats::accounts
