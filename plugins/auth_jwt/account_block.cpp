#include "plugins/auth_jwt/account_block.hpp"

#include <nats_sdk/go_time.hpp>
#include <nats_sdk/subject.hpp>

namespace nats::auth_jwt {

namespace {

using nlohmann::json;

json limits_json(const jwt::AccountLimits& l) {
    return {{"max_connections", l.conn}, {"max_subscriptions", l.subs}, {"max_payload", l.payload}};
}

json jetstream_json(const jwt::AccountLimits& l) {
    if (!l.jetstream_enabled()) return "disabled";
    json js = {{"max_memory", l.mem_storage}, {"max_file", l.disk_storage}, {"max_streams", l.streams},
               {"max_consumers", l.consumer}};
    if (l.max_ack_pending != 0) js["max_ack_pending"] = l.max_ack_pending;
    if (l.mem_max_stream_bytes != 0) js["mem_max_stream_bytes"] = l.mem_max_stream_bytes;
    if (l.disk_max_stream_bytes != 0) js["disk_max_stream_bytes"] = l.disk_max_stream_bytes;
    if (l.max_bytes_required) js["max_bytes_required"] = true;
    return js;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

json export_json(const jwt::Export& e, const std::vector<std::string>& admitted) {
    json out;
    out[e.type == jwt::ExportType::stream ? "stream" : "service"] = e.subject;
    if (e.token_req) out["accounts"] = admitted;
    if (e.type == jwt::ExportType::service) {
        out["response_type"] = lower(e.response_type);
        if (e.response_threshold_ns > 0) {
            out["threshold"] = nats_sdk::format_go_duration(std::chrono::nanoseconds(e.response_threshold_ns));
        }
        if (!e.latency_results.empty()) {
            json sampling = e.latency_sampling.is_number() ? json(std::to_string(e.latency_sampling.get<std::int64_t>()) + "%")
                                                           : json("headers");
            out["latency"] = {{"sampling", sampling}, {"subject", e.latency_results}};
        }
    }
    if (e.account_token_position > 0) out["account_token_position"] = e.account_token_position;
    return out;
}

// The export of `exporter` that covers `import`, if any.
const jwt::Export* covering_export(const jwt::AccountClaims& exporter, const jwt::Import& import) {
    for (const auto& e : exporter.exports) {
        if (e.type == import.type && nats_sdk::subject::is_subset_match(import.subject, e.subject)) return &e;
    }
    return nullptr;
}

// Why `importer`'s import may not use `e`; empty when it may (nats-server's
// checkActivation and the export's revocations).
std::string activation_problem(const jwt::Import& import, const jwt::Export& e, const KnownAccount& exporter,
                               const std::string& importer, std::int64_t now) {
    if (!e.token_req) return {};
    if (import.token.empty()) return "activation token missing";
    try {
        const jwt::Token token = jwt::decode(import.token);
        const jwt::ActivationClaims act = jwt::read_activation(token);
        if (act.subject != importer) return "activation token is for another account";
        const std::string issuer = act.issuer_account.empty() ? act.issuer : act.issuer_account;
        if (issuer != exporter.key) return "activation token not issued by the exporter";
        if (act.issuer != exporter.key && !exporter.claims.signing_key(act.issuer)) {
            return "activation token signed by an unknown key";
        }
        if (act.kind != e.type) return "activation token is for another kind of export";
        if (!nats_sdk::subject::is_subset_match(import.subject, act.import_subject)) {
            return "activation token does not cover the subject";
        }
        if (auto problem = jwt::time_problem(token, now)) return "activation token: " + *problem;
        for (const std::string& who : {importer, std::string("*")}) {
            const auto it = e.revocations.find(who);
            if (it != e.revocations.end() && it->second >= act.issued_at) return "activation revoked";
        }
    } catch (const jwt::Error& err) {
        return std::string("activation token not valid: ") + err.what();
    }
    return {};
}

// The JWT's `mappings` ({"src": [{"subject", "weight", "cluster"}]}, nats-io/jwt's
// Mapping) in the config file's form the kernel reads ({"src": [{"destination",
// "weight", "cluster"}]}); a weight of 0 or none is 100, as WeightedMapping.GetWeight.
json mappings_json(const json& mappings) {
    json out = json::object();
    if (!mappings.is_object()) return out;
    for (auto it = mappings.begin(); it != mappings.end(); ++it) {
        if (!it->is_array()) continue;
        json destinations = json::array();
        for (const auto& m : *it) {
            if (!m.is_object() || !m.contains("subject") || !m["subject"].is_string()) continue;
            std::int64_t weight = m.contains("weight") && m["weight"].is_number_integer() ? m["weight"].get<std::int64_t>() : 0;
            if (weight == 0) weight = 100;
            json d = {{"destination", m["subject"]}, {"weight", weight}};
            if (m.contains("cluster") && m["cluster"].is_string() && !m["cluster"].get<std::string>().empty())
                d["cluster"] = m["cluster"];
            destinations.push_back(std::move(d));
        }
        if (!destinations.empty()) out[it.key()] = std::move(destinations);
    }
    return out;
}

json import_json(const jwt::Import& i) {
    json out;
    if (i.type == jwt::ExportType::stream) {
        out["stream"] = {{"account", i.account}, {"subject", i.subject}};
        if (!i.local_subject.empty()) out["to"] = i.local_subject;
        else if (!i.to.empty()) out["prefix"] = i.to;
    } else {
        // nats-server: local_subject is what the importer publishes to; the
        // deprecated `to` named the exporter's subject with `subject` the local one.
        std::string remote = i.subject;
        std::string local = i.subject;
        if (!i.local_subject.empty()) local = i.local_subject;
        else if (!i.to.empty()) remote = i.to;
        out["service"] = {{"account", i.account}, {"subject", remote}};
        if (local != remote) out["to"] = local;
        if (i.share) out["share"] = true;
    }
    return out;
}

}  // namespace

json bare_account_block(const KnownAccount& account) {
    json exports = json::array();
    for (const auto& e : account.claims.exports) exports.push_back(export_json(e, {account.key}));
    return {{"limits", limits_json(account.claims.limits)},
            {"jetstream", jetstream_json(account.claims.limits)},
            {"exports", exports}};
}

AccountBlock account_block(const KnownAccount& account, const AccountTable& all, std::int64_t now) {
    AccountBlock out;
    const auto everyone = all.all();
    json exports = json::array();
    for (const auto& e : account.claims.exports) {
        // A private export admits each importer holding a good activation, and the
        // exporter itself, so the list is never empty (empty would mean public).
        std::vector<std::string> admitted{account.key};
        if (e.token_req) {
            for (const auto& other : everyone) {
                if (other->key == account.key) continue;
                for (const auto& i : other->claims.imports) {
                    if (i.account != account.key || covering_export(account.claims, i) != &e) continue;
                    if (activation_problem(i, e, account, other->key, now).empty()) {
                        admitted.push_back(other->key);
                        break;
                    }
                }
            }
        }
        exports.push_back(export_json(e, admitted));
    }
    json imports = json::array();
    for (const auto& i : account.claims.imports) {
        const auto exporter = all.find(i.account);
        std::string problem;
        const jwt::Export* e = nullptr;
        if (!exporter) problem = "exporting account " + i.account + " is not known";
        else if (!(e = covering_export(exporter->claims, i))) problem = "no export of " + i.account + " covers it";
        else problem = activation_problem(i, *e, *exporter, account.key, now);
        if (!problem.empty()) {
            out.skipped_imports.push_back("import of \"" + i.subject + "\" from " + i.account + ": " + problem);
            continue;
        }
        imports.push_back(import_json(i));
    }
    out.block = {{"limits", limits_json(account.claims.limits)},
                 {"jetstream", jetstream_json(account.claims.limits)},
                 {"exports", exports},
                 {"imports", imports}};
    if (auto mappings = mappings_json(account.claims.mappings); !mappings.empty()) out.block["mappings"] = std::move(mappings);
    return out;
}

}  // namespace nats::auth_jwt
