// Pass two of nats-server's parseAccounts: export account lists, then every
// import checked against the exporter's exports (Account.AddStreamImport,
// AddMappedStreamImport, AddServiceImport in accounts.go), in file order, so
// an import sees only the imports before it when looking for cycles.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "kernel/accounts/parse_accounts.hpp"
#include "kernel/config/plugin_claims.hpp"

#include "kernel/accounts/subject_tokens.hpp"

namespace nats::accounts {

namespace {

struct LinkError {
    std::string text;
};

constexpr const char* invalid_subject = "sublist: invalid subject";

bool auth_allows(const ExportAuth& auth, const std::string& importer, const std::vector<std::string_view>& tokens) {
    if (auth.accounts.empty() && auth.account_token_position == 0) return true;
    if (auth.account_token_position > 0)
        return auth.account_token_position <= tokens.size() && tokens[auth.account_token_position - 1] == importer;
    return std::find(auth.accounts.begin(), auth.accounts.end(), importer) != auth.accounts.end();
}

// checkStreamExportApproved / checkServiceExportApproved: an export with the
// same subject decides; otherwise the first export the subject is a subset of.
template <typename Export>
bool export_allows(const std::vector<Export>& exports, const std::string& importer, const std::string& subject) {
    for (auto it = exports.rbegin(); it != exports.rend(); ++it) {
        if (it->subject == subject) return auth_allows(it->auth, importer, {});
    }
    const auto tokens = tokenize(subject);
    for (const auto& e : exports) {
        if (is_subset_match(tokens, tokenize(e.subject))) return auth_allows(e.auth, importer, tokens);
    }
    return false;
}

bool collide(std::string_view a, std::string_view b) { return nats_sdk::subject::subjects_collide(a, b); }

class Resolver {
public:
    Resolver(AccountsConfig& config, ErrorList& errors) : config_(config), errors_(errors) {
        for (const auto& a : config_.accounts) by_name_[a.name] = &a;
    }

    void run() {
        for (const auto& a : config_.accounts) {
            for (const auto& e : a.stream_exports) check_export(e.auth, e.subject, e.where, "stream");
            for (const auto& e : a.service_exports) check_export(e.auth, e.subject, e.where, "service");
        }
        for (const auto& a : config_.accounts)
            for (const auto& e : a.service_exports)
                if (e.latency) check_latency(a, e);
        for (const auto& a : config_.accounts) {
            for (const auto& im : a.stream_imports) {
                const AccountConfig* exporter = find(im.account);
                if (!exporter) {
                    errors_.add(im.where, "\"" + im.account + "\" account not defined for stream import");
                    continue;
                }
                try {
                    add_stream(a, *exporter, im);
                } catch (const LinkError& e) {
                    errors_.add(im.where, "Error adding stream import \"" + im.subject + "\": " + e.text);
                }
            }
        }
        for (const auto& a : config_.accounts) {
            for (const auto& im : a.service_imports) {
                const AccountConfig* exporter = find(im.account);
                if (!exporter) {
                    errors_.add(im.where, "\"" + im.account + "\" account not defined for service import");
                    continue;
                }
                try {
                    add_service(a, *exporter, im);
                } catch (const LinkError& e) {
                    errors_.add(im.where, "Error adding service import \"" + im.subject + "\": " + e.text);
                }
            }
        }
    }

private:
    const AccountConfig* find(const std::string& name) const {
        auto it = by_name_.find(name);
        return it == by_name_.end() ? nullptr : it->second;
    }

    void check_export(const ExportAuth& auth, const std::string& subject, const config::Location& where,
                      const char* kind) {
        for (const auto& name : auth.accounts) {
            if (!find(name)) errors_.add(where, "\"" + name + "\" account not defined for " + kind + " export");
        }
        if (auth.account_token_position > 0) {
            const auto tokens = tokenize(subject);
            if (tokens.size() < auth.account_token_position || tokens[auth.account_token_position - 1] != "*")
                errors_.add(where, std::string("Error adding ") + kind + " export \"" + subject + "\": " + invalid_subject);
        }
    }

