#include "connect.hpp"

#include <atomic>
#include <cmath>

namespace nats::bench {
namespace {

std::atomic<std::uint64_t> g_disconnects{0};
std::atomic<std::uint64_t> g_async_errors{0};
std::atomic<bool> g_counting{true};

void on_disconnected(natsConnection*, void*) {
    if (g_counting.load(std::memory_order_relaxed)) g_disconnects.fetch_add(1, std::memory_order_relaxed);
}

void on_async_error(natsConnection*, natsSubscription*, natsStatus, void*) {
    g_async_errors.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

connection_ptr connect(const config& cfg, const connection_role& role) {
    natsOptions* raw = nullptr;
    check(natsOptions_Create(&raw), "natsOptions_Create");
    options_ptr opts(raw);
    check(natsOptions_SetURL(opts.get(), cfg.server.c_str()), "natsOptions_SetURL");
    check(natsOptions_SetName(opts.get(), role.name), "natsOptions_SetName");
    check(natsOptions_SetAllowReconnect(opts.get(), false), "natsOptions_SetAllowReconnect");
    check(natsOptions_SetSendAsap(opts.get(), role.send_asap), "natsOptions_SetSendAsap");
    const int iobuf = role.iobuf > 0 ? role.iobuf : static_cast<int>(cfg.iobuf);
    check(natsOptions_SetIOBufSize(opts.get(), iobuf), "natsOptions_SetIOBufSize");
    check(natsOptions_SetTimeout(opts.get(), 5000), "natsOptions_SetTimeout");
    // A write that cannot progress for the whole run means the server stopped reading.
    const auto write_deadline_ms = static_cast<int64_t>(std::ceil(cfg.timeout_s * 1000));
    check(natsOptions_SetWriteDeadline(opts.get(), write_deadline_ms), "natsOptions_SetWriteDeadline");
    // Client PINGs would only add noise; the run is far shorter than this.
    check(natsOptions_SetPingInterval(opts.get(), 10 * 60 * 1000), "natsOptions_SetPingInterval");
    check(natsOptions_SetDisconnectedCB(opts.get(), on_disconnected, nullptr), "natsOptions_SetDisconnectedCB");
    check(natsOptions_SetErrorHandler(opts.get(), on_async_error, nullptr), "natsOptions_SetErrorHandler");
    natsConnection* nc = nullptr;
    check(natsConnection_Connect(&nc, opts.get()), "connect to server");
    return connection_ptr(nc);
}

connection_events events_snapshot() {
    return {g_disconnects.load(std::memory_order_relaxed), g_async_errors.load(std::memory_order_relaxed)};
}

void stop_counting_disconnects() { g_counting.store(false, std::memory_order_relaxed); }

}  // namespace nats::bench
