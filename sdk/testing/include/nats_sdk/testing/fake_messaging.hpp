#pragma once
// The FakeHost's SDK 1.1 messaging calls (account_handle, publish_ex, publish_batch,
// subscribe_ex, has_interest, watch_interest, watch_client, watch_connections,
// unwatch), SDK 1.2's publish_deliver and publish_deliver_batch and SDK 1.3's
// close_client, checked and answered as kernel/plugin_host/plugin_messaging.cpp does. A deliver-subject publish
// reaches the subscriptions its deliver subject matches, showing its own subject.
//
// Publishing: the test's thread counts as an I/O thread, so publish_ex() and
// publish_batch() deliver before they return (to the plugin's own subscriptions too,
// unless NMK_PUBLISH_NO_ECHO, and to the fake clients) and publish_ex() reports exact
// counts (routed 1). After set_on_io_thread(false), or nested deeper than the kernel
// routes inline (4), they queue instead (routed 0, counts 0) and deliver, in call
// order, when the FakeHost runs its tasks (run_tasks()). Every publish is recorded
// (FakeHost::published(), `call` says which). A client cut as a slow consumer by a
// delivery is disconnected with nats-server's reason.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/subject.hpp"
#include "nats_sdk/testing/fake_bus.hpp"
#include "nats_sdk/testing/fake_clients.hpp"
#include "nats_sdk/testing/fake_records.hpp"
#include "nats_sdk/testing/fake_sdk11.hpp"

namespace nats_sdk::testing {

class FakeMessaging {
public:
    // `post` queues a task on the FakeHost (run by run_tasks()).
    FakeMessaging(FakeBus& bus, FakeClients& clients, FakeSdk11& accounts,
                  std::function<void(nmk_task_callback, void*)> post)
        : bus_(bus), clients_(clients), accounts_(accounts), post_(std::move(post)) {}

    // Owner: the FakeHost, which resolves `host` to its FakeMessaging
    // (Owner::messaging_of) and its injected failures (Owner::injected_failure).
    template <class Owner>
    void install(nmk_host_api& api) {
        api.account_handle = [](void* h, nmk_str account, nmk_account_handle* handle) noexcept {
            return guarded<Owner>(h, "account_handle", [&](FakeMessaging& m) {
                return m.account_handle(to_view(account), handle);
            });
        };
        api.publish_ex = [](void* h, nmk_account_handle account, const nmk_message* message, std::uint32_t flags,
                            nmk_publish_result* result) noexcept {
            return guarded<Owner>(h, "publish_ex",
                                  [&](FakeMessaging& m) { return m.publish_ex(account, message, flags, result); });
        };
        api.publish_batch = [](void* h, nmk_account_handle account, const nmk_message* messages, std::size_t count,
                               std::uint32_t flags) noexcept {
            return guarded<Owner>(h, "publish_batch",
                                  [&](FakeMessaging& m) { return m.publish_batch(account, messages, count, flags); });
        };
        api.publish_deliver = [](void* h, nmk_account_handle account, nmk_str deliver_subject,
                                 const nmk_message* message, std::uint32_t flags,
                                 nmk_publish_result* result) noexcept {
            return guarded<Owner>(h, "publish_deliver", [&](FakeMessaging& m) {
                return m.publish_deliver(account, to_view(deliver_subject), message, flags, result);
            });
        };
        api.publish_deliver_batch = [](void* h, nmk_account_handle account, const nmk_str* deliver_subjects,
                                       const nmk_message* messages, std::size_t count,
                                       std::uint32_t flags) noexcept {
            return guarded<Owner>(h, "publish_deliver_batch", [&](FakeMessaging& m) {
                return m.publish_deliver_batch(account, deliver_subjects, messages, count, flags);
            });
        };
        api.subscribe_ex = [](void* h, nmk_account_handle account, nmk_str subject, nmk_str queue,
                              nmk_message_ex_callback callback, void* user, std::uint64_t* id) noexcept {
            return guarded<Owner>(h, "subscribe_ex", [&](FakeMessaging& m) {
                return m.subscribe_ex(account, to_view(subject), to_view(queue), callback, user, id);
            });
        };
        api.has_interest = [](void* h, nmk_account_handle account, nmk_str subject, int* answer) noexcept {
            return guarded<Owner>(h, "has_interest",
                                  [&](FakeMessaging& m) { return m.has_interest(account, to_view(subject), answer); });
        };
        api.watch_interest = [](void* h, nmk_account_handle account, nmk_str subject, nmk_interest_callback callback,
                                void* user, std::uint64_t* id, int* active_now) noexcept {
            return guarded<Owner>(h, "watch_interest", [&](FakeMessaging& m) {
                return m.watch_interest(account, to_view(subject), callback, user, id, active_now);
            });
        };
        api.watch_client = [](void* h, std::uint64_t client, nmk_client_gone_callback callback, void* user,
                              std::uint64_t* id) noexcept {
            return guarded<Owner>(h, "watch_client", [&](FakeMessaging& m) {
                return m.clients_.watch_client(client, callback, user, id);
            });
        };
        api.watch_connections = [](void* h, nmk_connection_callback callback, void* user, std::uint64_t* id) noexcept {
            return guarded<Owner>(h, "watch_connections",
                                  [&](FakeMessaging& m) { return m.clients_.watch_connections(callback, user, id); });
        };
        api.close_client = [](void* h, std::uint64_t client, std::uint32_t reason, nmk_str error) noexcept {
            return guarded<Owner>(h, "close_client",
                                  [&](FakeMessaging& m) { return m.clients_.close_client(client, reason, to_view(error)); });
        };
        api.unwatch = [](void* h, std::uint64_t id) noexcept {
            return guarded<Owner>(h, "unwatch", [&](FakeMessaging& m) {
                return m.bus_.unwatch(id) || m.clients_.unwatch(id) ? NMK_OK : NMK_NOT_FOUND;
            });
        };
    }

