#pragma once
// The bodies of the system messages that report statistics, in nats-server's
// JSON (Go's json.Marshal: compact, its field order):
//   ServerStatsMsg   {"server":{...},"statsz":{"start":...,"mem":...,...}}
//   AccountNumConns  {"type":"io.nats.server.advisory.v1.account_connections","id":...,
//                     "timestamp":...,"server":{...},"acc":"A","conns":1,...}
// built from the kernel's varz and accstatz and JetStream's /varz section.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "plugins/monitoring/kernel_source.hpp"
#include "plugins/system_account/server_info.hpp"

namespace nats::system_account {

std::string statsz_message(ServerInfoSource& info, monitoring::KernelSource& kernel);

// Every account's AccountStat ({"acc","conns","leafnodes","total_conns","sent",
// "received","slow_consumers"}), by name, unused accounts included.
std::map<std::string, nlohmann::ordered_json> account_stats(monitoring::KernelSource& kernel);

std::string account_conns_message(ServerInfoSource& info, const nlohmann::ordered_json& stat);

}  // namespace nats::system_account
