#include "monitoring/jsz.hpp"

#include <chrono>

#include <nats_sdk/go_json.hpp>

#include "consumer/consumer.hpp"
#include "jetstream_core.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool flag(const nats_sdk::GoQuery& q, const char* key) {
    const std::string v = q.get(key);
    return v == "1" || v == "true" || v == "TRUE" || v == "True" || v == "t" || v == "T";
}

struct Totals {
    std::uint64_t memory = 0, storage = 0, api_total = 0, api_errors = 0, streams = 0, consumers = 0, messages = 0, bytes = 0;
    std::uint64_t corrupt = 0;  // records the stores found damaged (never served)
    int accounts = 0;
};

Totals totals(JetStreamCore& core) {
    Totals t;
    core.for_each_account([&](JsAccount& a) {
        ++t.accounts;
        t.memory += a.memory_bytes();
        t.storage += a.store_bytes();
        t.api_total += a.api_total;
        t.api_errors += a.api_errors;
        t.consumers += a.consumer_count();
        for (auto& [name, s] : a.streams()) {
            ++t.streams;
            const auto st = s->store().state();
            t.messages += st.messages;
            t.bytes += st.bytes;
            t.corrupt += st.corrupt;
        }
    });
    return t;
}

void write_config(nats_sdk::GoJsonWriter& w, JetStreamCore& core) {
    w.key("config").begin_object()
        .field("max_memory", core.server_max_memory())
        .field("max_storage", core.server_max_store())
        .field("store_dir", core.settings().store_dir);
    if (!core.settings().domain.empty()) w.field("domain", core.settings().domain);
    w.end_object();
}

void write_stats(nats_sdk::GoJsonWriter& w, const Totals& t) {
    w.field("memory", t.memory)
        .field("storage", t.storage)
        .field("reserved_memory", 0)
        .field("reserved_storage", 0)
        .field("accounts", t.accounts)
        .field("ha_assets", 0)
        .key("api").begin_object().field("total", t.api_total).field("errors", t.api_errors).end_object();
}

void write_account(nats_sdk::GoJsonWriter& w, JsAccount& a, const std::string& server_id, const JszOptions& o) {
    // nats-server reports the unused reservation of a single server as uint64's max.
    constexpr std::uint64_t no_reservation = ~std::uint64_t{0};
    w.begin_object()
        .field("name", a.name())
        .field("id", a.name())
        .field("memory", a.memory_bytes())
        .field("storage", a.store_bytes())
        .field("reserved_memory", no_reservation)
        .field("reserved_storage", no_reservation)
        .field("accounts", 0)
        .field("ha_assets", 0)
        .key("api").begin_object().field("total", a.api_total).field("errors", a.api_errors).end_object();
    if ((o.streams || o.consumers) && !a.streams().empty()) {
        w.key("stream_detail").begin_array();
        for (auto& [name, s] : a.streams()) {
            w.begin_object().field("name", name).field("created", go_time_text(s->created_ns()));
            w.key("cluster").begin_object().field("leader", server_id).end_object();
            if (o.config) {
                w.key("config");
                write_stream_config(w, s->config());
            }
            w.key("state");
            const StreamInfoOptions none;
            write_stream_state(w, *s, none);
            if (o.consumers && !s->consumers().empty()) {
                // Each consumer's ConsumerInfo, its config only with config=1 (accountDetail).
                w.key("consumer_detail").begin_array();
                for (auto& [consumer_name, consumer] : s->consumers()) {
                    w.begin_object();
                    consumer->write_info_members(w, now_ns(), o.config);
                    w.end_object();
                }
                w.end_array();
            }
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
}

}  // namespace

JszOptions jsz_options(const nats_sdk::GoQuery& q) {
    JszOptions o;
    o.accounts = flag(q, "accounts");
    o.streams = flag(q, "streams");
    o.consumers = flag(q, "consumers");
    o.config = flag(q, "config");
    o.account = q.get("acc");
    return o;
}

std::string jsz_json(JetStreamCore& core, const std::string& server_id, const JszOptions& o) {
    const Totals t = totals(core);
    nats_sdk::GoJsonWriter w(true);
    w.begin_object().field("server_id", server_id).field("now", go_time_text(now_ns()));
    write_config(w, core);
    write_stats(w, t);
    w.field("streams", t.streams).field("consumers", t.consumers).field("messages", t.messages).field("bytes", t.bytes);
    // Ours (nats-server has no such count): only when a store found damage, so a healthy
    // server's /jsz stays nats-server's byte for byte.
    if (t.corrupt > 0) w.field("corrupt_records", t.corrupt);
    if (o.accounts || o.streams || o.consumers || !o.account.empty()) {
        bool any = false;
        core.for_each_account([&](JsAccount& a) {
            if (!o.account.empty() && a.name() != o.account) return;
            if (!any) w.key("account_details").begin_array();
            any = true;
            write_account(w, a, server_id, o);
        });
        if (any) w.end_array();
    }
    w.end_object();
    return w.take();
}

std::string varz_section_json(JetStreamCore& core) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object().key("jetstream").begin_object();
    write_config(w, core);
    w.key("stats").begin_object();
    write_stats(w, totals(core));
    w.end_object().end_object().end_object();
    return w.take();
}

}  // namespace nmk::jetstream
