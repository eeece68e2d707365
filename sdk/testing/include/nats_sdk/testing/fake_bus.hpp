#pragma once
// The FakeHost's subject space: who is subscribed to what (the plugin's subscriptions,
// made with subscribe() or subscribe_ex(), and the fake clients' ones), what the plugin
// published, routing a message to them, and interest (has_interest, interest watches).
//
// Routing follows the kernel: a plain subscription gets every match, a queue group
// (plugin and client members together) one member, the first that takes it (the
// plugin's before clients', each in subscription order). A client whose queue is full
// (FakeQueue::full) is skipped and counted under NMK_PUBLISH_NO_OVERFLOW; otherwise the
// message is dropped for it and the client is reported as cut (the caller closes it as
// a slow consumer). Callbacks run outside
// the lock, on the calling thread, so they may call back into the host.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/subject.hpp"
#include "nats_sdk/testing/fake_records.hpp"

namespace nats_sdk::testing {

// A message as the bus routes it; the views must outlive route().
struct FakeDelivery {
    std::string_view account;  // "" is "$G"
    std::string_view subject;
    std::string_view reply;
    std::string_view headers;
    std::string_view payload;
    std::uint64_t client_id = 0;  // who published it; 0: the server or a plugin
    // SDK 1.2 publish_deliver: subscriptions are matched against this subject when it is
    // not empty, and the receivers still see `subject`.
    std::string_view deliver_subject{};

    std::string_view routed_by() const noexcept { return deliver_subject.empty() ? subject : deliver_subject; }
};

// What route() did.
struct FakeRoute {
    std::size_t plugin_calls = 0;  // the plugin's subscription callbacks that ran
    std::uint32_t receivers = 0;   // subscriptions that took it (plugin and client; a queue group once)
    std::uint32_t pressured = 0;   // receiving clients past half of their max_pending
    std::uint32_t overflowed = 0;  // clients skipped under no_overflow
    std::vector<std::uint64_t> cut;  // clients that overflowed without no_overflow: slow consumers
};

class FakeBus {
public:
    // `ids`: the FakeHost's counter, so every id it gives out is unique.
    explicit FakeBus(std::atomic<std::uint64_t>& ids) : ids_(ids) {}

    // A fresh id from the FakeHost's counter.
    std::uint64_t next_id() noexcept { return ++ids_; }

    static std::string_view normal_account(std::string_view account) noexcept {
        return account.empty() ? std::string_view("$G") : account;
    }

    // ------------------------------------------------- the plugin's subscriptions

    // Adds `record` (its id is assigned) and tells the interest watches.
    std::uint64_t subscribe(SubscriptionRecord record) {
        record.id = ++ids_;
        record.account = std::string(normal_account(record.account));
        record.active = true;
        const std::uint64_t id = record.id;
        {
            const std::lock_guard lock(mutex_);
            subscriptions_.push_back(std::move(record));
        }
        evaluate_watches();
        return id;
    }
    // False when `id` is unknown or already ended.
    bool unsubscribe(std::uint64_t id) {
        {
            const std::lock_guard lock(mutex_);
            auto* sub = find_subscription(id);
            if (sub == nullptr || !sub->active) {
                return false;
            }
            sub->active = false;
        }
        evaluate_watches();
        return true;
    }
    std::vector<SubscriptionRecord> subscriptions(bool active_only) const {
        const std::lock_guard lock(mutex_);
        std::vector<SubscriptionRecord> out;
        for (const auto& sub : subscriptions_) {
            if (sub.active || !active_only) {
                out.push_back(sub);
            }
        }
        return out;
    }

    // ------------------------------------------------------ the clients' side

