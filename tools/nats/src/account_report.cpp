#include "account_report.hpp"

#include <map>

#include "durations.hpp"
#include "format.hpp"
#include "json_fields.hpp"

namespace nats::cli {
namespace {

std::string bytes_of(std::int64_t v) { return ibytes(v < 0 ? 0 : static_cast<std::uint64_t>(v)); }

std::string render_tier(const std::string& name, const ordered_json& tier) {
    const ordered_json limits = tier.value("limits", ordered_json::object());
    std::string out = "   Tier: " + name + "\n\n";
    out += "      Configuration Requirements:\n\n";
    out += std::string("         Stream Requires Max Bytes Set: ") +
           (limits.value("max_bytes_required", false) ? "true" : "false") + "\n";
    const auto ack_pending = int_of(limits, "max_ack_pending");
    out += "          Consumer Maximum Ack Pending: " + (ack_pending <= 0 ? std::string("Unlimited") : comma(ack_pending)) + "\n\n";
    out += "      Stream Resource Usage Limits:\n\n";
    const auto usage = [&](const char* label, const std::string& used, std::int64_t limit, bool bytes) {
        const std::string of = limit == -1 ? "Unlimited" : bytes ? bytes_of(limit) : comma(limit);
        return std::string(label) + used + " of " + of + "\n";
    };
    const auto per_stream = [](const char* label, std::int64_t limit) {
        return std::string(label) + (limit <= 0 ? std::string("Unlimited") : bytes_of(limit)) + "\n";
    };
    out += usage("                    Memory: ", bytes_of(int_of(tier, "memory")), int_of(limits, "max_memory"), true);
    out += per_stream("         Memory Per Stream: ", int_of(limits, "memory_max_stream_bytes"));
    out += usage("                   Storage: ", bytes_of(int_of(tier, "storage")), int_of(limits, "max_storage"), true);
    out += per_stream("        Storage Per Stream: ", int_of(limits, "storage_max_stream_bytes"));
    out += usage("                   Streams: ", comma(int_of(tier, "streams")), int_of(limits, "max_streams"), false);
    out += usage("                 Consumers: ", comma(int_of(tier, "consumers")), int_of(limits, "max_consumers"), false);
    return out + "\n";
}

} // namespace

std::string render_connection_facts(const connection_facts& f) {
    std::string out = "Connection Information:\n\n";
    out += "               Client ID: " + std::to_string(f.client_id) + "\n";
    out += "               Client IP: " + f.client_ip + "\n";
    out += "                     RTT: " + format_duration(f.rtt) + "\n";
    out += std::string("       Headers Supported: ") + (f.headers ? "true" : "false") + "\n";
    out += "         Maximum Payload: " + bytes_of(f.max_payload) + "\n";
    if (!f.cluster.empty()) out += "       Connected Cluster: " + f.cluster + "\n";
    out += "           Connected URL: " + f.url + "\n";
    out += "       Connected Address: " + f.address + "\n";
    out += "     Connected Server ID: " + f.server_id + "\n";
    if (f.server_id != f.server_name) out += "   Connected Server Name: " + f.server_name + "\n";
    // TLS details (version, cipher, issuer) are not exposed by libnats.
    out += std::string("          TLS Connection: ") + (f.tls ? "yes" : "no") + "\n";
    return out + "\n";
}

std::string render_jetstream_account(const std::optional<ordered_json>& info, std::int64_t max_payload,
                                     const std::string& problem) {
    std::string out = "JetStream Account Information:\n\n";
    if (!info) return out + "   " + problem + "\n";
    out += "Account Usage:\n\n";
    out += "    Storage: " + bytes_of(int_of(*info, "storage")) + "\n";
    out += "     Memory: " + bytes_of(int_of(*info, "memory")) + "\n";
    out += "    Streams: " + comma(int_of(*info, "streams")) + "\n";
    out += "  Consumers: " + comma(int_of(*info, "consumers")) + "\n\n";
    out += "Account Limits:\n\n";
    out += "   Max Message Payload: " + bytes_of(max_payload) + " \n\n";
    const auto tiers = info->value("tiers", ordered_json::object());
    if (tiers.is_object() && !tiers.empty()) {
        std::map<std::string, ordered_json> sorted;
        for (const auto& item : tiers.items()) sorted.emplace(item.key(), item.value());
        for (const auto& [name, tier] : sorted) out += render_tier(name, tier);
    } else {
        out += render_tier("Default", *info);
    }
    return out + "\n";
}

} // namespace nats::cli