    // AddStreamImportWithClaim / AddMappedStreamImportWithClaim
    void add_stream(const AccountConfig& importer, const AccountConfig& exporter, const StreamImport& im) {
        const std::string& from = im.subject;
        auto authorized = [&] {
            return !exporter.stream_exports.empty() && nats_sdk::subject::is_valid_subject(from) &&
                   export_allows(exporter.stream_exports, importer.name, from);
        };
        if (!authorized()) throw LinkError{"stream import not authorized"};
        std::string to = im.to;
        if (!im.prefix.empty()) {
            if (has_wildcard(im.prefix)) throw LinkError{"stream import prefix can not contain wildcard tokens"};
            std::string prefix = im.prefix;
            if (prefix.back() != '.') prefix.push_back('.');
            to = prefix + from;
        }
        if (to.empty()) to = from;
        std::set<std::string> visited{importer.name};
        if (stream_cycle(exporter.name, to, visited)) throw LinkError{"import forms a cycle"};
        StreamLink link;
        link.importer = importer.name;
        link.exporter = exporter.name;
        link.from = from;
        if (has_wildcard(from)) {
            if (to == from) {
                link.use_published = true;
            } else {
                try {
                    link.transform = SubjectTransform::create(from, transform_tokenize(to));
                } catch (const TransformError& e) {
                    throw LinkError{"failed to create mapping transform for stream import subject \"" + from +
                                    "\" to \"" + to + "\": " + e.what()};
                }
                to = transform_untokenize(to);
                link.reverse = link.transform->reverse();
            }
        }
        link.to = to;
        for (const auto& l : streams_[importer.name]) {
            if (l.exporter == exporter.name && l.from == from) throw LinkError{"stream import already exists"};
        }
        streams_[importer.name].push_back(link);
        config_.stream_links.push_back(std::move(link));
    }

    // checkStreamImportsForCycles
    bool stream_cycle(const std::string& account, std::string to, std::set<std::string>& visited) {
        const AccountConfig* a = find(account);
        if (!a) return false;
        const bool exported = std::any_of(a->stream_exports.begin(), a->stream_exports.end(),
                                          [&](const StreamExport& e) { return is_subset_match(to, e.subject); });
        if (!exported) return false;
        for (const auto& l : streams_[account]) {
            if (!collide(to, l.to)) continue;
            if (visited.count(l.exporter)) return true;
            visited.insert(account);
            if (is_subset_match(l.to, to)) to = l.to;
            if (stream_cycle(l.exporter, to, visited)) return true;
        }
        return false;
    }

    // addServiceImportWithClaim / addServiceImport
    void add_service(const AccountConfig& importer, const AccountConfig& exporter, const ServiceImport& im) {
        std::string from = im.to;   // the subject requests are published on in the importer
        std::string to = im.subject;  // where they go in the exporter
        if (!nats_sdk::subject::is_valid_subject(from) || !nats_sdk::subject::is_valid_subject(to)) throw LinkError{invalid_subject};
        if (exporter.service_exports.empty() || !export_allows(exporter.service_exports, importer.name, to))
            throw LinkError{"service import not authorized"};
        std::set<std::string> visited{importer.name};
        if (service_cycle(exporter.name, from, visited)) throw LinkError{"import forms a cycle"};
        ServiceLink link;
        link.importer = importer.name;
        link.exporter = exporter.name;
        link.share = im.share;
        link.export_subject = to;
        if (const ServiceExport* e = service_export(exporter, to)) {
            link.response_type = e->response_type;
            link.response_threshold = e->response_threshold;
            link.export_subject = e->subject;
            link.latency = e->latency;
        }
        if (has_wildcard(to)) {
            if (to == from) {
                link.use_published = true;
            } else {
                to = transform_untokenize(to);
                try {
                    // Built backwards so that '$' placeholders only appear in `to`, then reversed.
                    auto backwards = SubjectTransform::create(to, transform_tokenize(from));
                    from = transform_untokenize(from);
                    link.transform = backwards.reverse();
                } catch (const TransformError& e) {
                    throw LinkError{"failed to create mapping transform for service import subject \"" + from +
                                    "\" to \"" + to + "\": " + e.what()};
                }
            }
        }
        link.from = from;
        link.to = to;
        services_[importer.name].push_back(link);
        config_.service_links.push_back(std::move(link));
    }

