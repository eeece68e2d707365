#include "kernel/accounts/request_info.hpp"

namespace nats::accounts {

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
