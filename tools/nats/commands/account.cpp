// nats account info: natscli 0.0.35's connection details and the account's
// JetStream usage and limits ($JS.API.INFO). The other account verbs are not
// available yet and say so.
#include <cstdlib>
#include <memory>

#include "account_report.hpp"
#include "commands.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "jetstream_session.hpp"
#include "server_greeting.hpp"

namespace nats::cli {
namespace {

connection_facts facts_of(natsConnection* nc, const connection_settings& settings) {
    connection_facts f;
    natsConnection_GetClientID(nc, &f.client_id);
    char* ip = nullptr;
    if (natsConnection_GetClientIP(nc, &ip) == NATS_OK && ip != nullptr) f.client_ip = ip;
    std::free(ip);
    std::int64_t rtt = 0;
    if (natsConnection_GetRTT(nc, &rtt) == NATS_OK) f.rtt = std::chrono::nanoseconds(rtt);
    f.max_payload = natsConnection_GetMaxPayload(nc);
    f.url = connected_url(nc);
    const host_port where = parse_server_url(f.url);
    f.address = (where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host) + ":" +
                std::to_string(where.port);
    char id[256] = {};
    if (natsConnection_GetConnectedServerId(nc, id, sizeof id) == NATS_OK) f.server_id = id;
    f.server_name = f.server_id;
    // libnats does not keep the server's name, cluster or header support: its INFO line has them.
    try {
        const auto info = read_server_info(where, std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout));
        f.server_name = info.value("server_name", f.server_id);
        f.cluster = info.value("cluster", "");
        f.headers = info.value("headers", false);
        f.tls = info.value("tls_required", false);
    } catch (const cli_error&) {
        // Keep what libnats knows.
    }
    return f;
}

int run_info(const app_state& state) {
    jetstream_session js(state.settings());
    std::string text = render_connection_facts(facts_of(js.nc.get(), js.settings));
    std::optional<ordered_json> info;
    std::string problem;
    try {
        info = js.api.request("INFO");
    } catch (const api_error& e) {
        problem = std::string("Could not obtain account information: ") + e.what();
    } catch (const cli_error& e) {
        const std::string what = e.what();
        if (what == status_text(NATS_NO_RESPONDERS)) problem = "JetStream is not supported in this account";
        else if (what == status_text(NATS_TIMEOUT)) problem = "No response from JetStream server";
        else problem = "Could not obtain account information: " + what;
    }
    // natscli prints these three without a newline of their own.
    if (info) text += render_jetstream_account(info, natsConnection_GetMaxPayload(js.nc.get()), {});
    else text += "JetStream Account Information:\n\n   " + problem + "\n";
    out(text);
    return 0;
}

} // namespace

void add_account_command(command& app, app_state& state) {
    auto& account = app.add_command("account", "Account information and status").alias("a");
    auto& info = account.add_command("info", "Account information").alias("nfo");
    info.action([&state] { return run_info(state); });
    add_unsupported_commands(account, {{"report", "Report on account metrics"},
                                       {"backup", "Creates a backup of all  JetStream Streams over the NATS network"},
                                       {"restore", "Restore an account backup over the NATS network"}});
}

} // namespace nats::cli
