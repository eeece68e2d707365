#pragma once
// Host: the plugin's view of the kernel, a C++ wrapper over nmk_host_api.
//
// Every call that can fail throws nats_sdk::Error carrying the kernel's status; the
// trampolines (entry.hpp, callback boxes) turn exceptions into error returns and logs,
// so nothing is thrown across the ABI. Callables handed to the host (subscriptions,
// timers, posted tasks, HTTP handlers) stay inside the plugin; only plain C function
// pointers and a void* cross.
//
// Threads: callbacks run on kernel I/O threads and must not block; send blocking work
// (disk, network look-ups) to post_blocking().

#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/auth.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/format.hpp"
#include "nats_sdk/http.hpp"
#include "nats_sdk/link.hpp"
#include "nats_sdk/message.hpp"
#include "nats_sdk/metric.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/subscription.hpp"
#include "nats_sdk/timer.hpp"
#include "nats_sdk/version.hpp"

namespace nats_sdk {

enum class LogLevel {
    trace = NMK_LOG_TRACE,
    debug = NMK_LOG_DEBUG,
    info = NMK_LOG_INFO,
    warn = NMK_LOG_WARN,
    error = NMK_LOG_ERROR,
};

struct SubscribeOptions {
    std::string_view queue{};    // empty: every subscriber gets every message
    std::string_view account{};  // empty: the global account "$G"
};

namespace detail {

template <class Fn>
struct http_box final : box_base {
    http_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}

    static void call(void* user, const nmk_http_request* request, const nmk_http_response_writer* writer) noexcept {
        auto* self = static_cast<http_box*>(user);
        const HttpResponse response(*writer);
        bool failed = true;
        call_in_frame(self, "HTTP handler", [&] {
            self->fn(HttpRequest(*request), response);
            failed = false;
        });
        if (failed) {
            response.set_status(500);
        }
    }

    Fn fn;
};

struct link_box final : box_base {
    link_box(const nmk_host_api* host_api, LinkHandler& link_handler)
        : box_base(host_api), handler(&link_handler),
          table{sizeof(nmk_link_callbacks), this, &link_box::local_interest, &link_box::message} {}

    static void local_interest(void* self, const nmk_interest* interest, int added) noexcept {
        auto* box = static_cast<link_box*>(self);
        call_in_frame(box, "link interest callback",
                      [&] { box->handler->on_local_interest(Interest::from(*interest), added != 0); });
    }
    static void message(void* self, std::uint64_t remote_interest_id, const nmk_message* raw) noexcept {
        auto* box = static_cast<link_box*>(self);
        call_in_frame(box, "link message callback",
                      [&] { box->handler->on_message(remote_interest_id, Message(*raw)); });
    }

    LinkHandler* handler;
    nmk_link_callbacks table;
};

// Collects what the kernel writes through a response writer.
struct string_writer {
    std::string body;
    int status = 200;
    std::string content_type;

    nmk_http_response_writer writer() noexcept {
        return nmk_http_response_writer{this, &string_writer::set_status, &string_writer::set_content_type,
                                        &string_writer::append_body};
    }
    static void set_status(void* ctx, int status) noexcept { static_cast<string_writer*>(ctx)->status = status; }
    static void set_content_type(void* ctx, nmk_str type) noexcept {
        try {
            static_cast<string_writer*>(ctx)->content_type.assign(to_view(type));
        } catch (...) {
        }
    }
    static void append_body(void* ctx, nmk_str bytes) noexcept {
        try {
            static_cast<string_writer*>(ctx)->body.append(to_view(bytes));
        } catch (...) {
        }
    }
};

}  // namespace detail

class Host {
public:
    // OWNERSHIP: `api` is the kernel's and lives until the plugin's destroy() returns.
    Host(const nmk_host_api* api, std::string_view plugin_name) : api_(api), plugin_name_(plugin_name) {}
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    const nmk_host_api& api() const noexcept { return *api_; }
    std::string_view plugin_name() const noexcept { return plugin_name_; }
    std::uint16_t kernel_sdk_major() const noexcept { return api_->sdk_major; }
    std::uint16_t kernel_sdk_minor() const noexcept { return api_->sdk_minor; }

    // Whether the kernel's table has `member` (e.g. &nmk_host_api::query_json): members
    // added by a minor version newer than the kernel's are absent.
    template <class Member>
    bool has(Member nmk_host_api::*member) const noexcept {
        return has_member(*api_, member);
    }

    // ------------------------------------------------------------------ logging