    std::uint64_t client_subscribe(std::uint64_t client, std::string_view account, std::string_view subject,
                                   std::string_view queue) {
        const std::uint64_t id = ++ids_;
        {
            const std::lock_guard lock(mutex_);
            client_subs_.push_back(ClientSub{id, client, std::string(normal_account(account)), std::string(subject),
                                             std::string(queue)});
        }
        evaluate_watches();
        return id;
    }
    bool client_unsubscribe(std::uint64_t id) {
        bool found = false;
        {
            const std::lock_guard lock(mutex_);
            for (auto it = client_subs_.begin(); it != client_subs_.end(); ++it) {
                if (it->id == id) {
                    client_subs_.erase(it);
                    found = true;
                    break;
                }
            }
        }
        if (found) {
            evaluate_watches();
        }
        return found;
    }
    // Drops a client's subscriptions (it went away); returns what was delivered to it.
    std::pair<std::uint64_t, std::uint64_t> remove_client(std::uint64_t client) {
        std::pair<std::uint64_t, std::uint64_t> out_traffic;
        {
            const std::lock_guard lock(mutex_);
            std::erase_if(client_subs_, [&](const ClientSub& s) { return s.client == client; });
            const auto it = traffic_.find(client);
            if (it != traffic_.end()) {
                out_traffic = {it->second.out_msgs, it->second.out_bytes};
                traffic_.erase(it);
            }
        }
        evaluate_watches();
        return out_traffic;
    }
    void set_queue(std::uint64_t client, FakeQueue state) {
        const std::lock_guard lock(mutex_);
        traffic_[client].queue = state;
    }
    // Messages delivered to a client so far.
    std::uint64_t delivered_to(std::uint64_t client) const {
        const std::lock_guard lock(mutex_);
        const auto it = traffic_.find(client);
        return it == traffic_.end() ? 0 : it->second.out_msgs;
    }

    // ------------------------------------------------------------ publishing

    void record(PublishRecord record) {
        record.account = std::string(normal_account(record.account));
        const std::lock_guard lock(mutex_);
        published_.push_back(std::move(record));
    }
    std::vector<PublishRecord> published() const {
        const std::lock_guard lock(mutex_);
        return published_;
    }
    void clear_published() {
        const std::lock_guard lock(mutex_);
        published_.clear();
    }

    // Delivers `m` to every match in its account. `skip_plugin`: not to the plugin's own
    // subscriptions (NMK_PUBLISH_NO_ECHO; the fake hosts one plugin).
    FakeRoute route(const FakeDelivery& m, bool skip_plugin, bool no_overflow) {
        FakeRoute result;
        std::vector<std::uint64_t> targets;
        const std::string account(normal_account(m.account));
        const std::size_t bytes = m.subject.size() + m.reply.size() + m.headers.size() + m.payload.size();
        {
            const std::lock_guard lock(mutex_);
            std::set<std::string, std::less<>> groups_served;  // one member per queue group
            for (const auto& sub : subscriptions_) {
                if (skip_plugin || !sub.active || !matches(sub.account, sub.subject, account, m.routed_by())) {
                    continue;
                }
                if (sub.queue.empty() || groups_served.insert(sub.queue).second) {
                    targets.push_back(sub.id);
                }
            }
            for (const auto& s : client_subs_) {
                if (!matches(s.account, s.subject, account, m.routed_by()) ||
                    (!s.queue.empty() && groups_served.contains(s.queue))) {
                    continue;
                }
                auto& t = traffic_[s.client];
                if (t.queue == FakeQueue::full) {  // a queue group tries its next member
                    if (no_overflow) {
                        ++result.overflowed;
                    } else if (std::find(result.cut.begin(), result.cut.end(), s.client) == result.cut.end()) {
                        result.cut.push_back(s.client);
                    }
                    continue;
                }
                ++t.out_msgs;
                t.out_bytes += bytes;
                ++result.receivers;
                result.pressured += t.queue == FakeQueue::pressured ? 1 : 0;
                if (!s.queue.empty()) {
                    groups_served.insert(s.queue);
                }
            }
        }
        const DepthScope nested;  // a callback that publishes routes one level deeper
        const nmk_message plain{to_nmk(account), to_nmk(m.subject), to_nmk(m.reply), to_nmk(m.headers),
                                to_nmk(m.payload)};
        for (const auto id : targets) {
            SubscriptionRecord sub{};
            {
                const std::lock_guard lock(mutex_);
                const auto* found = find_subscription(id);
                if (found == nullptr || !found->active) {
                    continue;  // ended by an earlier callback
                }
                sub = *found;
            }
            if (sub.callback_ex != nullptr) {
                const nmk_message_ex ex{sizeof(nmk_message_ex), sub.handle,          to_nmk(account),
                                        to_nmk(m.subject),      to_nmk(m.reply),     to_nmk(m.headers),
                                        to_nmk(m.payload),      m.client_id};
                sub.callback_ex(sub.user, &ex);
            } else {
                sub.callback(sub.user, &plain);
            }
            ++result.plugin_calls;
            ++result.receivers;
        }
        return result;
    }

