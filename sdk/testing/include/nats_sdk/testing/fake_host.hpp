#pragma once
// FakeHost: an nmk_host_api that records what a plugin does, for tests without a server.
//
// It behaves like the kernel where a plugin can tell: ids are unique and non-zero,
// subjects are checked, a subscription or timer is never called once it was
// cancelled, one-shot timers end after they fire, posted tasks run in order. Nothing
// runs on its own: the test drives it with deliver(), fire_timers(), run_tasks() and
// http(). Any thread may call it. Misuse (an id the host never gave out, a metric that
// does not exist) is recorded in misuse() instead of crashing.
//
// The parts, one job each: fake_records.hpp (what is recorded), fake_bus.hpp
// (subscriptions, routing, interest), fake_clients.hpp (fake clients and their
// watches), fake_messaging.hpp (the SDK 1.1 messaging calls and SDK 1.2's
// publish_deliver / publish_deliver_batch, messaging()) and
// fake_sdk11.hpp (accounts, executors, versioned kinds, sdk11()). This file is the
// SDK 1.0 table and the test's handle on all of it.

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <unistd.h>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/subject.hpp"
#include "nats_sdk/testing/fake_bus.hpp"
#include "nats_sdk/testing/fake_clients.hpp"
#include "nats_sdk/testing/fake_messaging.hpp"
#include "nats_sdk/testing/fake_records.hpp"
#include "nats_sdk/testing/fake_sdk11.hpp"

namespace nats_sdk::testing {

class FakeHost {
public:
    // `data_dir`: what data_dir() reports; empty: a fresh temporary directory, created
    // on first use and removed with the FakeHost.
    explicit FakeHost(std::string data_dir = {}) : data_dir_(std::move(data_dir)) {
        api_.struct_size = sizeof(nmk_host_api);
        api_.sdk_major = NMK_SDK_VERSION_MAJOR;
        api_.sdk_minor = NMK_SDK_VERSION_MINOR;
        api_.host = this;
        api_.log = &FakeHost::log_entry;
        api_.publish = &FakeHost::publish_entry;
        api_.subscribe = &FakeHost::subscribe_entry;
        api_.unsubscribe = &FakeHost::unsubscribe_entry;
        api_.set_timer = &FakeHost::set_timer_entry;
        api_.cancel_timer = &FakeHost::cancel_timer_entry;
        api_.post = &FakeHost::post_entry;
        api_.post_blocking = &FakeHost::post_blocking_entry;
        api_.data_dir = &FakeHost::data_dir_entry;
        api_.metric_register = &FakeHost::metric_register_entry;
        api_.metric_add = &FakeHost::metric_add_entry;
        api_.metric_set = &FakeHost::metric_set_entry;
        api_.query_json = &FakeHost::query_json_entry;
        api_.register_authenticator = &FakeHost::register_authenticator_entry;
        api_.complete_auth = &FakeHost::complete_auth_entry;
        api_.register_http_endpoint = &FakeHost::register_http_endpoint_entry;
        api_.register_link = &FakeHost::register_link_entry;
        api_.add_remote_interest = &FakeHost::add_remote_interest_entry;
        api_.remove_remote_interest = &FakeHost::remove_remote_interest_entry;
        api_.link_publish = &FakeHost::link_publish_entry;
        api_.declare_kind = &FakeHost::declare_kind_entry;
        api_.register_extension = &FakeHost::register_extension_entry;
        api_.find_extension = &FakeHost::find_extension_entry;
        sdk11_.install<FakeHost>(api_);      // SDK 1.1: accounts, executors, versioned kinds
        messaging_.install<FakeHost>(api_);  // SDK 1.1: messages, interest and clients; SDK 1.2: deliver subjects
        for (const char* topic : {"varz", "connz", "subsz", "accountz"}) {
            query_results_[topic] = "{}";
        }
    }
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;
    ~FakeHost() {
        if (owns_data_dir_) {
            std::error_code ignored;
            std::filesystem::remove_all(data_dir_, ignored);
        }
    }

