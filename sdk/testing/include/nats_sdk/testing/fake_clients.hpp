#pragma once
// The FakeHost's clients: the test connects and disconnects them, gives them
// subscriptions (which are interest, like a real client's SUB) and fills their queues;
// the plugin watches them with watch_client() and watch_connections().
//
// As in the kernel: a connection watch sees every admitted client's connect and its
// disconnect (with the reason, the stop time and the traffic); a client watch fires
// once, when that client goes, and is finished then (unwatch says NMK_NOT_FOUND).
// Callbacks run on the thread that called connect()/disconnect(), outside the lock.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/close_reason.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/testing/fake_bus.hpp"
#include "nats_sdk/testing/fake_records.hpp"

namespace nats_sdk::testing {

class FakeClients {
public:
    FakeClients(std::atomic<std::uint64_t>& ids, FakeBus& bus) : ids_(ids), bus_(bus) {}

    // ------------------------------------------------------------- driving

    // Admits `client` (its id: the next free one when 0) and reports the connect.
    // Returns the id; 0 when that id is connected already.
    std::uint64_t connect(FakeClient client) {
        {
            const std::lock_guard lock(mutex_);
            if (client.id == 0) {
                while (clients_.contains(++next_client_)) {
                }
                client.id = next_client_;
            } else if (clients_.contains(client.id)) {
                return 0;
            }
            client.account = std::string(FakeBus::normal_account(client.account));
            clients_[client.id] = client;
        }
        report(client, true, {}, {});
        return client.id;
    }

    // Closes a client: its subscriptions go (interest watches hear it), its client
    // watches fire, then the disconnect is reported. False when it is not connected.
    bool disconnect(std::uint64_t id, std::string_view reason = "Client Closed") {
        FakeClient client;
        std::vector<std::pair<std::uint64_t, Watch>> gone;
        {
            const std::lock_guard lock(mutex_);
            const auto it = clients_.find(id);
            if (it == clients_.end()) {
                return false;
            }
            client = it->second;
            clients_.erase(it);
            for (auto w = client_watches_.begin(); w != client_watches_.end();) {
                if (w->second.client == id) {
                    gone.emplace_back(*w);
                    w = client_watches_.erase(w);  // fires once, then is finished
                } else {
                    ++w;
                }
            }
        }
        const auto [out_msgs, out_bytes] = bus_.remove_client(id);
        client.out_msgs += out_msgs;
        client.out_bytes += out_bytes;
        for (const auto& [watch_id, w] : gone) {
            w.gone(w.user, watch_id, id);
        }
        report(client, false, reason, std::chrono::system_clock::now());
        return true;
    }

    // A subscription of the client, in its account; 0 when the client is not connected.
    std::uint64_t subscribe(std::uint64_t client, std::string_view subject, std::string_view queue = {}) {
        std::string account;
        {
            const std::lock_guard lock(mutex_);
            const auto it = clients_.find(client);
            if (it == clients_.end()) {
                return 0;
            }
            account = it->second.account;
        }
        return bus_.client_subscribe(client, account, subject, queue);
    }
    bool unsubscribe(std::uint64_t subscription) { return bus_.client_unsubscribe(subscription); }
    void set_queue(std::uint64_t client, FakeQueue state) { bus_.set_queue(client, state); }
    // Messages the fake delivered to the client (publish_ex, publish_batch, deliver()).
    std::uint64_t delivered_to(std::uint64_t client) const { return bus_.delivered_to(client); }
    bool connected(std::uint64_t client) const {
        const std::lock_guard lock(mutex_);
        return clients_.contains(client);
    }

    // The -ERR texts plugins closed clients with (close_client), oldest first: "<id> <error>".
    std::vector<std::string> closed_with_errors() const {
        const std::lock_guard lock(mutex_);
        return closed_with_errors_;
    }

    // ----------------------------------------------------------- host side

