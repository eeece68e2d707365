#include "kernel/server/service_latency.hpp"

#include "kernel/accounts/request_info.hpp"

#include <nats_sdk/go_json.hpp>
#include <nats_sdk/go_time.hpp>

#include <algorithm>
#include <map>
#include <vector>

namespace nats::server {

namespace {

using Headers = std::map<std::string, std::vector<std::string>>;

// Go's textproto.CanonicalMIMEHeaderKey: each dash-separated word capitalised.
std::string canonical_key(std::string_view key) {
    std::string out(key);
    bool upper = true;
    for (char& c : out) {
        if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        upper = c == '-';
    }
    return out;
}

// "NATS/1.0\r\nKey: value\r\n...\r\n\r\n" as canonical keys and their values.
Headers parse_headers(std::string_view block) {
    Headers out;
    std::size_t line = block.find("\r\n");
    while (line != std::string_view::npos) {
        const std::size_t start = line + 2;
        const std::size_t end = block.find("\r\n", start);
        if (end == std::string_view::npos || end == start) break;
        const std::string_view text = block.substr(start, end - start);
        const std::size_t colon = text.find(':');
        if (colon != std::string_view::npos) {
            std::string_view value = text.substr(colon + 1);
            // Go's ReadMIMEHeader trims spaces and tabs around the value.
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
            out[canonical_key(text.substr(0, colon))].emplace_back(value);
        }
        line = end;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char by) {
    std::vector<std::string_view> out;
    std::size_t from = 0;
    while (true) {
        const std::size_t at = text.find(by, from);
        out.push_back(text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
        if (at == std::string_view::npos) return out;
        from = at + 1;
    }
}

nlohmann::json pick(const Headers& h, std::initializer_list<const char*> keys) {
    nlohmann::json out = nlohmann::json::object();
    for (const char* k : keys)
        if (auto it = h.find(k); it != h.end()) out[k] = it->second;
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The trace-header rules of nats-server's shouldSample, in its order.
std::optional<nlohmann::json> sample_by_headers(const Headers& h) {
    if (auto uber = h.find("Uber-Trace-Id"); uber != h.end() && !uber->second.empty()) {
        // trace:span:parent:flags, sampled when the flags' low bit is set
        const auto tokens = split(uber->second[0], ':');
        if (tokens.size() == 4 && !tokens[3].empty() && tokens[3].size() <= 2) {
            const int flags = hex_value(tokens[3].back());
            const bool valid = flags >= 0 && (tokens[3].size() == 1 || hex_value(tokens[3][0]) >= 0);
            if (valid && (flags & 1)) {
                nlohmann::json out = {{"Uber-Trace-Id", uber->second}};
                for (const auto& [k, v] : h)
                    if (k.starts_with("Uberctx-")) out[k] = v;
                return out;
            }
        }
        return std::nullopt;
    }
    const auto sampled = h.find("X-B3-Sampled");
    if (sampled != h.end() && !sampled->second.empty() && sampled->second[0] == "1")
        return pick(h, {"X-B3-Sampled", "X-B3-Traceid", "X-B3-Parentspanid", "X-B3-Spanid"});
    if (sampled != h.end() && !sampled->second.empty() && sampled->second[0] == "0") return std::nullopt;
    if (h.contains("X-B3-Traceid"))
        return pick(h, {"X-B3-Sampled", "X-B3-Traceid", "X-B3-Parentspanid", "X-B3-Spanid"});
    if (auto b3 = h.find("B3"); b3 != h.end() && !b3->second.empty()) {
        const auto tokens = split(b3->second[0], '-');
        if ((tokens.size() > 2 && tokens[2] == "0") || (tokens.size() == 1 && tokens[0] == "0")) return std::nullopt;
        return nlohmann::json{{"B3", b3->second}};
    }
    if (auto ctx = h.find("Traceparent"); ctx != h.end() && !ctx->second.empty()) {
        // version-trace-parent-flags, sampled when the flags are 01
        const auto tokens = split(ctx->second[0], '-');
        if (tokens.size() == 4 && tokens[3] == "01") {
            nlohmann::json out = {{"Traceparent", ctx->second}};
            if (auto state = h.find("Tracestate"); state != h.end()) out["Tracestate"] = state->second;
            return out;
        }
    }
    return std::nullopt;
}

std::int64_t nanos(std::chrono::nanoseconds d) { return std::max<std::int64_t>(d.count(), 0); }

}  // namespace

std::optional<nlohmann::json> should_sample(const accounts::LatencyTracking& latency, std::string_view headers,
                                            int random_percent) {
    if (latency.sampling < 0) return std::nullopt;
    if (latency.sampling >= 100) return nlohmann::json();
    // As nats-server (rand.Int31n(100) <= sampling): a hair above the percentage.
    if (latency.sampling > 0 && random_percent <= latency.sampling) return nlohmann::json();
    if (headers.empty()) return std::nullopt;
    return sample_by_headers(parse_headers(headers));
}

nlohmann::json client_info(const ConnectionInfo& c, std::string_view account, bool detailed,
                                   std::string_view server_name) {
    nlohmann::json info = nlohmann::json::object();
    info["acc"] = account;
    if (c.rtt.count() > 0) info["rtt"] = c.rtt.count();
    if (!detailed) return info;
    info["start"] = nats_sdk::rfc3339(c.start);
    if (!c.ip.empty()) info["host"] = c.ip;
    if (c.cid != 0) info["id"] = c.cid;
    if (!c.user.empty()) info["user"] = c.user;
    if (!c.name.empty()) info["name"] = c.name;
    if (!c.lang.empty()) info["lang"] = c.lang;
    if (!c.version.empty()) info["ver"] = c.version;
    if (!server_name.empty()) info["server"] = server_name;
    info["kind"] = "Client";
    info["client_type"] = "nats";
    return info;
}

std::string latency_result(const TrackedRequest& request, int status, const nlohmann::json& responder,
                           std::chrono::nanoseconds responder_rtt, std::chrono::system_clock::time_point responded,
                           std::string_view event_id) {
    using std::chrono::nanoseconds;
    const auto now = std::chrono::system_clock::now();
    const nanoseconds request_rtt = request.requestor_rtt;
    std::string_view description;
    auto start = request.received - request_rtt;
    nanoseconds service{0}, system{0}, total{0};
    switch (status) {
        case 200: {
            const nanoseconds round_trip = responded - request.received;
            service = round_trip - responder_rtt;
            total = request_rtt + round_trip;
            if (responder_rtt.count() > 0) {
                system = now - responded;
                total += system;
            }
            break;
        }
        case 400:
            description = "Bad Request";
            start = now - request_rtt;
            break;
        case 408: description = "Request Timeout"; break;
        case 503: description = "Service Unavailable"; break;
        case 504: description = "Service Timeout"; break;
        default: break;
    }

    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    w.field("type", service_latency_type).field("id", event_id).field("timestamp", nats_sdk::rfc3339(now));
    w.field("status", status);
    if (!description.empty()) w.field("description", description);
    if (request.requestor.is_object()) {
        w.key("requestor");
        accounts::write_client_info(w, request.requestor);
    }
    if (responder.is_object()) {
        w.key("responder");
        accounts::write_client_info(w, responder);
    }
    if (request.trace_header.is_object() && !request.trace_header.empty()) {
        w.key("header");
        nats_sdk::write_go_json(w, request.trace_header);  // sorted keys, as Go writes a map
    }
    w.field("start", nats_sdk::rfc3339(start));
    w.field("service", nanos(service)).field("system", nanos(system)).field("total", nanos(total));
    w.end_object();
    return w.take();
}

}  // namespace nats::server
