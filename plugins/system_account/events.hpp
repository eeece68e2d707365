#pragma once
// The system account's events, as nats-server 2.9.10 publishes them there:
//   $SYS.ACCOUNT.<acc>.CONNECT / DISCONNECT   a client of that account came or went
//                                             (not for the global account $G)
//   $SYS.ACCOUNT.<acc>.SERVER.CONNS           the account's connection count changed
//   $SYS.SERVER.ACCOUNT.<acc>.CONNS           (the same, nats-server's older subject)
//                                             and every 30 s while it has connections
//   $SYS.SERVER.<id>.STATSZ                   server statistics: after 250 ms, then at
//                                             doubling intervals up to every 30 s
//   $SYS.SERVER.<id>.SHUTDOWN                 the server is stopping
//   $SYS.SERVER.<id>.CLIENT.AUTH.ERR          a login was refused (a DisconnectEventMsg,
//                                             reason "Authentication Failure")
// Events nobody subscribes to are not built. Connection-count events are coalesced: a burst of connects gives one event per
// account with the count after the burst (nats-server sends one per change).
//
// Threads: connection callbacks only note the change and post the work; messages
// are built on the blocking pool (the kernel's statistics are read there).
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include <nats_sdk/clients.hpp>
#include <nats_sdk/messaging.hpp>
#include <nats_sdk/plugin_base.hpp>

#include "plugins/monitoring/kernel_source.hpp"
#include "plugins/system_account/server_info.hpp"

namespace nats::system_account {

struct EventSettings {
    std::chrono::milliseconds first_statsz{250};
    std::chrono::milliseconds statsz_interval{30000};
    std::chrono::milliseconds conns_heartbeat{30000};
};

// The event's rtt as nats-server writes it (Go nanoseconds, truncated to microseconds
// between 1 us and 1 ms).
std::int64_t go_event_rtt(std::chrono::nanoseconds rtt);

class SystemEvents {
public:
    SystemEvents(nats_sdk::Host& host, const nats_sdk::Messaging& messaging, nats_sdk::AccountHandle system,
                 ServerInfoSource& info, monitoring::KernelSource& kernel, EventSettings settings);

    void start();
    // Publishes the SHUTDOWN event and stops everything.
    void stop();

    // The CONNECT / DISCONNECT advisory for one client (ConnectEventMsg / DisconnectEventMsg).
    std::string connection_message(const nats_sdk::ConnectionEvent& e);

private:
    void on_connection(const nats_sdk::ConnectionEvent& e);
    void schedule_conns_flush();
    void flush_conns();
    void tick();
    void publish(const std::string& subject, const std::string& payload);

    nats_sdk::Host& host_;
    const nats_sdk::Messaging& messaging_;
    nats_sdk::AccountHandle system_;
    ServerInfoSource& info_;
    monitoring::KernelSource& kernel_;
    const EventSettings settings_;

    std::atomic<bool> running_{false};
    std::mutex mutex_;
    std::set<std::string> changed_accounts_;  // waiting for the next CONNS flush
    bool flush_posted_ = false;
    // One 250 ms tick drives both schedules (a timer is never re-armed from its own callback).
    std::chrono::steady_clock::time_point next_statsz_, next_heartbeat_;
    std::chrono::milliseconds statsz_gap_{0};
    nats_sdk::Watch connections_;
    nats_sdk::Timer ticker_;
};

}  // namespace nats::system_account