    // SDK 1.3 close_client, checked as kernel/plugin_host/plugin_messaging.cpp does.
    nmk_status close_client(std::uint64_t client, std::uint32_t reason, std::string_view error) {
        const std::string_view why = close_reason_text(reason);
        if (why.empty()) return NMK_INVALID_ARGUMENT;
        if (error.find_first_of("\r\n'") != std::string_view::npos) return NMK_INVALID_ARGUMENT;
        if (!connected(client)) return NMK_NOT_FOUND;
        {
            const std::lock_guard lock(mutex_);
            closed_with_errors_.push_back(std::to_string(client) + " " + std::string(error));
        }
        disconnect(client, why);
        return NMK_OK;
    }

    nmk_status watch_client(std::uint64_t client, nmk_client_gone_callback callback, void* user,
                            std::uint64_t* watch_id) {
        if (callback == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::lock_guard lock(mutex_);
        if (!clients_.contains(client)) {
            return NMK_NOT_FOUND;
        }
        const std::uint64_t id = ++ids_;
        client_watches_[id] = Watch{client, callback, nullptr, user};
        if (watch_id != nullptr) {
            *watch_id = id;
        }
        return NMK_OK;
    }
    nmk_status watch_connections(nmk_connection_callback callback, void* user, std::uint64_t* watch_id) {
        if (callback == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::lock_guard lock(mutex_);
        const std::uint64_t id = ++ids_;
        connection_watches_[id] = Watch{0, nullptr, callback, user};
        if (watch_id != nullptr) {
            *watch_id = id;
        }
        return NMK_OK;
    }
    bool unwatch(std::uint64_t id) {
        const std::lock_guard lock(mutex_);
        return client_watches_.erase(id) != 0 || connection_watches_.erase(id) != 0;
    }

private:
    struct Watch {
        std::uint64_t client;
        nmk_client_gone_callback gone;
        nmk_connection_callback connection;
        void* user;
    };

    static std::int64_t unix_ns(std::chrono::system_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    }

    // Tells every connection watch, outside the lock (a callback may unwatch).
    void report(const FakeClient& c, bool connected, std::string_view reason,
                std::optional<std::chrono::system_clock::time_point> stop) {
        std::vector<std::uint64_t> ids;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& [id, w] : connection_watches_) {
                ids.push_back(id);
            }
        }
        nmk_connection_event e{};
        e.struct_size = sizeof e;
        e.kind = connected ? NMK_CONNECTION_CONNECT : NMK_CONNECTION_DISCONNECT;
        e.client_id = c.id;
        e.account = to_nmk(c.account);
        e.user = to_nmk(c.user);
        e.name = to_nmk(c.name);
        e.lang = to_nmk(c.lang);
        e.version = to_nmk(c.version);
        e.ip = to_nmk(c.ip);
        e.port = c.port;
        e.tls = c.tls ? 1 : 0;
        e.start_unix_ns = unix_ns(c.start);
        if (!connected) {
            e.stop_unix_ns = unix_ns(stop.value_or(std::chrono::system_clock::now()));
            e.reason = to_nmk(reason);
            e.in_msgs = c.in_msgs;
            e.in_bytes = c.in_bytes;
            e.out_msgs = c.out_msgs;
            e.out_bytes = c.out_bytes;
        }
        for (const auto id : ids) {
            Watch w{};
            {
                const std::lock_guard lock(mutex_);
                const auto it = connection_watches_.find(id);
                if (it == connection_watches_.end()) {
                    continue;  // ended by an earlier callback
                }
                w = it->second;
            }
            w.connection(w.user, &e);
        }
    }

    std::atomic<std::uint64_t>& ids_;
    FakeBus& bus_;
    mutable std::mutex mutex_;
    std::vector<std::string> closed_with_errors_;
    std::uint64_t next_client_ = 0;
    std::map<std::uint64_t, FakeClient> clients_;
    std::map<std::uint64_t, Watch> client_watches_;
    std::map<std::uint64_t, Watch> connection_watches_;
};

}  // namespace nats_sdk::testing
