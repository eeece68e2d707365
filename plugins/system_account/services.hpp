#pragma once
// The system account's request services, as nats-server 2.9.10 answers them:
//   $SYS.REQ.SERVER.PING                      STATSZ of every server (its ServerStatsMsg)
//   $SYS.REQ.SERVER.PING.<ENDPOINT>            every server answers (after the filter options)
//   $SYS.REQ.SERVER.<server id>.<ENDPOINT>     this server answers
//     ENDPOINT: STATSZ VARZ SUBSZ CONNZ ROUTEZ GATEWAYZ LEAFZ ACCOUNTZ JSZ HEALTHZ
//   $SYS.REQ.ACCOUNT.<account>.<ENDPOINT>      SUBSZ CONNZ LEAFZ JSZ INFO STATZ CONNS
//   $SYS.REQ.ACCOUNT.PING.STATZ                STATZ of every account with connections
// The JSON options in the request body are those of the monitoring port's page
// of the same name; the answer is {"server":{...},"data":{...}} or, on a bad
// request, {"server":{...},"error":{"code":400,"description":"..."}}.
//
// Threads: subscriptions hand each request to the blocking pool (the JetStream
// pages wait for JetStream's worker), which answers with a publish.
#include <memory>
#include <string>
#include <vector>

#include <nats_sdk/messaging.hpp>
#include <nats_sdk/plugin_base.hpp>

#include "plugins/monitoring/monitor.hpp"
#include "plugins/system_account/server_info.hpp"

namespace nats::system_account {

class SystemServices {
public:
    SystemServices(nats_sdk::Host& host, const nats_sdk::Messaging& messaging, nats_sdk::AccountHandle system,
                   ServerInfoSource& info, monitoring::KernelSource& kernel, std::string plugin_version);

    void start();
    void stop() { subscriptions_.clear(); }

    // What a request asks for: answered on the calling thread (the blocking pool).
    // Returns the payload to publish to the reply subject, or nothing (filtered out).
    std::optional<std::string> server_request(std::string_view endpoint, std::string_view body);
    std::optional<std::string> account_request(std::string_view account, std::string_view endpoint,
                                               std::string_view body);

    // $SYS.REQ.SERVER.PING and STATSZ: the ServerStatsMsg, or an error envelope.
    std::optional<std::string> statsz_request(std::string_view body);

private:
    void on_request(const nats_sdk::MessageEx& m, bool account_scope);
    std::string envelope_data(const std::string& data_json);
    std::string envelope_error(int code, std::string_view description, bool with_null_data);
    // The monitoring page `path` with `query` as compact JSON, or an error text.
    struct PageResult {
        std::optional<std::string> data;  // compact JSON
        std::string error;
    };
    PageResult page(std::string_view path, const std::string& query);

    nats_sdk::Host& host_;
    const nats_sdk::Messaging& messaging_;
    nats_sdk::AccountHandle system_;
    ServerInfoSource& info_;
    monitoring::KernelSource& kernel_;
    monitoring::Monitor monitor_;
    std::vector<nats_sdk::Subscription> subscriptions_;
};

}  // namespace nats::system_account
