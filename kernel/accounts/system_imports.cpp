// The service imports nats-server 2.9.10 gives every account but the system account
// (registerSystemImports, with the exports addSystemAccountExports makes for them):
//   $SYS.REQ.ACCOUNT.PING.CONNZ and $SYS.REQ.SERVER.PING.CONNZ -> $SYS.REQ.ACCOUNT.<acc>.CONNZ
//   $SYS.REQ.ACCOUNT.PING.STATZ                                -> $SYS.REQ.ACCOUNT.<acc>.STATZ
// in the system account, whose exports ($SYS.REQ.ACCOUNT.*.CONNZ / STATZ, streamed
// responses, the importer's name in token 4) let each account reach only its own.
// So a normal user's `nats server report connections` sees its own connections.
#include "kernel/accounts/system_imports.hpp"

#include <algorithm>
#include <array>

namespace nats::accounts {

namespace {

struct SystemImport {
    std::string_view from;      // in the importing account
    std::string_view endpoint;  // $SYS.REQ.ACCOUNT.<acc>.<endpoint> in the system account
};

constexpr std::array<SystemImport, 3> system_imports{{
    {"$SYS.REQ.ACCOUNT.PING.CONNZ", "CONNZ"},
    {"$SYS.REQ.SERVER.PING.CONNZ", "CONNZ"},
    {"$SYS.REQ.ACCOUNT.PING.STATZ", "STATZ"},
}};

void add_for(AccountsConfig& config, const std::string& account) {
    for (const auto& im : system_imports) {
        // An import the account configured itself on that subject wins (serviceImportExists).
        const bool taken = std::any_of(config.service_links.begin(), config.service_links.end(), [&](const ServiceLink& l) {
            return l.importer == account && l.from == im.from;
        });
        if (taken) continue;
        ServiceLink link;
        link.importer = account;
        link.exporter = config.system_account;
        link.from = std::string(im.from);
        link.to = "$SYS.REQ.ACCOUNT." + account + "." + std::string(im.endpoint);
        link.export_subject = "$SYS.REQ.ACCOUNT.*." + std::string(im.endpoint);
        link.response_type = ResponseType::stream;
        config.service_links.push_back(std::move(link));
    }
}

}  // namespace

void add_system_imports(AccountsConfig& config) {
    if (config.no_system_account) return;
    add_for(config, std::string(global_account));
    for (const auto& a : config.accounts)
        if (a.name != config.system_account && a.name != global_account) add_for(config, a.name);
}

}  // namespace nats::accounts
