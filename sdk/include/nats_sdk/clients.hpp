#pragma once
// SDK 1.1 clients: learn when a client goes away, and every client connect and
// disconnect (for $SYS events and monitoring); SDK 1.3: close one (revoked credentials),
// hear about refused logins (NMK_WATCH_AUTH_ERRORS) and each client's round trip.
//
//   nats_sdk::Clients clients(host());
//   auto gone = clients.watch_client(message.client_id(), [](std::uint64_t id) { /* forget id */ });
//   auto all = clients.watch_connections([](const nats_sdk::ConnectionEvent& e) { ... });
//
// Callbacks run on the client's I/O thread and must not block.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/close_reason.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/messaging.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk {

// OWNERSHIP: a view valid only during the callback.
class ConnectionEvent {
public:
    explicit ConnectionEvent(const nmk_connection_event& raw) noexcept : raw_(&raw) {}

    bool connected() const noexcept { return raw_->kind == NMK_CONNECTION_CONNECT; }
    // SDK 1.3: a refused login (only with NMK_WATCH_AUTH_ERRORS); user() is the claimed identity.
    bool auth_error() const noexcept { return raw_->kind == NMK_CONNECTION_AUTH_ERROR; }
    std::uint64_t client_id() const noexcept { return raw_->client_id; }
    std::string_view account() const noexcept { return to_view(raw_->account); }
    std::string_view user() const noexcept { return to_view(raw_->user); }
    std::string_view name() const noexcept { return to_view(raw_->name); }
    std::string_view lang() const noexcept { return to_view(raw_->lang); }
    std::string_view version() const noexcept { return to_view(raw_->version); }
    std::string_view ip() const noexcept { return to_view(raw_->ip); }
    std::uint16_t port() const noexcept { return raw_->port; }
    bool tls() const noexcept { return raw_->tls != 0; }
    std::chrono::system_clock::time_point start() const noexcept { return at(raw_->start_unix_ns); }
    // Disconnect only.
    std::chrono::system_clock::time_point stop() const noexcept { return at(raw_->stop_unix_ns); }
    std::string_view reason() const noexcept { return to_view(raw_->reason); }
    std::uint64_t in_msgs() const noexcept { return raw_->in_msgs; }
    std::uint64_t in_bytes() const noexcept { return raw_->in_bytes; }
    std::uint64_t out_msgs() const noexcept { return raw_->out_msgs; }
    std::uint64_t out_bytes() const noexcept { return raw_->out_bytes; }
    // SDK 1.3: the measured round trip; 0 when unknown or the kernel is older.
    std::chrono::nanoseconds rtt() const noexcept {
        return covers(offsetof(nmk_connection_event, rtt_ns), sizeof raw_->rtt_ns) ? std::chrono::nanoseconds(raw_->rtt_ns)
                                                                                  : std::chrono::nanoseconds(0);
    }
    const nmk_connection_event& raw() const noexcept { return *raw_; }

private:
    static std::chrono::system_clock::time_point at(std::int64_t unix_ns) noexcept {
        return std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(unix_ns)));
    }
    bool covers(std::size_t offset, std::size_t size) const noexcept { return raw_->struct_size >= offset + size; }
    const nmk_connection_event* raw_;
};

namespace detail {

template <class Fn>
struct client_gone_box final : box_base {
    client_gone_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}
    static void call(void* user, std::uint64_t, std::uint64_t client_id) noexcept {
        auto* self = static_cast<client_gone_box*>(user);
        call_in_frame(self, "client watch callback", [&] { self->fn(client_id); });
    }
    Fn fn;
};

template <class Fn>
struct connection_box final : box_base {
    connection_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}
    static void call(void* user, const nmk_connection_event* event) noexcept {
        auto* self = static_cast<connection_box*>(user);
        call_in_frame(self, "connection watch callback", [&] { self->fn(ConnectionEvent(*event)); });
    }
    Fn fn;
};

}  // namespace detail

class Clients {
public:
    // Throws Error(NMK_UNSUPPORTED) when the kernel is older than SDK 1.1.
    explicit Clients(const Host& host)
        : api_(&host.api()),
          can_close_(host.has(&nmk_host_api::close_client) && host.api().close_client != nullptr),
          has_watch_flags_(host.has(&nmk_host_api::watch_connections_ex) && host.api().watch_connections_ex != nullptr) {
        if (!host.has(&nmk_host_api::unwatch) || host.api().unwatch == nullptr) {
            throw Error("the kernel has no SDK 1.1 client calls", NMK_UNSUPPORTED);
        }
    }

    // SDK 1.3: whether the kernel can close a client for a plugin (close()).
    bool can_close() const noexcept { return can_close_; }
    // SDK 1.3: closes that client on its own thread after sending -ERR '<error>' (none when
    // empty). False when no such client is connected. Throws Error(NMK_UNSUPPORTED) on an
    // older kernel, Error(NMK_INVALID_ARGUMENT) for an error text with CR, LF or a quote.
    bool close(std::uint64_t client_id, nmk_close_reason reason, std::string_view error = {}) const {
        if (!can_close_) throw Error("the kernel has no SDK 1.3 close_client call", NMK_UNSUPPORTED);
        const nmk_status status = api_->close_client(api_->host, client_id, static_cast<std::uint32_t>(reason), to_nmk(error));
        if (status == NMK_NOT_FOUND) return false;
        detail::check_status(status, "close_client");
        return true;
    }

    // `callback(client_id)` once, when that client goes away. Throws Error(NMK_NOT_FOUND)
    // when no such client is connected.
    template <class Fn>
        requires std::invocable<Fn&, std::uint64_t>
    [[nodiscard]] Watch watch_client(std::uint64_t client_id, Fn&& callback) const {
        using box_type = detail::client_gone_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        detail::check_status(api_->watch_client(api_->host, client_id, &box_type::call, box.get(), &id),
                             "watch_client");
        return Watch(api_, id, box.release());
    }

    // `callback(const ConnectionEvent&)` for every client connect and disconnect from now on.
    template <class Fn>
        requires std::invocable<Fn&, const ConnectionEvent&>
    [[nodiscard]] Watch watch_connections(Fn&& callback) const {
        using box_type = detail::connection_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        detail::check_status(api_->watch_connections(api_->host, &box_type::call, box.get(), &id),
                             "watch_connections");
        return Watch(api_, id, box.release());
    }

    // SDK 1.3: whether watch_connections takes flags (NMK_WATCH_AUTH_ERRORS).
    bool has_watch_flags() const noexcept { return has_watch_flags_; }
    // SDK 1.3: the same with NMK_WATCH_* flags; NMK_WATCH_AUTH_ERRORS adds refused logins
    // (ConnectionEvent::auth_error()). Throws Error(NMK_UNSUPPORTED) on an older kernel.
    template <class Fn>
        requires std::invocable<Fn&, const ConnectionEvent&>
    [[nodiscard]] Watch watch_connections(std::uint32_t flags, Fn&& callback) const {
        if (flags == 0) return watch_connections(std::forward<Fn>(callback));
        if (!has_watch_flags_) throw Error("the kernel has no SDK 1.3 watch_connections_ex call", NMK_UNSUPPORTED);
        using box_type = detail::connection_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        detail::check_status(api_->watch_connections_ex(api_->host, flags, &box_type::call, box.get(), &id),
                             "watch_connections_ex");
        return Watch(api_, id, box.release());
    }

private:
    const nmk_host_api* api_;
    bool can_close_;
    bool has_watch_flags_;
};

}  // namespace nats_sdk