    // ------------------------------------------------------------- driving

    // false: the plugin's publishes come from a thread that is not an I/O thread (its
    // own, the blocking pool): they queue until run_tasks().
    void set_on_io_thread(bool on) {
        const std::lock_guard lock(mutex_);
        on_io_thread_ = on;
    }
    // The account of a handle the plugin got; nullopt for one it did not.
    std::optional<std::string> account_of(nmk_account_handle handle) const {
        const std::lock_guard lock(mutex_);
        const auto it = names_.find(handle);
        return it == names_.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    // Routes `m` and closes the clients it overflowed as slow consumers.
    FakeRoute route(const FakeDelivery& m, bool skip_plugin, bool no_overflow) {
        FakeRoute r = bus_.route(m, skip_plugin, no_overflow);
        for (const auto client : r.cut) {
            clients_.disconnect(client, "Slow Consumer (Pending Bytes)");
        }
        return r;
    }

private:
    static constexpr std::uint32_t known_flags = NMK_PUBLISH_NO_ECHO | NMK_PUBLISH_NO_OVERFLOW;
    static constexpr int max_inline_depth = 4;  // the kernel's max_inline_routing_depth

    template <class Owner, class Body>
    static nmk_status guarded(void* h, std::string_view call, Body&& body) noexcept {
        if (h == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        if (auto failure = Owner::injected_failure(h, call)) {
            return *failure;
        }
        try {
            return body(Owner::messaging_of(h));
        } catch (...) {
            return NMK_ERROR;  // as the kernel's guard: nothing throws across the C boundary
        }
    }

    struct Owned {
        std::string subject, reply, headers, payload;
        std::string deliver_subject{};  // publish_deliver: what it is routed by
    };
    struct Queued {
        std::string account;
        std::vector<Owned> messages;
        std::uint32_t flags = 0;
    };

    static bool valid(const nmk_message& m) {
        const std::string_view reply = to_view(m.reply);
        return nats_sdk::subject::is_valid_publish_subject(to_view(m.subject)) &&
               (reply.empty() || nats_sdk::subject::is_valid_publish_subject(reply));
    }

    nmk_status account_handle(std::string_view name, nmk_account_handle* handle) {
        if (handle == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::string account(FakeBus::normal_account(name));
        accounts_.ensure_account(account);  // created on demand, as the kernel does
        const std::lock_guard lock(mutex_);
        auto [it, added] = handles_.try_emplace(account, names_.size() + 1);
        if (added) {
            names_[it->second] = account;
        }
        *handle = it->second;
        return NMK_OK;
    }

    // Delivers now (routed) or queues, as the kernel would from this thread.
    std::optional<FakeRoute> publish(const std::string& account, std::vector<Owned> messages, std::uint32_t flags) {
        bool inline_routing = false;
        {
            const std::lock_guard lock(mutex_);
            inline_routing = on_io_thread_ && FakeBus::routing_depth() < max_inline_depth;
            if (!inline_routing) {
                queued_.push_back(Queued{account, std::move(messages), flags});
            }
        }
        if (!inline_routing) {
            post_(&FakeMessaging::run_queued, this);
            return std::nullopt;
        }
        return route_all(account, messages, flags);
    }
    FakeRoute route_all(const std::string& account, const std::vector<Owned>& messages, std::uint32_t flags) {
        FakeRoute total;
        for (const auto& m : messages) {
            const FakeRoute r = route(FakeDelivery{account, m.subject, m.reply, m.headers, m.payload, 0, m.deliver_subject},
                                      (flags & NMK_PUBLISH_NO_ECHO) != 0, (flags & NMK_PUBLISH_NO_OVERFLOW) != 0);
            total.plugin_calls += r.plugin_calls;
            total.receivers += r.receivers;
            total.pressured += r.pressured;
            total.overflowed += r.overflowed;
        }
        return total;
    }
    static void run_queued(void* user) {
        auto& self = *static_cast<FakeMessaging*>(user);
        Queued next;
        {
            const std::lock_guard lock(self.mutex_);
            if (self.queued_.empty()) {
                return;
            }
            next = std::move(self.queued_.front());
            self.queued_.pop_front();
        }
        self.route_all(next.account, next.messages, next.flags);
    }

    void record(const std::string& account, const nmk_message& m, const char* call, std::uint32_t flags,
                std::string_view deliver_subject = {}) {
        bus_.record(PublishRecord{account, std::string(to_view(m.subject)), std::string(to_view(m.reply)),
                                  std::string(to_view(m.headers)), std::string(to_view(m.payload)), 0, call, flags,
                                  std::string(deliver_subject)});
    }
    static Owned owned(const nmk_message& m) {
        return Owned{std::string(to_view(m.subject)), std::string(to_view(m.reply)), std::string(to_view(m.headers)),
                     std::string(to_view(m.payload))};
    }

    nmk_status publish_ex(nmk_account_handle handle, const nmk_message* message, std::uint32_t flags,
                          nmk_publish_result* result) {
        return publish_one(handle, {}, message, flags, result, "publish_ex");
    }

    nmk_status publish_deliver(nmk_account_handle handle, std::string_view deliver_subject, const nmk_message* message,
                               std::uint32_t flags, nmk_publish_result* result) {
        if (!nats_sdk::subject::is_valid_publish_subject(deliver_subject)) {
            return NMK_INVALID_ARGUMENT;
        }
        return publish_one(handle, deliver_subject, message, flags, result, "publish_deliver");
    }

    nmk_status publish_one(nmk_account_handle handle, std::string_view deliver_subject, const nmk_message* message,
                           std::uint32_t flags, nmk_publish_result* result, const char* call) {
        const auto account = account_of(handle);
        if (!account || message == nullptr || (flags & ~known_flags) != 0 || !valid(*message)) {
            return NMK_INVALID_ARGUMENT;
        }
        if (result != nullptr && result->struct_size < offsetof(nmk_publish_result, routed) + sizeof(result->routed)) {
            return NMK_INVALID_ARGUMENT;
        }
        record(*account, *message, call, flags, deliver_subject);
        Owned one = owned(*message);
        one.deliver_subject.assign(deliver_subject);
        const auto routed = publish(*account, {std::move(one)}, flags);
        if (result != nullptr) {
            // Only as far as the caller's struct reaches, as the kernel writes it.
            nmk_publish_result full{};
            full.struct_size = result->struct_size;
            full.routed = routed ? 1 : 0;
            if (routed) {
                full.receivers = routed->receivers;
                full.pressured = routed->pressured;
                full.overflowed = routed->overflowed;
            }
            std::memcpy(result, &full, std::min<std::size_t>(result->struct_size, sizeof full));
        }
        return NMK_OK;
    }

    nmk_status publish_batch(nmk_account_handle handle, const nmk_message* messages, std::size_t count,
                             std::uint32_t flags) {
        const auto account = account_of(handle);
        if (!account || (count != 0 && messages == nullptr) || (flags & ~known_flags) != 0) {
            return NMK_INVALID_ARGUMENT;
        }
        for (std::size_t i = 0; i < count; ++i) {
            if (!valid(messages[i])) {
                return NMK_INVALID_ARGUMENT;  // all or nothing
            }
        }
        if (count == 0) {
            return NMK_OK;
        }
        std::vector<Owned> batch;
        batch.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            record(*account, messages[i], "publish_batch", flags);
            batch.push_back(owned(messages[i]));
        }
        publish(*account, std::move(batch), flags);
        return NMK_OK;
    }

    nmk_status publish_deliver_batch(nmk_account_handle handle, const nmk_str* deliver_subjects,
                                     const nmk_message* messages, std::size_t count, std::uint32_t flags) {
        const auto account = account_of(handle);
        if (!account || (count != 0 && (messages == nullptr || deliver_subjects == nullptr)) ||
            (flags & ~known_flags) != 0) {
            return NMK_INVALID_ARGUMENT;
        }
        for (std::size_t i = 0; i < count; ++i) {
            if (!valid(messages[i]) || !nats_sdk::subject::is_valid_publish_subject(to_view(deliver_subjects[i]))) {
                return NMK_INVALID_ARGUMENT;  // all or nothing
            }
        }
        if (count == 0) {
            return NMK_OK;
        }
        std::vector<Owned> batch;
        batch.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            record(*account, messages[i], "publish_deliver_batch", flags, to_view(deliver_subjects[i]));
            batch.push_back(owned(messages[i]));
            batch.back().deliver_subject.assign(to_view(deliver_subjects[i]));
        }
        publish(*account, std::move(batch), flags);
        return NMK_OK;
    }

    nmk_status subscribe_ex(nmk_account_handle handle, std::string_view subject, std::string_view queue,
                            nmk_message_ex_callback callback, void* user, std::uint64_t* id) {
        const auto account = account_of(handle);
        if (!account || callback == nullptr || !nats_sdk::subject::is_valid_subject(subject) ||
            (!queue.empty() && !nats_sdk::subject::is_valid_queue_name(queue))) {
            return NMK_INVALID_ARGUMENT;
        }
        SubscriptionRecord record{0, *account, std::string(subject), std::string(queue), nullptr, user, true};
        record.callback_ex = callback;
        record.handle = handle;
        const std::uint64_t sub = bus_.subscribe(std::move(record));
        if (id != nullptr) {
            *id = sub;
        }
        return NMK_OK;
    }

    nmk_status has_interest(nmk_account_handle handle, std::string_view subject, int* answer) const {
        const auto account = account_of(handle);
        if (!account || answer == nullptr || !nats_sdk::subject::is_valid_publish_subject(subject)) {
            return NMK_INVALID_ARGUMENT;
        }
        *answer = bus_.has_interest(*account, subject) ? 1 : 0;
        return NMK_OK;
    }

    nmk_status watch_interest(nmk_account_handle handle, std::string_view subject, nmk_interest_callback callback,
                              void* user, std::uint64_t* id, int* active_now) {
        const auto account = account_of(handle);
        if (!account || callback == nullptr || !nats_sdk::subject::is_valid_publish_subject(subject)) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::uint64_t watch = bus_.next_id();
        const bool now = bus_.watch_interest(watch, *account, subject, callback, user);
        if (active_now != nullptr) {
            *active_now = now ? 1 : 0;
        }
        if (id != nullptr) {
            *id = watch;
        }
        return NMK_OK;
    }

    FakeBus& bus_;
    FakeClients& clients_;
    FakeSdk11& accounts_;
    std::function<void(nmk_task_callback, void*)> post_;
    mutable std::mutex mutex_;
    bool on_io_thread_ = true;
    std::map<std::string, nmk_account_handle> handles_;
    std::map<nmk_account_handle, std::string> names_;
    std::deque<Queued> queued_;
};

}  // namespace nats_sdk::testing
