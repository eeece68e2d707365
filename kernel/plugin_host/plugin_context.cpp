#include "kernel/plugin_host/plugin_context.hpp"

#include <filesystem>

#include <nats_sdk/subject.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"
#include "kernel/plugin_host/auth_adapter.hpp"
#include "kernel/plugin_host/host_api.hpp"
#include "kernel/plugin_host/query_topics.hpp"
#include "kernel/plugin_host/link_adapter.hpp"
#include "kernel/plugin_host/plugin_executors.hpp"
#include "kernel/plugin_host/plugin_host.hpp"
#include "kernel/plugin_host/plugin_messaging.hpp"
#include "kernel/plugin_host/plugin_timers.hpp"

namespace nats::plugins {

PluginContext::PluginContext(PluginHost& host, std::string name)
    : host_(host), name_(std::move(name)), timers_(std::make_shared<TimerTable>()),
      executors_(std::make_unique<PluginExecutors>(host, name_, gate_)) {
    messaging_ = std::make_unique<PluginMessaging>(host_, name_, gate_, this);
    api_ = make_host_api(this);
}

PluginContext::~PluginContext() { release(); }

bool PluginContext::accepting() const { return !released_.load(std::memory_order_acquire); }

server::IoThread* PluginContext::pick_thread() {
    auto& server = host_.server();
    if (server.thread_count() == 0) {
        NMK_ERROR("{}: timers and posts are available from start() on", name_);
        return nullptr;
    }
    return &server.next_thread();
}

void PluginContext::release() {
    // Queued executor work is drained, not dropped: while the plugin can still
    // publish and before its gate shuts. Idempotent.
    executors_->release();
    std::unordered_map<std::uint64_t, Subscription> subscriptions;
    std::vector<std::shared_ptr<AuthAdapter>> authenticators;
    std::unordered_map<std::uint64_t, std::shared_ptr<LinkAdapter>> links;
    {
        std::lock_guard lock(mutex_);
        if (released_) return;
        released_ = true;
        subscriptions.swap(subscriptions_);
        authenticators.swap(authenticators_);
        links.swap(links_);
    }
    gate_->close();
    messaging_->release();
    host_.account_watches().remove_owner(name_);
    auto& server = host_.server();
    for (auto& a : authenticators) server.remove_authenticator(a.get());
    for (auto& [id, link] : links) {
        server.remove_interest_observer(link.get());
        link->release();
    }
    for (auto& [id, s] : subscriptions) {
        server.remove_internal_subscription(s.account, s.subscription);
        s.gate->close();
    }
    {
        std::lock_guard lock(timers_->mutex);
        for (auto& [id, t] : timers_->timers) plugins::cancel_timer(t);
        timers_->timers.clear();
    }
    host_.http().remove_owner(name_);
    host_.extensions().remove_owner(name_);
}

void PluginContext::log(nmk_log_level level, std::string_view message) {
    switch (level) {
        case NMK_LOG_TRACE: NMK_TRACE("{}: {}", name_, message); break;
        case NMK_LOG_DEBUG: NMK_DEBUG("{}: {}", name_, message); break;
        case NMK_LOG_INFO: NMK_INFO("{}: {}", name_, message); break;
        case NMK_LOG_WARN: NMK_WARN("{}: {}", name_, message); break;
        default: NMK_ERROR("{}: {}", name_, message); break;
    }
}

nmk_status PluginContext::publish(const nmk_message& message) {
    const std::string_view subject = view(message.subject);
    if (!nats_sdk::subject::is_valid_publish_subject(subject)) return NMK_INVALID_ARGUMENT;
    const std::string_view reply = view(message.reply);
    if (!reply.empty() && !nats_sdk::subject::is_valid_publish_subject(reply)) return NMK_INVALID_ARGUMENT;
    if (!accepting()) return NMK_ERROR;
    auto& server = host_.server();
    auto account = server.get_or_create_account(view(message.account));
    // Refused off the I/O threads when the hand-off queue is full (Server::handoff_limit).
    return server.publish(account, {subject, reply, view(message.headers), view(message.payload)}) ? NMK_OK
                                                                                                     : NMK_ERROR;
}

nmk_status PluginContext::subscribe(std::string_view account_name, std::string_view subject, std::string_view queue,
                                    nmk_message_callback callback, void* user, std::uint64_t* subscription_id) {
    if (!callback || !nats_sdk::subject::is_valid_subject(subject) || (!queue.empty() && !nats_sdk::subject::is_valid_queue_name(queue)))
        return NMK_INVALID_ARGUMENT;
    auto& server = host_.server();
    auto account = server.get_or_create_account(account_name);
    auto sub_gate = std::make_shared<CallGate>();
    auto sub = std::make_shared<server::InternalSubscription>(
        [gate = gate_, sub_gate, callback, user, acc_name = account->name, plugin = name_](const server::RoutedMessage& m) {
            CallGate::Pass pass(*gate);
            if (!pass) return false;
            CallGate::Pass sub_pass(*sub_gate);
            if (!sub_pass) return false;
            const nmk_message message{to_nmk(acc_name), to_nmk(m.subject), to_nmk(m.reply), to_nmk(m.headers),
                                      to_nmk(m.payload)};
            try {
                callback(user, &message);
            } catch (...) {
                NMK_ERROR("{}: message callback threw an exception", plugin);
            }
            return true;
        });
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->origin = this;  // publish_ex's NMK_PUBLISH_NO_ECHO skips it
    const auto id = host_.next_id();
    {
        std::lock_guard lock(mutex_);
        if (released_) return NMK_ERROR;
        subscriptions_.emplace(id, Subscription{account, sub, sub_gate});
    }
    server.add_internal_subscription(account, sub);
    if (subscription_id) *subscription_id = id;
    return NMK_OK;
}

nmk_status PluginContext::unsubscribe(std::uint64_t subscription_id) {
    Subscription s;
    {
        std::lock_guard lock(mutex_);
        auto it = subscriptions_.find(subscription_id);
        if (it != subscriptions_.end()) {
            s = std::move(it->second);
            subscriptions_.erase(it);
        }
    }
    if (!s.subscription) return messaging_->unsubscribe(subscription_id);  // one of subscribe_ex's, or unknown
    host_.server().remove_internal_subscription(s.account, s.subscription);
    // Match results cached on other threads may still hold it: shut its gate.
    s.gate->close();
    return NMK_OK;
}

std::uint64_t PluginContext::set_timer(std::uint64_t delay_ms, std::uint64_t repeat_ms, nmk_task_callback callback,
                                       void* user) {
    if (!callback || !accepting()) return 0;
    server::IoThread* thread = pick_thread();
    if (!thread) return 0;
    auto t = std::make_shared<PluginTimer>(*thread);
    t->id = host_.next_id();
    t->repeat = std::chrono::milliseconds(repeat_ms);
    t->callback = callback;
    t->user = user;
    t->gate = gate_;
    t->plugin = name_;
    t->table = timers_;
    {
        std::lock_guard lock(timers_->mutex);
        timers_->timers.emplace(t->id, t);
    }
    start_timer(t, std::chrono::milliseconds(delay_ms));
    return t->id;
}

void PluginContext::cancel_timer(std::uint64_t timer_id) {
    std::shared_ptr<PluginTimer> t;
    {
        std::lock_guard lock(timers_->mutex);
        auto it = timers_->timers.find(timer_id);
        if (it == timers_->timers.end()) return;
        t = std::move(it->second);
        timers_->timers.erase(it);
    }
    plugins::cancel_timer(t);
}

void PluginContext::post(nmk_task_callback callback, void* user) {
    if (!callback || !accepting()) return;
    // Posted from an I/O thread, the task runs on that thread once the work in hand is
    // done (the rest of the read that asked for it): a plugin can gather what one read
    // brought and act on it once. From any other thread the I/O threads take turns.
    server::IoThread* thread = host_.server().own_current_thread();
    if (!thread) thread = pick_thread();
    if (!thread) return;
    asio::post(thread->context(), [gate = gate_, callback, user, thread, plugin = name_] {
        {
            CallGate::Pass pass(*gate);
            if (!pass) return;
            try {
                callback(user);
            } catch (...) {
                NMK_ERROR("{}: posted task threw an exception", plugin);
            }
        }
        thread->end_batch();
    });
}

void PluginContext::post_blocking(nmk_task_callback callback, void* user) {
    if (!callback || !accepting()) return;
    host_.blocking_pool().submit([gate = gate_, callback, user, plugin = name_] {
        CallGate::Pass pass(*gate);
        if (!pass) return;
        try {
            callback(user);
        } catch (...) {
            NMK_ERROR("{}: blocking task threw an exception", plugin);
        }
    });
}

nmk_str PluginContext::data_dir() {
    std::lock_guard lock(mutex_);
    if (data_dir_.empty()) {
        namespace fs = std::filesystem;
        auto options = host_.server().options();
        std::error_code ec;
        const fs::path base = options->store_dir.empty() ? fs::temp_directory_path(ec) / "nats" : fs::path(options->store_dir);
        const fs::path dir = base / "plugins" / name_;
        fs::create_directories(dir, ec);
        if (ec) {
            NMK_ERROR("{}: cannot create data directory {}: {}", name_, dir.string(), ec.message());
            return {"", 0};
        }
        data_dir_ = dir.string();
    }
    return to_nmk(data_dir_);
}

nmk_status PluginContext::query_json(std::string_view topic, std::string_view args,
                                     const nmk_http_response_writer* out) {
    if (!out || !out->append_body) return NMK_INVALID_ARGUMENT;
    return answer_query(host_, topic, args, *out);
}

nmk_status PluginContext::register_authenticator(std::string_view name, const nmk_authenticator* authenticator) {
    constexpr std::size_t needed = offsetof(nmk_authenticator, authenticate) + sizeof(authenticator->authenticate);
    if (!authenticator || authenticator->struct_size < needed || !authenticator->authenticate || name.empty())
        return NMK_INVALID_ARGUMENT;
    nmk_authenticator table{};
    std::memcpy(&table, authenticator, std::min<std::size_t>(authenticator->struct_size, sizeof table));
    auto adapter = std::make_shared<AuthAdapter>(std::string(name), name_, table, gate_);
    {
        std::lock_guard lock(mutex_);
        if (released_) return NMK_ERROR;
        authenticators_.push_back(adapter);
    }
    host_.server().add_authenticator(adapter);
    NMK_DEBUG("{}: registered authenticator \"{}\"", name_, name);
    return NMK_OK;
}

nmk_status PluginContext::complete_auth(std::uint64_t pending_handle, const nmk_auth_result* result) {
    if (!result) return NMK_INVALID_ARGUMENT;
    auto converted = convert_auth_result(*result);
    if (converted.decision == server::AuthDecision::pending) return NMK_INVALID_ARGUMENT;
    return host_.server().complete_auth(pending_handle, std::move(converted)) ? NMK_OK : NMK_NOT_FOUND;
}

nmk_status PluginContext::register_http_endpoint(std::string_view path, nmk_http_handler handler, void* user) {
    if (!accepting()) return NMK_ERROR;
    if (!handler || path.empty() || path.front() != '/') return NMK_INVALID_ARGUMENT;
    if (!host_.http().add(path, handler, user, gate_, name_)) {
        NMK_ERROR("{}: HTTP endpoint {} is already registered", name_, path);
        return NMK_ERROR;
    }
    return NMK_OK;
}

nmk_status PluginContext::register_link(std::string_view name, const nmk_link_callbacks* callbacks,
                                        std::uint64_t* link_id) {
    constexpr std::size_t needed = offsetof(nmk_link_callbacks, on_message) + sizeof(callbacks->on_message);
    if (!callbacks || callbacks->struct_size < needed || name.empty()) return NMK_INVALID_ARGUMENT;
    nmk_link_callbacks table{};
    std::memcpy(&table, callbacks, std::min<std::size_t>(callbacks->struct_size, sizeof table));
    const auto id = host_.next_id();
    auto link = std::make_shared<LinkAdapter>(host_.server(), id, std::string(name), name_, table, gate_);
    {
        std::lock_guard lock(mutex_);
        if (released_) return NMK_ERROR;
        links_.emplace(id, link);
    }
    host_.server().add_interest_observer(link);
    if (link_id) *link_id = id;
    return NMK_OK;
}

LinkAdapter* PluginContext::find_link(std::uint64_t link_id) {
    std::lock_guard lock(mutex_);
    auto it = links_.find(link_id);
    return it == links_.end() ? nullptr : it->second.get();
}

nmk_status PluginContext::declare_kind(std::string_view kind, std::uint32_t kind_version) {
    if (!accepting()) return NMK_ERROR;
    switch (host_.extensions().declare_kind(kind, kind_version, name_)) {
        case ExtensionRegistry::Result::ok: return NMK_OK;
        case ExtensionRegistry::Result::duplicate:
            NMK_ERROR("{}: extension kind \"{}\" is already declared by \"{}\"", name_, kind,
                      host_.extensions().kind_owner(kind));
            return NMK_ERROR;
        default: return NMK_INVALID_ARGUMENT;
    }
}

nmk_status PluginContext::register_extension(std::string_view kind, std::string_view name, const void* vtable) {
    if (!accepting()) return NMK_ERROR;
    switch (host_.extensions().add(kind, name, vtable, name_)) {
        case ExtensionRegistry::Result::ok: return NMK_OK;
        case ExtensionRegistry::Result::unknown_kind:
            NMK_ERROR("{}: extension kind \"{}\" is not declared (is its plugin in `requires`?)", name_, kind);
            return NMK_NOT_FOUND;
        case ExtensionRegistry::Result::duplicate:
            NMK_ERROR("{}: extension \"{}\" of kind \"{}\" is already registered", name_, name, kind);
            return NMK_ERROR;
        default: return NMK_INVALID_ARGUMENT;
    }
}

const void* PluginContext::find_extension(std::string_view kind, std::string_view name) {
    return host_.extensions().find(kind, name);
}

}  // namespace nats::plugins
