#include "kernel/accounts/request_info.hpp"

namespace nats::accounts {

namespace {

constexpr std::string_view header_line = "NATS/1.0\r\n";

// The `key` line's bounds when the key starts a line and is followed by ':'.
std::optional<std::pair<std::size_t, std::size_t>> find_line(std::string_view block, std::string_view key) {
    std::size_t from = 0;
    while (true) {
        const std::size_t at = block.find(key, from);
        if (at == std::string_view::npos) return std::nullopt;
        const std::size_t after = at + key.size();
        if (at >= 2 && block[at - 1] == '\n' && block[at - 2] == '\r' && after < block.size() && block[after] == ':') {
            const std::size_t end = block.find("\r\n", after);
            if (end == std::string_view::npos) return std::nullopt;
            return std::make_pair(at, end + 2);
        }
        from = at + 1;
    }
}

}  // namespace

std::string set_header(std::string_view block, std::string_view key, std::string_view value) {
    std::string out;
    if (block.size() > 2) {
        // Without the blank line that ends the block.
        std::string_view head = block.substr(0, block.size() - 2);
        out.assign(head);
        if (auto line = find_line(head, key)) out.erase(line->first, line->second - line->first);
    }
    if (out.empty()) out.assign(header_line);
    out.append(key).append(": ").append(value).append("\r\n\r\n");
    return out;
}

std::optional<std::string> get_header(std::string_view block, std::string_view key) {
    auto line = find_line(block, key);
    if (!line) return std::nullopt;
    std::string_view v = block.substr(line->first + key.size() + 1, line->second - 2 - (line->first + key.size() + 1));
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    return std::string(v);
}

void write_client_info(nats_sdk::GoJsonWriter& w, const nlohmann::json& info) {
    static constexpr const char* order[] = {"start", "host", "id", "acc", "svc", "user", "name", "lang", "ver",
                                            "rtt", "server", "cluster", "alts", "stop", "jwt", "issuer_key",
                                            "name_tag", "tags", "kind", "client_type", "client_id"};
    w.begin_object();
    for (const char* key : order) {
        auto it = info.find(key);
        if (it == info.end()) continue;
        w.key(key);
        nats_sdk::write_go_json(w, *it);
    }
    w.end_object();
}

std::string request_info_text(const nlohmann::json& info) {
    nats_sdk::GoJsonWriter w(false);  // Marshal: compact, invalid UTF-8 replaced instead of throwing
    write_client_info(w, info);
    return w.take();
}

}  // namespace nats::accounts