    // getServiceExport: the export with this subject, else the first wildcard one covering it.
    static const ServiceExport* service_export(const AccountConfig& exporter, const std::string& subject) {
        for (auto it = exporter.service_exports.rbegin(); it != exporter.service_exports.rend(); ++it)
            if (it->subject == subject) return &*it;
        const auto tokens = tokenize(subject);
        for (const auto& e : exporter.service_exports)
            if (is_subset_match(tokens, tokenize(e.subject))) return &e;
        return nullptr;
    }

    // checkServiceImportsForCycles
    bool service_cycle(const std::string& account, std::string from, std::set<std::string>& visited) {
        for (const auto& l : services_[account]) {
            if (!collide(from, l.to)) continue;
            if (visited.count(l.exporter)) return true;
            visited.insert(account);
            if (is_subset_match(l.from, from)) from = l.from;
            if (service_cycle(l.exporter, from, visited)) return true;
        }
        return false;
    }

    // nats-server's TrackServiceExportWithSampling, worded as its config errors.
    void check_latency(const AccountConfig& account, const ServiceExport& e) {
        const std::string about = "Error adding service latency sampling for \"" + e.subject + "\"";
        if (config_.no_system_account) {
            errors_.add(e.where, about + ": system account not setup");
            return;
        }
        const std::string& results = e.latency->subject;
        const std::string on = about + " on subject \"" + results + "\": ";
        const bool loops_back = std::any_of(account.service_exports.begin(), account.service_exports.end(),
                                            [&](const ServiceExport& other) { return is_subset_match(results, other.subject); });
        if (!nats_sdk::subject::is_valid_publish_subject(results) || loops_back)
            errors_.add(e.where, on + "invalid publish subject");
        else if (e.response_type != ResponseType::singleton)
            errors_.add(e.where, on + "bad service response type");
    }

