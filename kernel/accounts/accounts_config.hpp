#pragma once
// The `accounts` block of a nats-server 2.9.10 config as a validated model:
// each account's stream and service exports and imports, the system account,
// and the import links resolved against the exports (who may import what,
// with which subject mapping). Users stay in Options::raw for the auth plugins.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/accounts/subject_mapping.hpp"
#include "kernel/accounts/subject_transform.hpp"
#include "kernel/config/conf_value.hpp"
#include "kernel/config/options.hpp"

namespace nats::accounts {

inline constexpr std::string_view default_system_account = "$SYS";
inline constexpr std::string_view global_account = "$G";
// How long a service export waits for responses before it forgets a request
// (nats-server's DEFAULT_SERVICE_EXPORT_RESPONSE_THRESHOLD).
inline constexpr std::chrono::milliseconds default_response_threshold{2 * 60 * 1000};

enum class ResponseType { singleton, stream, chunked };
std::string_view response_type_name(ResponseType t);

// Who may import an export: everyone when `accounts` is empty and no token
// position is set; else the named accounts, or (account_token_position = n)
// any account whose name is the n-th token of the imported subject.
struct ExportAuth {
    std::vector<std::string> accounts;
    unsigned account_token_position = 0;
};

struct StreamExport {
    std::string subject;
    ExportAuth auth;
    config::Location where;
};

// `latency: "results.subject"` or `latency: {sampling: 50%, subject: ...}`:
// sampled requests through the export publish a service_latency result on
// `subject` in the exporting account.
struct LatencyTracking {
    std::string subject;
    int sampling = 100;  // percent of requests, 1-100; 0: the request's trace headers decide ("headers")
};

struct ServiceExport {
    std::string subject;
    ExportAuth auth;
    ResponseType response_type = ResponseType::singleton;
    std::chrono::milliseconds response_threshold = default_response_threshold;
    std::optional<LatencyTracking> latency;
    config::Location where;
};

// {stream: {account, subject}, prefix | to}
struct StreamImport {
    std::string account, subject, prefix, to;
    config::Location where;
};

// {service: {account, subject}, to, share}
struct ServiceImport {
    std::string account, subject;
    std::string to;  // the local subject; the exporter's subject when not given
    bool share = false;
    config::Location where;
};

// `limits {max_connections, max_subscriptions, max_payload}`; -1: none (a
// limit of 0 allows nothing, as in nats-server).
struct AccountLimits {
    std::int64_t max_connections = -1;
    std::int64_t max_subscriptions = -1;
    std::int64_t max_payload = -1;
};

struct AccountConfig {
    std::string name;
    config::Location where;
    AccountLimits limits;
    std::vector<StreamExport> stream_exports;
    std::vector<ServiceExport> service_exports;
    std::vector<StreamImport> stream_imports;
    std::vector<ServiceImport> service_imports;
    MappingTablePtr mappings;  // `mappings` / `maps`; null when none
};

// A stream import as the message path uses it: messages published in
// `exporter` on subjects matching `from` reach subscribers of `importer` on
// the mapped subject (see delivery_subject).
struct StreamLink {
    std::string importer, exporter;
    std::string from;  // in the exporter
    std::string to;    // in the importer (a pattern when from has wildcards)
    std::optional<SubjectTransform> transform;  // from -> to, when from has wildcards and to differs
    std::optional<SubjectTransform> reverse;    // to -> from, for subscriptions narrower than `to`
    bool use_published = false;                 // to == from with wildcards: keep the subject
};

// A service import: requests published in `importer` on `from` go to
// `exporter` on the mapped subject; responses find their way back.
struct ServiceLink {
    std::string importer, exporter;
    std::string from;  // in the importer
    std::string to;    // in the exporter
    std::optional<SubjectTransform> transform;  // from -> to
    bool use_published = false;
    ResponseType response_type = ResponseType::singleton;
    std::chrono::milliseconds response_threshold = default_response_threshold;
    std::string export_subject;  // identifies the export (loop detection)
    bool share = false;
    std::optional<LatencyTracking> latency;  // the export's
};

struct AccountsConfig {
    std::vector<AccountConfig> accounts;
    std::string system_account{default_system_account};
    bool system_account_configured = false;  // named by `system_account`
    bool no_system_account = false;
    std::vector<StreamLink> stream_links;
    std::vector<ServiceLink> service_links;
    MappingTablePtr global_mappings;  // the top-level `mappings` / `maps`, for "$G"; null when none

    const AccountConfig* find(std::string_view name) const;
    bool has_links() const { return !stream_links.empty() || !service_links.empty(); }
};

// Reads the top-level `mappings`, `accounts`, `system_account` (or `system`) and `no_system_account`
// from the parsed file, checks every export and import the way nats-server
// does, and resolves the links. Throws config::ConfigError listing every
// problem, one "<file>:<line>:<col>: <reason>" per line, reasons worded as
// nats-server's.
AccountsConfig load_accounts(const config::Options& options);
AccountsConfig parse_accounts(const config::Value& root, const std::string& file_for_errors);

// The subject a message published in the exporter on `published` gets in the importer.
std::string delivery_subject(const StreamLink& link, std::string_view published);
// The subject a request published in the importer on `published` gets in the exporter.
std::string service_subject(const ServiceLink& link, std::string_view published);

// For a subscription on `subject` in an importing account: the subject to
// listen on in the exporter for each stream link that can feed it (nats-server's
// shadow subscriptions), or nullopt when the link cannot.
std::optional<std::string> shadow_subject(const StreamLink& link, std::string_view subject);

}  // namespace nats::accounts
