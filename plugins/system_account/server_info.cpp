#include "plugins/system_account/server_info.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include <nats_sdk/go_time.hpp>

namespace nats::system_account {

void ServerInfoSource::refresh() {
    const monitoring::KernelAnswer varz = kernel_.query("varz", "");
    const auto v = nlohmann::json::parse(varz.body, nullptr, false);
    if (!varz.found || !v.is_object()) return;
    ServerIdentity next;
    next.name = v.value("server_name", "");
    next.host = v.value("host", "");
    if (v.contains("tags") && v["tags"].is_array())
        for (const auto& t : v["tags"])
            if (t.is_string()) next.tags.push_back(t.get<std::string>());
    // JetStream answers its /varz section when it runs (see plugins/monitoring).
    bool jetstream = false;
    const monitoring::KernelAnswer js = kernel_.query("http", "GET /varz/jetstream");
    if (js.found && js.status == 200) {
        const auto section = nlohmann::json::parse(js.body, nullptr, false);
        if (section.is_object() && section.contains("jetstream") && section["jetstream"].is_object()) {
            const auto& j = section["jetstream"];
            jetstream = j.contains("config");
            if (jetstream && j["config"].is_object()) next.domain = j["config"].value("domain", "");
        }
    }
    std::lock_guard lock(mutex_);
    identity_ = std::move(next);
    id_ = v.value("server_id", "");
    version_ = v.value("version", "");
    jetstream_ = jetstream;
}

ServerIdentity ServerInfoSource::identity() const {
    std::lock_guard lock(mutex_);
    return identity_;
}

std::string ServerInfoSource::server_id() const {
    std::lock_guard lock(mutex_);
    return id_;
}

bool ServerInfoSource::jetstream_enabled() const {
    std::lock_guard lock(mutex_);
    return jetstream_;
}

void ServerInfoSource::write_member(nats_sdk::GoJsonWriter& w) {
    std::lock_guard lock(mutex_);
    w.key("server").begin_object();
    w.field("name", identity_.name).field("host", identity_.host).field("id", id_);
    if (!identity_.cluster.empty()) w.field("cluster", identity_.cluster);
    if (!identity_.domain.empty()) w.field("domain", identity_.domain);
    w.field("ver", version_);
    if (!identity_.tags.empty()) {
        w.key("tags").begin_array();
        for (const auto& t : identity_.tags) w.value(t);
        w.end_array();
    }
    w.field("seq", seq_.fetch_add(1, std::memory_order_relaxed) + 1);
    w.field("jetstream", jetstream_).field("time", now_text());
    w.end_object();
}

std::string now_text() { return nats_sdk::rfc3339(std::chrono::system_clock::now()); }


}  // namespace nats::system_account