    AccountsConfig& config_;
    ErrorList& errors_;
    std::map<std::string, const AccountConfig*> by_name_;
    std::map<std::string, std::vector<StreamLink>> streams_;
    std::map<std::string, std::vector<ServiceLink>> services_;
};

const config::Value* find_any(const config::Value& root, std::initializer_list<std::string_view> keys) {
    const config::Value* found = nullptr;
    for (auto k : keys)
        if (const config::Value* v = root.find(k)) found = v;
    return found;
}

}  // namespace

void resolve_links(const config::Value&, AccountsConfig& config, ErrorList& errors) {
    Resolver(config, errors).run();
}

std::string_view response_type_name(ResponseType t) {
    switch (t) {
        case ResponseType::singleton: return "Singleton";
        case ResponseType::stream: return "Streamed";
        case ResponseType::chunked: return "Chunked";
    }
    return "Singleton";
}

const AccountConfig* AccountsConfig::find(std::string_view name) const {
    for (const auto& a : accounts)
        if (a.name == name) return &a;
    return nullptr;
}

AccountsConfig parse_accounts(const config::Value& root, const std::string& file_for_errors) {
    AccountsConfig out;
    ErrorList errors{file_for_errors, {}};
    if (!root.is_map()) return out;
    if (const config::Value* v = find_any(root, {"system_account", "system"})) {
        if (!v->is_string()) {
            errors.add(v->location(), "expected string for 'system_account', got " + std::string(v->type_name()));
        } else {
            out.system_account = v->as_string();
            out.system_account_configured = true;
        }
    }
    if (const config::Value* v = find_any(root, {"no_system_account", "no_system", "no_sys_acc"})) {
        if (!v->is_bool()) errors.add(v->location(), "expected bool for 'no_system_account', got " + std::string(v->type_name()));
        else out.no_system_account = v->as_bool();
    }
    // Top-level mappings belong to the global account (nats-server reads them
    // into a "$G" account of their own, merged with the server's).
    MappingTable global;
    for (const auto& [key, v] : root.as_map()) {
        std::string k = key;
        for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if ((k == "mappings" || k == "maps") && !v.used_as_variable()) parse_mappings(v, global, errors);
    }
    if (!global.empty()) out.global_mappings = std::make_shared<const MappingTable>(std::move(global));
    const config::Value* block = root.find("accounts");
    if (block) parse_accounts_block(*block, out, errors);
    // As nats-server: imports are only checked once every account parsed cleanly.
    errors.throw_if_any();
    if (block) resolve_links(*block, out, errors);
    // In operator mode the system account is an account JWT the resolver supplies.
    const bool operator_mode =
        std::any_of(std::begin(config::operator_keys), std::end(config::operator_keys),
                    [&](std::string_view k) { return root.find(k) != nullptr; }) ||
        std::any_of(std::begin(config::trusted_keys), std::end(config::trusted_keys),
                    [&](std::string_view k) { return root.find(k) != nullptr; });
    if (out.system_account_configured && !operator_mode && !out.find(out.system_account)) {
        const config::Value* at = find_any(root, {"system_account", "system"});
        errors.add(at->location(), "error resolving system account: account missing");
    }
    errors.throw_if_any();
    return out;
}

AccountsConfig load_accounts(const config::Options& options) { return parse_accounts(options.raw, options.config_file); }

std::string delivery_subject(const StreamLink& link, std::string_view published) {
    if (link.transform) return link.transform->apply(published);
    if (link.use_published) return std::string(published);
    return link.to;
}

std::string service_subject(const ServiceLink& link, std::string_view published) {
    if (link.transform) return link.transform->apply(published);
    if (link.use_published) return std::string(published);
    return link.to;
}

// nats-server's addShadowSubscriptions + addShadowSub for one stream import.
std::optional<std::string> shadow_subject(const StreamLink& link, std::string_view subject) {
    const auto tokens = tokenize(subject);
    const auto import_tokens = tokenize(link.to);
    bool dynamic = false;
    std::string overlap;
    if (subject == link.to) {
        dynamic = false;
    } else if (is_subset_match(tokens, import_tokens)) {
        dynamic = true;
    } else {
        const bool wildcard = std::any_of(tokens.begin(), tokens.end(), [](std::string_view t) { return t == "*"; }) ||
                              tokens.back() == ">";
        if (!wildcard) return std::nullopt;
        if (is_subset_match(import_tokens, tokens)) {
            dynamic = false;
        } else {
            // Narrow the subscription to the part the import can deliver.
            std::vector<std::string_view> narrowed = tokens;
            for (std::size_t i = 0; i < narrowed.size() && i < import_tokens.size(); ++i) {
                if (narrowed[i] == "*" && import_tokens[i] != ">") narrowed[i] = import_tokens[i];
            }
            const std::size_t n = narrowed.size();
            if (narrowed.back() == ">" && import_tokens.size() >= n) {
                narrowed[n - 1] = import_tokens[n - 1];
                for (std::size_t i = n; i < import_tokens.size(); ++i) narrowed.push_back(import_tokens[i]);
            }
            if (!is_subset_match(narrowed, import_tokens)) return std::nullopt;
            std::vector<std::string> parts(narrowed.begin(), narrowed.end());
            overlap = join(parts);
            dynamic = true;
        }
    }
    if (!link.use_published && dynamic && link.transform) {
        if (!link.reverse) return std::nullopt;
        return link.reverse->apply(overlap.empty() ? subject : std::string_view(overlap));
    }
    if (!link.use_published || !overlap.empty() || !dynamic) return overlap.empty() ? link.from : overlap;
    return std::string(subject);
}

}  // namespace nats::accounts
