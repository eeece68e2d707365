#include "plugins/monitoring/http_auth.hpp"

#include <algorithm>
#include <cctype>

#include <nats_sdk/constant_time.hpp>

namespace nats::monitoring {

namespace {

bool scheme_is(std::string_view header, std::string_view scheme) {
    if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
    return std::equal(scheme.begin(), scheme.end(), header.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

bool base64_decode(std::string_view text, std::string& out) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    out.clear();
    if (text.size() % 4 != 0) return false;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '=') {
            // Only at the end, at most two.
            if (i + 2 < text.size()) return false;
            ++padding;
            continue;
        }
        if (padding > 0) return false;
        const int v = value(c);
        if (v < 0) return false;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return padding <= 2;
}

bool credentials_accepted(const AuthSettings& auth, std::string_view authorization) {
    if (!auth.enabled()) return true;
    const std::string_view header = trim(authorization);
    if (!auth.token.empty() && scheme_is(header, "Bearer")) {
        return nats_sdk::constant_time_equals(trim(header.substr(7)), auth.token);
    }
    if (!auth.user.empty() && scheme_is(header, "Basic")) {
        std::string decoded;
        if (!base64_decode(trim(header.substr(6)), decoded)) return false;
        const auto colon = decoded.find(':');
        if (colon == std::string::npos) return false;
        // Both compared, whatever the first says, so timing tells nothing.
        const bool user_ok = nats_sdk::constant_time_equals(std::string_view(decoded).substr(0, colon), auth.user);
        const bool password_ok =
            nats_sdk::constant_time_equals(std::string_view(decoded).substr(colon + 1), auth.password);
        return user_ok && password_ok;
    }
    return false;
}

std::string auth_challenge(const AuthSettings& auth) {
    std::string out;
    if (!auth.user.empty()) out = "Basic realm=\"NATS monitoring\"";
    if (!auth.token.empty()) out += std::string(out.empty() ? "" : ", ") + "Bearer realm=\"NATS monitoring\"";
    return out;
}

}  // namespace nats::monitoring