    const nmk_host_api* api() const noexcept { return &api_; }
    // SDK 1.1 accounts, executors and versioned kinds (fake_sdk11.hpp).
    FakeSdk11& sdk11() noexcept { return sdk11_; }
    const FakeSdk11& sdk11() const noexcept { return sdk11_; }
    static FakeSdk11& sdk11_of(void* host) noexcept { return self(host).sdk11_; }
    static bool declared_kind(void* host, std::string_view kind, std::uint32_t& version) {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        const auto it = h.kinds_.find(std::string(kind));
        if (it != h.kinds_.end()) version = it->second;
        return it != h.kinds_.end();
    }
    // SDK 1.1 messaging (fake_messaging.hpp) and the fake clients (fake_clients.hpp).
    FakeMessaging& messaging() noexcept { return messaging_; }
    FakeClients& clients() noexcept { return clients_; }
    static FakeMessaging& messaging_of(void* host) noexcept { return self(host).messaging_; }
    // What fail() set for `operation`, if anything.
    static std::optional<nmk_status> injected_failure(void* host, std::string_view operation) {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        return h.failure(operation);
    }
    // For tests of version and size checks: change before handing api() to a plugin.
    nmk_host_api& mutable_api() noexcept { return api_; }

    // Makes `operation` ("publish", "subscribe", "register_authenticator", "set_timer",
    // "metric_register", ... any host call with a status or id) fail from now on.
    void fail(std::string operation, nmk_status status = NMK_ERROR) {
        const std::lock_guard lock(mutex_);
        failures_[std::move(operation)] = status;
    }
    void set_query_result(std::string topic, std::string json) {
        const std::lock_guard lock(mutex_);
        query_results_[std::move(topic)] = std::move(json);
    }
    // Makes find_extension() return `table` for (kind, name), as if another plugin registered it.
    void add_extension(std::string kind, std::string name, const void* table) {
        const std::lock_guard lock(mutex_);
        extensions_.push_back(ExtensionRecord{std::move(kind), std::move(name), table});
    }

    // ------------------------------------------------------------- driving

    // Calls every active subscription matching `subject` in `account` (empty: "$G");
    // returns how many were called. Queue groups each get the message once. The fake
    // clients' subscriptions get it too (fake_bus.hpp).
    std::size_t deliver(std::string_view subject, std::string_view payload, std::string_view reply = {},
                        std::string_view account = {}, std::string_view headers = {}) {
        return deliver(FakeDelivery{account, subject, reply, headers, payload, 0});
    }
    // The same with every field, e.g. the publishing client's id that subscribe_ex sees.
    std::size_t deliver(const FakeDelivery& message) { return messaging_.route(message, false, false).plugin_calls; }

