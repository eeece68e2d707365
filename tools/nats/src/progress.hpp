#pragma once
// Progress bars while a person waits (bench, pub --count), drawn like natscli's
// uiprogress bars: "Publishing     2s [=========>----------]  45%".
// Drawn on stderr and only on a terminal; pipes and files get none.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nats::cli {

// One bar's line: state padded to 10, elapsed right-aligned in 5, the bar
// `width` wide, the percentage.
std::string render_progress_line(const std::string& state, std::chrono::nanoseconds elapsed, std::int64_t done,
                                 std::int64_t total, int width);

class progress_display {
public:
    // Draws only when enabled and stderr is a terminal.
    explicit progress_display(bool enabled);
    ~progress_display();
    progress_display(const progress_display&) = delete;
    progress_display& operator=(const progress_display&) = delete;

    bool active() const { return active_; }
    // Adds a bar before start(); returns its index.
    std::size_t add_bar(std::int64_t total, std::string state);
    void set_state(std::size_t bar, std::string state);
    // Thread-safe and cheap: one relaxed atomic add.
    void increment(std::size_t bar, std::int64_t n = 1);
    // Redraws ten times a second until stop(), which draws the final state.
    void start();
    void stop();

private:
    struct bar {
        std::int64_t total;
        std::atomic<std::int64_t> done{0};
        std::string state;
    };
    void draw(bool first);

    bool active_;
    std::vector<std::unique_ptr<bar>> bars_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
    std::chrono::steady_clock::time_point started_;
    int width_ = 50;
};

} // namespace nats::cli