    // How many route() calls are running on this thread: the kernel routes a publish made
    // inside a delivery inline only up to a depth of 4, then on a later turn.
    static int routing_depth() noexcept { return depth(); }

    // ---------------------------------------------------------------- interest

    // Whether any subscription, the plugin's or a client's, matches the literal `subject`.
    bool has_interest(std::string_view account, std::string_view subject) const {
        const std::lock_guard lock(mutex_);
        return interest_locked(std::string(normal_account(account)), subject);
    }
    // Starts a watch and returns the state now.
    bool watch_interest(std::uint64_t id, std::string_view account, std::string_view subject,
                        nmk_interest_callback callback, void* user) {
        const std::lock_guard lock(mutex_);
        InterestWatch w{id, std::string(normal_account(account)), std::string(subject), callback, user, false};
        w.active = interest_locked(w.account, w.subject);
        watches_.push_back(std::move(w));
        return watches_.back().active;
    }
    bool unwatch(std::uint64_t id) {
        const std::lock_guard lock(mutex_);
        return std::erase_if(watches_, [&](const InterestWatch& w) { return w.id == id; }) != 0;
    }

private:
    struct ClientSub {
        std::uint64_t id;
        std::uint64_t client;
        std::string account;
        std::string subject;
        std::string queue;
    };
    struct Traffic {
        FakeQueue queue = FakeQueue::normal;
        std::uint64_t out_msgs = 0, out_bytes = 0;
    };
    struct InterestWatch {
        std::uint64_t id;
        std::string account;
        std::string subject;
        nmk_interest_callback callback;
        void* user;
        bool active;
    };

    static int& depth() noexcept {
        thread_local int value = 0;
        return value;
    }
    struct DepthScope {
        DepthScope() noexcept { ++depth(); }
        ~DepthScope() { --depth(); }
        DepthScope(const DepthScope&) = delete;
        DepthScope& operator=(const DepthScope&) = delete;
    };

    static bool matches(std::string_view sub_account, std::string_view pattern, std::string_view account,
                        std::string_view subject) {
        return sub_account == account && nats_sdk::subject::literal_matches(subject, pattern);
    }

    bool interest_locked(std::string_view account, std::string_view subject) const {
        for (const auto& sub : subscriptions_) {
            if (sub.active && matches(sub.account, sub.subject, account, subject)) {
                return true;
            }
        }
        for (const auto& s : client_subs_) {
            if (matches(s.account, s.subject, account, subject)) {
                return true;
            }
        }
        return false;
    }

    // After a subscription change: calls each watch whose state flipped, outside the lock.
    void evaluate_watches() {
        std::vector<std::tuple<nmk_interest_callback, void*, std::uint64_t, bool>> calls;
        {
            const std::lock_guard lock(mutex_);
            for (auto& w : watches_) {
                const bool now = interest_locked(w.account, w.subject);
                if (now != w.active) {
                    w.active = now;
                    calls.emplace_back(w.callback, w.user, w.id, now);
                }
            }
        }
        for (const auto& [callback, user, id, active] : calls) {
            if (watching(id)) {  // not ended by an earlier callback
                callback(user, id, active ? 1 : 0);
            }
        }
    }

    bool watching(std::uint64_t id) const {
        const std::lock_guard lock(mutex_);
        return std::any_of(watches_.begin(), watches_.end(), [&](const InterestWatch& w) { return w.id == id; });
    }

    SubscriptionRecord* find_subscription(std::uint64_t id) {
        for (auto& sub : subscriptions_) {
            if (sub.id == id) {
                return &sub;
            }
        }
        return nullptr;
    }

    std::atomic<std::uint64_t>& ids_;
    mutable std::mutex mutex_;
    std::vector<SubscriptionRecord> subscriptions_;
    std::vector<ClientSub> client_subs_;
    std::map<std::uint64_t, Traffic> traffic_;
    std::vector<InterestWatch> watches_;
    std::vector<PublishRecord> published_;
};

}  // namespace nats_sdk::testing