    // Fires every active timer once (one-shot timers end); returns how many fired.
    std::size_t fire_timers() {
        std::vector<std::uint64_t> ids;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& timer : timers_) {
                if (timer.active) {
                    ids.push_back(timer.id);
                }
            }
        }
        std::size_t fired = 0;
        for (const auto id : ids) {
            fired += fire_timer(id) ? 1 : 0;
        }
        return fired;
    }

    bool fire_timer(std::uint64_t id) {
        nmk_task_callback callback = nullptr;
        void* user = nullptr;
        {
            const std::lock_guard lock(mutex_);
            auto* timer = find_timer(id);
            if (timer == nullptr || !timer->active) {
                return false;
            }
            callback = timer->callback;
            user = timer->user;
            ++timer->fired;
            if (timer->repeat_ms == 0) {
                timer->active = false;
            }
        }
        callback(user);
        return true;
    }

    // Runs posted and blocking tasks in order, including those they post, up to `limit`.
    std::size_t run_tasks(std::size_t limit = 100000) {
        std::size_t ran = 0;
        while (ran < limit) {
            std::pair<nmk_task_callback, void*> task;
            {
                const std::lock_guard lock(mutex_);
                if (tasks_.empty()) {
                    break;
                }
                task = tasks_.front();
                tasks_.pop_front();
            }
            task.first(task.second);
            ++ran;
        }
        return ran;
    }
    std::size_t pending_tasks() const {
        const std::lock_guard lock(mutex_);
        return tasks_.size();
    }

    // Calls the handler registered for `path`; 404 when there is none.
    HttpAnswer http(std::string_view path, std::string_view method = "GET", std::string_view query = {},
                    std::string_view body = {}) {
        nmk_http_handler handler = nullptr;
        void* user = nullptr;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& endpoint : http_endpoints_) {
                if (endpoint.path == path) {
                    handler = endpoint.handler;
                    user = endpoint.user;
                }
            }
        }
        HttpAnswer answer;
        if (handler == nullptr) {
            answer.status = 404;
            return answer;
        }
        const nmk_http_request request{to_nmk(method), to_nmk(path), to_nmk(query), to_nmk(body)};
        const nmk_http_response_writer writer{&answer, &http_set_status, &http_set_content_type, &http_append};
        handler(user, &request, &writer);
        return answer;
    }

    // ------------------------------------------------------------- records

    std::vector<LogRecord> logs() const { return copy(logs_); }
    std::vector<PublishRecord> published() const { return bus_.published(); }
    std::vector<SubscriptionRecord> subscriptions() const { return bus_.subscriptions(false); }
    std::vector<SubscriptionRecord> active_subscriptions() const { return bus_.subscriptions(true); }
    std::vector<TimerRecord> timers() const { return copy(timers_); }
    std::vector<TimerRecord> active_timers() const {
        const std::lock_guard lock(mutex_);
        std::vector<TimerRecord> out;
        for (const auto& timer : timers_) {
            if (timer.active) {
                out.push_back(timer);
            }
        }
        return out;
    }
    std::vector<MetricRecord> metrics() const { return copy(metrics_); }
    std::optional<MetricRecord> metric(std::string_view name) const {
        const std::lock_guard lock(mutex_);
        for (const auto& m : metrics_) {
            if (m.name == name) {
                return m;
            }
        }
        return std::nullopt;
    }
    std::vector<HttpEndpointRecord> http_endpoints() const { return copy(http_endpoints_); }
    std::vector<AuthenticatorRecord> authenticators() const { return copy(authenticators_); }
    std::vector<LinkRecord> links() const { return copy(links_); }
    std::vector<RemoteInterestRecord> remote_interests() const { return copy(remote_interests_); }
    std::vector<ExtensionRecord> extensions() const { return copy(extensions_); }
    std::map<std::string, std::uint32_t> declared_kinds() const {
        const std::lock_guard lock(mutex_);
        return kinds_;
    }
    std::vector<CompletedAuth> completed_auths() const { return copy(completed_auths_); }
    std::optional<CompletedAuth> completed_auth(std::uint64_t handle) const {
        const std::lock_guard lock(mutex_);
        for (const auto& c : completed_auths_) {
            if (c.handle == handle) {
                return c;
            }
        }
        return std::nullopt;
    }
    std::vector<std::string> misuse() const { return copy(misuse_); }

    // Whether a log line at `level` or above contains `needle`.
    bool logged(std::string_view needle, nmk_log_level level = NMK_LOG_TRACE) const {
        const std::lock_guard lock(mutex_);
        for (const auto& line : logs_) {
            if (line.level >= level && line.text.find(needle) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    void clear_published() { bus_.clear_published(); }

private:
    static FakeHost& self(void* host) noexcept { return *static_cast<FakeHost*>(host); }

    static std::string_view normal_account(std::string_view account) noexcept {
        return FakeBus::normal_account(account);
    }

    template <class T>
    std::vector<T> copy(const std::vector<T>& records) const {
        const std::lock_guard lock(mutex_);
        return records;
    }

    // Under mutex_.
    std::optional<nmk_status> failure(std::string_view operation) const {
        const auto it = failures_.find(std::string(operation));
        return it == failures_.end() ? std::nullopt : std::optional<nmk_status>(it->second);
    }
    void note_misuse(std::string text) { misuse_.push_back(std::move(text)); }
    TimerRecord* find_timer(std::uint64_t id) {
        for (auto& timer : timers_) {
            if (timer.id == id) {
                return &timer;
            }
        }
        return nullptr;
    }
    MetricRecord* find_metric(std::uint64_t id) {
        for (auto& m : metrics_) {
            if (m.id == id) {
                return &m;
            }
        }
        return nullptr;
    }

    // ----------------------------------------------- the nmk_host_api entries

    static void log_entry(void* host, nmk_log_level level, nmk_str message) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        h.logs_.push_back(LogRecord{level, std::string(to_view(message))});
    }

    static nmk_status publish_entry(void* host, const nmk_message* message) noexcept {
        auto& h = self(host);
        {
            const std::lock_guard lock(h.mutex_);
            if (auto f = h.failure("publish")) {
                return *f;
            }
        }
        const std::string_view reply = message == nullptr ? std::string_view() : to_view(message->reply);
        if (message == nullptr || !nats_sdk::subject::is_valid_publish_subject(to_view(message->subject)) ||
            (!reply.empty() && !nats_sdk::subject::is_valid_publish_subject(reply))) {
            return NMK_INVALID_ARGUMENT;
        }
        // Recorded only: a test delivers what it wants with deliver() (publish_ex routes).
        h.bus_.record(PublishRecord{std::string(to_view(message->account)), std::string(to_view(message->subject)),
                                    std::string(to_view(message->reply)), std::string(to_view(message->headers)),
                                    std::string(to_view(message->payload))});
        return NMK_OK;
    }

    static nmk_status subscribe_entry(void* host, nmk_str account, nmk_str subject, nmk_str queue,
                                      nmk_message_callback callback, void* user, std::uint64_t* subscription_id) noexcept {
        auto& h = self(host);
        {
            const std::lock_guard lock(h.mutex_);
            if (auto f = h.failure("subscribe")) {
                return *f;
            }
        }
        if (callback == nullptr || subscription_id == nullptr ||
            !nats_sdk::subject::is_valid_subject(to_view(subject))) {
            return NMK_INVALID_ARGUMENT;
        }
        // Outside mutex_: interest watches may be called.
        *subscription_id = h.bus_.subscribe(SubscriptionRecord{0, std::string(to_view(account)),
                                                               std::string(to_view(subject)),
                                                               std::string(to_view(queue)), callback, user, true});
        return NMK_OK;
    }

    static nmk_status unsubscribe_entry(void* host, std::uint64_t id) noexcept {
        auto& h = self(host);
        {
            const std::lock_guard lock(h.mutex_);
            if (auto f = h.failure("unsubscribe")) {
                return *f;
            }
        }
        // subscribe() and subscribe_ex() subscriptions alike.
        if (!h.bus_.unsubscribe(id)) {
            const std::lock_guard lock(h.mutex_);
            h.note_misuse("unsubscribe of unknown or ended subscription " + std::to_string(id));
            return NMK_NOT_FOUND;
        }
        return NMK_OK;
    }

    static std::uint64_t set_timer_entry(void* host, std::uint64_t delay_ms, std::uint64_t repeat_ms,
                                         nmk_task_callback callback, void* user) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (h.failure("set_timer") || callback == nullptr) {
            return 0;
        }
        const std::uint64_t id = ++h.next_id_;
        h.timers_.push_back(TimerRecord{id, delay_ms, repeat_ms, callback, user, true, 0});
        return id;
    }

    static void cancel_timer_entry(void* host, std::uint64_t id) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        auto* timer = h.find_timer(id);
        if (timer == nullptr) {
            h.note_misuse("cancel_timer of unknown timer " + std::to_string(id));
            return;
        }
        timer->active = false;  // cancelling a fired one-shot timer is allowed
    }

    static void post_entry(void* host, nmk_task_callback callback, void* user) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        h.tasks_.emplace_back(callback, user);
    }

    static void post_blocking_entry(void* host, nmk_task_callback callback, void* user) noexcept {
        post_entry(host, callback, user);
    }

    static nmk_str data_dir_entry(void* host) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (h.data_dir_.empty()) {
            static std::atomic<unsigned> counter{0};
            h.data_dir_ = (std::filesystem::temp_directory_path() /
                           ("nats_sdk_fake_host_" + std::to_string(::getpid()) + "_" + std::to_string(++counter)))
                              .string();
            h.owns_data_dir_ = true;
        }
        std::error_code ignored;
        std::filesystem::create_directories(h.data_dir_, ignored);
        return to_nmk(h.data_dir_);
    }

    static std::uint64_t metric_register_entry(void* host, nmk_str name, nmk_str help, nmk_metric_type type) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (h.failure("metric_register") || to_view(name).empty()) {
            return 0;
        }
        for (const auto& m : h.metrics_) {
            if (m.name == to_view(name)) {
                h.note_misuse("metric registered twice: " + m.name);
                return m.type == type ? m.id : 0;
            }
        }
        const std::uint64_t id = ++h.next_id_;
        h.metrics_.push_back(MetricRecord{id, std::string(to_view(name)), std::string(to_view(help)), type, 0});
        return id;
    }

    static void metric_add_entry(void* host, std::uint64_t id, std::int64_t delta) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto* m = h.find_metric(id)) {
            m->value += delta;
        } else {
            h.note_misuse("metric_add on unknown metric " + std::to_string(id));
        }
    }

    static void metric_set_entry(void* host, std::uint64_t id, std::int64_t value) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto* m = h.find_metric(id)) {
            m->value = value;
        } else {
            h.note_misuse("metric_set on unknown metric " + std::to_string(id));
        }
    }

    static nmk_status query_json_entry(void* host, nmk_str topic, nmk_str, const nmk_http_response_writer* out) noexcept {
        auto& h = self(host);
        std::string text;
        {
            const std::lock_guard lock(h.mutex_);
            if (auto f = h.failure("query_json")) {
                return *f;
            }
            const auto it = h.query_results_.find(std::string(to_view(topic)));
            if (it == h.query_results_.end()) {
                return NMK_NOT_FOUND;
            }
            text = it->second;
        }
        out->set_status(out->ctx, 200);
        out->set_content_type(out->ctx, to_nmk("application/json"));
        out->append_body(out->ctx, to_nmk(text));
        return NMK_OK;
    }

    static nmk_status register_authenticator_entry(void* host, nmk_str name, const nmk_authenticator* table) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("register_authenticator")) {
            return *f;
        }
        if (table == nullptr || table->struct_size < sizeof(nmk_authenticator) || table->authenticate == nullptr ||
            table->needs_nonce == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        for (const auto& a : h.authenticators_) {
            if (a.name == to_view(name)) {
                return NMK_INVALID_ARGUMENT;
            }
        }
        h.authenticators_.push_back(AuthenticatorRecord{std::string(to_view(name)), table});
        return NMK_OK;
    }

    static nmk_status complete_auth_entry(void* host, std::uint64_t handle, const nmk_auth_result* result) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("complete_auth")) {
            return *f;
        }
        if (result == nullptr || result->struct_size < sizeof(nmk_auth_result)) {
            return NMK_INVALID_ARGUMENT;
        }
        h.completed_auths_.push_back(CompletedAuth{handle, result->decision, std::string(to_view(result->account)),
                                                   std::string(to_view(result->user)),
                                                   std::string(to_view(result->permissions_json)),
                                                   std::string(to_view(result->deny_reason)), result->max_payload,
                                                   result->max_subscriptions});
        return NMK_OK;
    }

    static nmk_status register_http_endpoint_entry(void* host, nmk_str path, nmk_http_handler handler, void* user) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("register_http_endpoint")) {
            return *f;
        }
        if (handler == nullptr || to_view(path).empty() || to_view(path).front() != '/') {
            return NMK_INVALID_ARGUMENT;
        }
        h.http_endpoints_.push_back(HttpEndpointRecord{std::string(to_view(path)), handler, user});
        return NMK_OK;
    }

    static nmk_status register_link_entry(void* host, nmk_str name, const nmk_link_callbacks* callbacks,
                                          std::uint64_t* link_id) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("register_link")) {
            return *f;
        }
        if (callbacks == nullptr || link_id == nullptr || callbacks->struct_size < sizeof(nmk_link_callbacks)) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::uint64_t id = ++h.next_id_;
        h.links_.push_back(LinkRecord{id, std::string(to_view(name)), callbacks});
        *link_id = id;
        return NMK_OK;
    }

    bool has_link(std::uint64_t id) const {
        for (const auto& link : links_) {
            if (link.id == id) {
                return true;
            }
        }
        return false;
    }

    static nmk_status add_remote_interest_entry(void* host, std::uint64_t link_id, const nmk_interest* interest,
                                                std::uint64_t* remote_interest_id) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("add_remote_interest")) {
            return *f;
        }
        if (!h.has_link(link_id)) {
            h.note_misuse("add_remote_interest on unknown link " + std::to_string(link_id));
            return NMK_NOT_FOUND;
        }
        if (interest == nullptr || remote_interest_id == nullptr ||
            !nats_sdk::subject::is_valid_subject(to_view(interest->subject))) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::uint64_t id = ++h.next_id_;
        h.remote_interests_.push_back(RemoteInterestRecord{
            link_id, id, std::string(normal_account(to_view(interest->account))), std::string(to_view(interest->subject)),
            std::string(to_view(interest->queue)), interest->weight, true});
        *remote_interest_id = id;
        return NMK_OK;
    }

    static nmk_status remove_remote_interest_entry(void* host, std::uint64_t link_id, std::uint64_t id) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        for (auto& interest : h.remote_interests_) {
            if (interest.link_id == link_id && interest.id == id && interest.active) {
                interest.active = false;
                return NMK_OK;
            }
        }
        h.note_misuse("remove_remote_interest of unknown interest " + std::to_string(id));
        return NMK_NOT_FOUND;
    }

    static nmk_status link_publish_entry(void* host, std::uint64_t link_id, const nmk_message* message) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("link_publish")) {
            return *f;
        }
        if (!h.has_link(link_id)) {
            h.note_misuse("link_publish on unknown link " + std::to_string(link_id));
            return NMK_NOT_FOUND;
        }
        if (message == nullptr || !nats_sdk::subject::is_valid_publish_subject(to_view(message->subject))) {
            return NMK_INVALID_ARGUMENT;
        }
        h.bus_.record(PublishRecord{std::string(to_view(message->account)), std::string(to_view(message->subject)),
                                    std::string(to_view(message->reply)), std::string(to_view(message->headers)),
                                    std::string(to_view(message->payload)), link_id, "link_publish"});
        return NMK_OK;
    }

    static nmk_status declare_kind_entry(void* host, nmk_str kind, std::uint32_t version) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("declare_kind")) {
            return *f;
        }
        if (to_view(kind).empty() || !h.kinds_.emplace(std::string(to_view(kind)), version).second) {
            return NMK_INVALID_ARGUMENT;
        }
        return NMK_OK;
    }

    static nmk_status register_extension_entry(void* host, nmk_str kind, nmk_str name, const void* table) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        if (auto f = h.failure("register_extension")) {
            return *f;
        }
        if (table == nullptr || to_view(kind).empty() || to_view(name).empty()) {
            return NMK_INVALID_ARGUMENT;
        }
        h.extensions_.push_back(ExtensionRecord{std::string(to_view(kind)), std::string(to_view(name)), table});
        return NMK_OK;
    }

    static const void* find_extension_entry(void* host, nmk_str kind, nmk_str name) noexcept {
        auto& h = self(host);
        const std::lock_guard lock(h.mutex_);
        for (const auto& e : h.extensions_) {
            if (e.kind == to_view(kind) && e.name == to_view(name)) {
                return e.table;
            }
        }
        return nullptr;
    }

    static void http_set_status(void* ctx, int status) noexcept { static_cast<HttpAnswer*>(ctx)->status = status; }
    static void http_set_content_type(void* ctx, nmk_str type) noexcept {
        static_cast<HttpAnswer*>(ctx)->content_type.assign(to_view(type));
    }
    static void http_append(void* ctx, nmk_str bytes) noexcept { static_cast<HttpAnswer*>(ctx)->body.append(to_view(bytes)); }

    nmk_host_api api_{};
    mutable std::mutex mutex_;
    std::atomic<std::uint64_t> next_id_{0};  // every id the fake gives out, but sdk11()'s
    std::string data_dir_;
    bool owns_data_dir_ = false;
    std::map<std::string, nmk_status, std::less<>> failures_;
    std::map<std::string, std::string> query_results_;
    std::vector<LogRecord> logs_;
    std::vector<TimerRecord> timers_;
    std::vector<MetricRecord> metrics_;
    std::vector<HttpEndpointRecord> http_endpoints_;
    std::vector<AuthenticatorRecord> authenticators_;
    std::vector<LinkRecord> links_;
    std::vector<RemoteInterestRecord> remote_interests_;
    std::vector<ExtensionRecord> extensions_;
    std::map<std::string, std::uint32_t> kinds_;
    std::vector<CompletedAuth> completed_auths_;
    std::deque<std::pair<nmk_task_callback, void*>> tasks_;
    std::vector<std::string> misuse_;
    FakeSdk11 sdk11_;
    FakeBus bus_{next_id_};
    FakeClients clients_{next_id_, bus_};
    FakeMessaging messaging_{bus_, clients_, sdk11_,
                             [this](nmk_task_callback callback, void* user) { post_entry(this, callback, user); }};
};

}  // namespace nats_sdk::testing