    void log(LogLevel level, std::string_view message) const noexcept {
        api_->log(api_->host, static_cast<nmk_log_level>(level), to_nmk(message));
    }
    // "{}" patterns, checked at compile time (nats_sdk/format.hpp): a format spec such as
    // "{:.0f}" or a "{}" count that differs from the argument count does not compile.
    template <class... Args>
    void trace(format_string<Args...> pattern, const Args&... args) const {
        log(LogLevel::trace, format(pattern, args...));
    }
    template <class... Args>
    void debug(format_string<Args...> pattern, const Args&... args) const {
        log(LogLevel::debug, format(pattern, args...));
    }
    template <class... Args>
    void info(format_string<Args...> pattern, const Args&... args) const {
        log(LogLevel::info, format(pattern, args...));
    }
    template <class... Args>
    void warn(format_string<Args...> pattern, const Args&... args) const {
        log(LogLevel::warn, format(pattern, args...));
    }
    template <class... Args>
    void error(format_string<Args...> pattern, const Args&... args) const {
        log(LogLevel::error, format(pattern, args...));
    }

    // ---------------------------------------------------------------- messages

    void publish(const OutMessage& message) const {
        const nmk_message raw = message.raw();
        detail::check_status(api_->publish(api_->host, &raw), "publish", message.subject);
    }
    void publish(std::string_view subject, std::string_view payload, std::string_view reply = {}) const {
        publish(OutMessage{subject, payload, reply});
    }
    // Answers a request on its reply subject, in its account. False when it has no reply subject.
    bool respond(const Message& request, std::string_view payload) const {
        if (request.reply().empty()) {
            return false;
        }
        publish(OutMessage{request.reply(), payload, {}, {}, request.account()});
        return true;
    }

    // `callback(const Message&)` runs on a kernel thread for each message.
    template <class Fn>
        requires std::invocable<Fn&, const Message&>
    [[nodiscard]] Subscription subscribe(std::string_view subject, Fn&& callback, SubscribeOptions options = {}) const {
        using box_type = detail::message_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        detail::check_status(api_->subscribe(api_->host, to_nmk(options.account), to_nmk(subject),
                                             to_nmk(options.queue), &box_type::call, box.get(), &id),
                             "subscribe", subject);
        return Subscription(api_, id, box.release());
    }

    // ------------------------------------------------------------------ timers

    // First run after `delay`, then every `repeat` (zero: once).
    template <class Fn>
        requires std::invocable<Fn&>
    [[nodiscard]] Timer set_timer(std::chrono::milliseconds delay, std::chrono::milliseconds repeat, Fn&& callback) const {
        using box_type = detail::task_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        const std::uint64_t id = api_->set_timer(api_->host, to_ms(delay), to_ms(repeat), &box_type::call, box.get());
        if (id == 0) {
            throw Error("set_timer failed");
        }
        return Timer(api_, id, box.release());
    }
    template <class Fn>
        requires std::invocable<Fn&>
    [[nodiscard]] Timer every(std::chrono::milliseconds period, Fn&& callback) const {
        return set_timer(period, period, std::forward<Fn>(callback));
    }
    template <class Fn>
        requires std::invocable<Fn&>
    [[nodiscard]] Timer after(std::chrono::milliseconds delay, Fn&& callback) const {
        return set_timer(delay, std::chrono::milliseconds(0), std::forward<Fn>(callback));
    }

    // Short work soon on an I/O thread. Tasks still queued when the plugin stops are
    // dropped by the kernel and freed at destroy.
    template <class Fn>
        requires std::invocable<Fn&>
    void post(Fn&& task) {
        api_->post(api_->host, &task_type<Fn>::call_once, track(std::forward<Fn>(task)));
    }
    // Blocking work (disk, network look-ups) on the worker pool.
    template <class Fn>
        requires std::invocable<Fn&>
    void post_blocking(Fn&& task) {
        api_->post_blocking(api_->host, &task_type<Fn>::call_once, track(std::forward<Fn>(task)));
    }

    // ------------------------------------------------------------ environment

    // The plugin's own data directory, created on demand. Valid until destroy().
    std::string_view data_dir() const noexcept { return to_view(api_->data_dir(api_->host)); }

    // Kernel state as JSON text in nats-server's monitoring shapes: topic "varz",
    // "connz", "subsz", "accountz" or "accstatz", the host's "pluginz" and "metricz", or
    // "http" ("GET /path?query"); args a query string such as "subs=1&limit=10".
    // sdk/README.md lists each topic's arguments.
    std::string query(std::string_view topic, std::string_view args = {}) const {
        detail::string_writer out;
        const nmk_http_response_writer writer = out.writer();
        detail::check_status(api_->query_json(api_->host, to_nmk(topic), to_nmk(args), &writer), "query_json", topic);
        return std::move(out.body);
    }
    nlohmann::json query_json(std::string_view topic, std::string_view args = {}) const {
        return nlohmann::json::parse(query(topic, args));
    }

