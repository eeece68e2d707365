#include "libs/jwt/creds.hpp"

#include <vector>

#include "libs/jwt/token.hpp"

namespace nats::jwt {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

// The bodies of "-----BEGIN X-----" ... "------END X------" frames, in order
// (nats.go's credsRe allows 3 or more dashes on either side).
std::vector<std::string> framed_blocks(std::string_view text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (true) {
        const auto begin = text.find("---BEGIN", at);
        if (begin == std::string_view::npos) break;
        const auto header_end = text.find('\n', begin);
        if (header_end == std::string_view::npos) break;
        const auto end = text.find("---END", header_end);
        if (end == std::string_view::npos) break;
        auto body_end = text.rfind('\n', end);
        if (body_end == std::string_view::npos || body_end < header_end) body_end = header_end;
        out.emplace_back(trim(text.substr(header_end + 1, body_end - header_end)));
        const auto line_end = text.find('\n', end);
        at = line_end == std::string_view::npos ? text.size() : line_end;
    }
    return out;
}

}  // namespace

std::string format_creds(std::string_view user_jwt, std::string_view user_seed) {
    std::string out = "-----BEGIN NATS USER JWT-----\n";
    out.append(user_jwt);
    out += "\n------END NATS USER JWT------\n\n"
           "************************* IMPORTANT *************************\n"
           "NKEY Seed printed below can be used to sign and prove identity.\n"
           "NKEYs are sensitive and should be treated as secrets.\n\n"
           "-----BEGIN USER NKEY SEED-----\n";
    out.append(user_seed);
    out += "\n------END USER NKEY SEED------\n\n"
           "*************************************************************\n";
    return out;
}

Creds parse_creds(std::string_view text) {
    auto blocks = framed_blocks(text);
    if (blocks.size() < 2 || blocks[0].empty() || blocks[1].empty()) throw Error("no nkey seed found");
    return Creds{std::move(blocks[0]), std::move(blocks[1])};
}

std::string token_in_file_text(std::string_view text) {
    auto blocks = framed_blocks(text);
    if (!blocks.empty()) return blocks.front();
    return std::string(trim(text));
}

}  // namespace nats::jwt
