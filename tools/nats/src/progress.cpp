#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "console.hpp"

namespace nats::cli {
namespace {

std::string elapsed_text(std::chrono::nanoseconds elapsed) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    std::string text = secs >= 3600 ? std::to_string(secs / 3600) + "h" + std::to_string(secs % 3600 / 60) + "m"
                       : secs >= 60 ? std::to_string(secs / 60) + "m" + std::to_string(secs % 60) + "s"
                                    : std::to_string(secs) + "s";
    return text.size() < 5 ? std::string(5 - text.size(), ' ') + text : text;
}

} // namespace

std::string render_progress_line(const std::string& state, std::chrono::nanoseconds elapsed, std::int64_t done,
                                 std::int64_t total, int width) {
    if (width < 3) width = 3;
    const double fraction = total <= 0 ? 1.0 : std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
    const int inner = width - 2;
    const int filled = static_cast<int>(fraction * inner);
    std::string bar_text = "[";
    bar_text += std::string(static_cast<std::size_t>(filled), '=');
    if (filled < inner) {
        bar_text += '>';
        bar_text += std::string(static_cast<std::size_t>(inner - filled - 1), '-');
    }
    bar_text += "]";
    std::string padded = state.size() < 10 ? state + std::string(10 - state.size(), ' ') : state;
    char pct[8];
    std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100));
    return padded + " " + elapsed_text(elapsed) + " " + bar_text + " " + pct;
}

progress_display::progress_display(bool enabled) : active_(enabled && is_terminal(STDERR_FILENO)) {
    winsize ws{};
    if (active_ && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40) {
        width_ = std::min(80, static_cast<int>(ws.ws_col) - 30);
    }
}

progress_display::~progress_display() { stop(); }

std::size_t progress_display::add_bar(std::int64_t total, std::string state) {
    auto b = std::make_unique<bar>();
    b->total = total;
    b->state = std::move(state);
    bars_.push_back(std::move(b));
    return bars_.size() - 1;
}

void progress_display::set_state(std::size_t index, std::string state) {
    std::lock_guard lock(mutex_);
    bars_.at(index)->state = std::move(state);
}

void progress_display::increment(std::size_t index, std::int64_t n) {
    bars_[index]->done.fetch_add(n, std::memory_order_relaxed);
}

void progress_display::start() {
    if (!active_ || thread_.joinable()) return;
    started_ = std::chrono::steady_clock::now();
    draw(true);
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            cv_.wait_for(lock, std::chrono::milliseconds(100));
            lock.unlock();
            draw(false);
            lock.lock();
        }
    });
}

void progress_display::stop() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
    draw(false);
}

void progress_display::draw(bool first) {
    std::string frame;
    if (!first && !bars_.empty()) frame += "\x1b[" + std::to_string(bars_.size()) + "A";
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    std::lock_guard lock(mutex_);
    for (const auto& b : bars_) {
        frame += "\r\x1b[2K" +
                 render_progress_line(b->state, elapsed, b->done.load(std::memory_order_relaxed), b->total, width_) + "\n";
    }
    err(frame);
}

} // namespace nats::cli
