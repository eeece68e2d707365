#include "stream/stream_config.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>

#include "api/go_decode.hpp"

namespace nmk::jetstream {

using nlohmann::ordered_json;

namespace {

Retention retention_from(const ordered_json& v) {
    const std::string& s = go_decode::text(v, "retention");
    if (s == "limits") return Retention::limits;
    if (s == "interest") return Retention::interest;
    if (s == "workqueue") return Retention::workqueue;
    throw std::invalid_argument("can not unmarshal retention \"" + s + "\"");
}

Discard discard_from(const ordered_json& v) {
    const std::string& s = go_decode::text(v, "discard");
    if (s == "old") return Discard::old_messages;
    if (s == "new") return Discard::new_messages;
    throw std::invalid_argument("can not unmarshal discard \"" + s + "\"");
}

Storage storage_from(const ordered_json& v) {
    const std::string& s = go_decode::text(v, "storage");
    if (s == "file") return Storage::file;
    if (s == "memory") return Storage::memory;
    throw std::invalid_argument("can not unmarshal storage \"" + s + "\"");
}

ExternalStream external_from(const ordered_json& v) {
    ExternalStream e;
    go_decode::members(v, "external", [&](std::string_view key, const ordered_json& m) {
        if (key == "api") e.api = go_decode::text(m, key);
        else if (key == "deliver") e.deliver = go_decode::text(m, key);
    });
    return e;
}

StreamSource source_from(const ordered_json& v) {
    StreamSource s;
    go_decode::members(v, "source", [&](std::string_view key, const ordered_json& m) {
        if (key == "name") s.name = go_decode::text(m, key);
        else if (key == "opt_start_seq") s.opt_start_seq = go_decode::unsigned_int(m, key);
        else if (key == "opt_start_time") s.opt_start_time = go_decode::time_text(m, key);
        else if (key == "filter_subject") s.filter_subject = go_decode::text(m, key);
        else if (key == "external") s.external = m.is_null() ? std::nullopt : std::optional(external_from(m));
    });
    return s;
}

Placement placement_from(const ordered_json& v) {
    Placement p;
    go_decode::members(v, "placement", [&](std::string_view key, const ordered_json& m) {
        if (key == "cluster") p.cluster = go_decode::text(m, key);
        else if (key == "tags") p.tags = go_decode::texts(m, key);
    });
    return p;
}

RePublish republish_from(const ordered_json& v) {
    RePublish r;
    go_decode::members(v, "republish", [&](std::string_view key, const ordered_json& m) {
        if (key == "src") r.source = go_decode::text(m, key);
        else if (key == "dest") r.destination = go_decode::text(m, key);
        else if (key == "headers_only") r.headers_only = go_decode::boolean(m, key);
    });
    return r;
}

void write_source(nats_sdk::GoJsonWriter& w, const StreamSource& s) {
    w.begin_object().field("name", s.name);
    if (s.opt_start_seq != 0) w.field("opt_start_seq", s.opt_start_seq);
    if (!s.opt_start_time.empty()) w.field("opt_start_time", s.opt_start_time);
    if (!s.filter_subject.empty()) w.field("filter_subject", s.filter_subject);
    if (s.external) {
        w.key("external").begin_object().field("api", s.external->api).field("deliver", s.external->deliver).end_object();
    }
    w.end_object();
}

}  // namespace

StreamConfig stream_config_from_json(const ordered_json& json) {
    StreamConfig c;
    go_decode::members(json, "config", [&](std::string_view key, const ordered_json& v) {
        using namespace go_decode;
        if (key == "name") c.name = text(v, key);
        else if (key == "description") c.description = text(v, key);
        else if (key == "subjects") c.subjects = texts(v, key);
        else if (key == "retention") c.retention = v.is_null() ? Retention::limits : retention_from(v);
        else if (key == "max_consumers") c.max_consumers = signed_int(v, key);
        else if (key == "max_msgs") c.max_msgs = signed_int(v, key);
        else if (key == "max_bytes") c.max_bytes = signed_int(v, key);
        else if (key == "max_age") c.max_age_ns = signed_int(v, key);
        else if (key == "max_msgs_per_subject") c.max_msgs_per_subject = signed_int(v, key);
        else if (key == "max_msg_size") c.max_msg_size = static_cast<std::int32_t>(signed_int(v, key, 32));
        else if (key == "discard") c.discard = v.is_null() ? Discard::old_messages : discard_from(v);
        else if (key == "storage") c.storage = v.is_null() ? Storage::unset : storage_from(v);
        else if (key == "num_replicas") c.replicas = signed_int(v, key);
        else if (key == "no_ack") c.no_ack = boolean(v, key);
        else if (key == "template_owner") c.template_owner = text(v, key);
        else if (key == "duplicate_window") c.duplicate_window_ns = signed_int(v, key);
        else if (key == "placement") c.placement = v.is_null() ? std::nullopt : std::optional(placement_from(v));
        else if (key == "mirror") c.mirror = v.is_null() ? std::nullopt : std::optional(source_from(v));
        else if (key == "sources") {
            c.sources.clear();
            if (!v.is_null()) {
                if (!v.is_array()) throw std::invalid_argument("sources must be an array");
                for (const auto& item : v) c.sources.push_back(source_from(item));
            }
        } else if (key == "republish") c.republish = v.is_null() ? std::nullopt : std::optional(republish_from(v));
        else if (key == "allow_direct") c.allow_direct = boolean(v, key);
        else if (key == "mirror_direct") c.mirror_direct = boolean(v, key);
        else if (key == "discard_new_per_subject") c.discard_new_per_subject = boolean(v, key);
        else if (key == "sealed") c.sealed = boolean(v, key);
        else if (key == "deny_delete") c.deny_delete = boolean(v, key);
        else if (key == "deny_purge") c.deny_purge = boolean(v, key);
        else if (key == "allow_rollup_hdrs") c.allow_rollup = boolean(v, key);
    });
    return c;
}

void write_stream_config(nats_sdk::GoJsonWriter& w, const StreamConfig& c) {
    w.begin_object().field("name", c.name);
    if (!c.description.empty()) w.field("description", c.description);
    if (!c.subjects.empty()) {
        w.key("subjects").begin_array();
        for (const auto& s : c.subjects) w.value(s);
        w.end_array();
    }
    w.field("retention", to_string(c.retention))
        .field("max_consumers", c.max_consumers)
        .field("max_msgs", c.max_msgs)
        .field("max_bytes", c.max_bytes)
        .field("max_age", c.max_age_ns)
        .field("max_msgs_per_subject", c.max_msgs_per_subject);
    if (c.max_msg_size != 0) w.field("max_msg_size", c.max_msg_size);
    w.field("discard", to_string(c.discard)).field("storage", to_string(c.storage)).field("num_replicas", c.replicas);
    if (c.no_ack) w.field("no_ack", true);
    if (!c.template_owner.empty()) w.field("template_owner", c.template_owner);
    if (c.duplicate_window_ns != 0) w.field("duplicate_window", c.duplicate_window_ns);
    if (c.placement) {
        w.key("placement").begin_object();
        if (!c.placement->cluster.empty()) w.field("cluster", c.placement->cluster);
        if (!c.placement->tags.empty()) {
            w.key("tags").begin_array();
            for (const auto& t : c.placement->tags) w.value(t);
            w.end_array();
        }
        w.end_object();
    }
    if (c.mirror) {
        w.key("mirror");
        write_source(w, *c.mirror);
    }
    if (!c.sources.empty()) {
        w.key("sources").begin_array();
        for (const auto& s : c.sources) write_source(w, s);
        w.end_array();
    }
    if (c.republish) {
        w.key("republish").begin_object();
        if (!c.republish->source.empty()) w.field("src", c.republish->source);
        w.field("dest", c.republish->destination);
        if (c.republish->headers_only) w.field("headers_only", true);
        w.end_object();
    }
    w.field("allow_direct", c.allow_direct).field("mirror_direct", c.mirror_direct);
    if (c.discard_new_per_subject) w.field("discard_new_per_subject", true);
    w.field("sealed", c.sealed)
        .field("deny_delete", c.deny_delete)
        .field("deny_purge", c.deny_purge)
        .field("allow_rollup_hdrs", c.allow_rollup)
        .end_object();
}

std::string_view to_string(Retention r) {
    switch (r) {
        case Retention::limits: return "limits";
        case Retention::interest: return "interest";
        case Retention::workqueue: return "workqueue";
    }
    return "limits";
}

std::string_view to_string(Discard d) { return d == Discard::new_messages ? "new" : "old"; }

std::string_view to_string(Storage s) {
    // Go marshals an unset StorageType as an error; after the check it is always set.
    return s == Storage::memory ? "memory" : "file";
}

bool is_valid_stream_name(std::string_view name) {
    return !name.empty() && name.find_first_of(" \t\r\n\f.*>") == std::string_view::npos;
}

}  // namespace nmk::jetstream
