#include "kernel/plugin_host/plugin_timers.hpp"

#include "kernel/log/logging.hpp"

namespace nats::plugins {

namespace {

void arm(const std::shared_ptr<PluginTimer>& t, std::chrono::milliseconds delay) {
    t->timer.expires_after(delay);
    t->timer.async_wait([t](const asio::error_code& ec) {
        if (ec || t->cancelled.load()) return;
        {
            CallGate::Pass pass(*t->gate);
            if (!pass) return;
            CallGate::Pass own(t->own_gate);
            if (!own) return;
            try {
                t->callback(t->user);
            } catch (...) {
                NMK_ERROR("{}: timer callback threw an exception", t->plugin);
            }
        }
        t->thread.end_batch();
        if (t->repeat.count() > 0 && !t->cancelled.load()) {
            arm(t, t->repeat);
        } else if (auto table = t->table.lock()) {
            table->erase(t->id);
        }
    });
}

}  // namespace

void start_timer(const std::shared_ptr<PluginTimer>& timer, std::chrono::milliseconds delay) {
    asio::post(timer->thread.context(), [timer, delay] {
        if (!timer->cancelled.load()) arm(timer, delay);
    });
}

void cancel_timer(const std::shared_ptr<PluginTimer>& timer) {
    if (timer->cancelled.exchange(true)) return;
    timer->own_gate.close();
    asio::post(timer->thread.context(), [timer] { timer->timer.cancel(); });
}

}  // namespace nats::plugins