    // ----------------------------------------------------------------- metrics

    Metric counter(std::string_view name, std::string_view help) const { return metric(name, help, NMK_METRIC_COUNTER); }
    Metric gauge(std::string_view name, std::string_view help) const { return metric(name, help, NMK_METRIC_GAUGE); }

    // -------------------------------------------------------------- registries

    // OWNERSHIP: `table` must live until the plugin's stop() has returned.
    void register_authenticator(std::string_view name, const nmk_authenticator& table) const {
        detail::check_status(api_->register_authenticator(api_->host, to_nmk(name), &table),
                             "register_authenticator", name);
    }
    void complete_auth(std::uint64_t pending_handle, const AuthResult& result) const {
        nmk_auth_result raw{};
        raw.struct_size = sizeof(nmk_auth_result);
        std::string permissions_text;
        detail::write_auth_result(result, raw, permissions_text);
        detail::check_status(api_->complete_auth(api_->host, pending_handle, &raw), "complete_auth");
    }

    // `handler(const HttpRequest&, const HttpResponse&)`; the Host keeps it until destroy().
    template <class Fn>
        requires std::invocable<Fn&, const HttpRequest&, const HttpResponse&>
    void register_http_endpoint(std::string_view path, Fn&& handler) {
        using box_type = detail::http_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(handler));
        auto* raw = box.get();
        keep(std::move(box));
        detail::check_status(api_->register_http_endpoint(api_->host, to_nmk(path), &box_type::call, raw),
                             "register_http_endpoint", path);
    }

    // OWNERSHIP: `handler` must live until the plugin's stop() has returned.
    Link register_link(std::string_view name, LinkHandler& handler) {
        auto box = std::make_unique<detail::link_box>(api_, handler);
        const nmk_link_callbacks* table = &box->table;
        keep(std::move(box));
        std::uint64_t id = 0;
        detail::check_status(api_->register_link(api_->host, to_nmk(name), table, &id), "register_link", name);
        return Link(api_, id);
    }

    // Extension kinds: a plugin declares a kind, others register implementations (a
    // table whose first member is its uint32_t struct_size).
    void declare_kind(std::string_view kind, std::uint32_t kind_version) const {
        detail::check_status(api_->declare_kind(api_->host, to_nmk(kind), kind_version), "declare_kind", kind);
    }
    // OWNERSHIP: `table` must live until the plugin's stop() has returned.
    template <sized_table Table>
    void register_extension(std::string_view kind, std::string_view name, const Table& table) const {
        static_assert(offsetof(Table, struct_size) == 0, "an extension table starts with its struct_size");
        detail::check_status(api_->register_extension(api_->host, to_nmk(kind), to_nmk(name), &table),
                             "register_extension", name);
    }
    // nullptr when nothing of that kind and name is registered. Check the table's
    // struct_size (has_member) before using members newer than the kind's first version.
    template <sized_table Table>
    const Table* find_extension(std::string_view kind, std::string_view name) const {
        return static_cast<const Table*>(api_->find_extension(api_->host, to_nmk(kind), to_nmk(name)));
    }

private:
    static std::uint64_t to_ms(std::chrono::milliseconds d) noexcept {
        return d.count() <= 0 ? 0 : static_cast<std::uint64_t>(d.count());
    }

    Metric metric(std::string_view name, std::string_view help, nmk_metric_type type) const {
        const std::uint64_t id = api_->metric_register(api_->host, to_nmk(name), to_nmk(help), type);
        if (id == 0) {
            throw Error("metric_register '" + std::string(name) + "' failed");
        }
        return Metric(api_, id);
    }

    template <class Fn>
    using task_type = detail::task_box<std::decay_t<Fn>>;

    template <class Fn>
    void* track(Fn&& task) {
        auto box = std::make_unique<task_type<Fn>>(api_, std::forward<Fn>(task), &tasks_);
        tasks_.add(box.get());
        return box.release();
    }

    void keep(std::unique_ptr<detail::box_base> box) {
        const std::lock_guard lock(kept_mutex_);
        kept_.push_back(std::move(box));
    }

    const nmk_host_api* api_;
    std::string plugin_name_;
    std::mutex kept_mutex_;
    std::vector<std::unique_ptr<detail::box_base>> kept_;  // HTTP handlers, link tables
    detail::task_tracker tasks_;                           // posted tasks not yet run
};

}  // namespace nats_sdk
