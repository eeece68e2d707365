// nats-bench: measures one scenario against one NATS server; see README.md.
#include "config.hpp"
#include "connz_report.hpp"
#include "nats_handles.hpp"
#include "runners.hpp"

#include <nats/nats.h>

#include <malloc.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

namespace {

using namespace nats::bench;

enum exit_code {
    exit_ok = 0,
    exit_incomplete = 1,
    exit_usage = 2,
    exit_setup = 3,
    exit_watchdog = 4,
    exit_skipped = 5
};

void print_failure(const config& cfg, const std::string& why, bool skipped = false) {
    run_result r;
    r.fail(why);
    if (skipped) r.fields["skipped"] = true;
    if (cfg.json)
        std::cout << format_json(cfg, r) << std::endl;
    else
        std::cerr << "nats-bench: " << why << std::endl;
}

// Last line of defence for the time bound: if a library call ignores its timeout,
// report and leave instead of hanging the caller's script.
class watchdog {
public:
    watchdog(const config& cfg, clock::time_point fire_at)
        : thread_([this, cfg, fire_at] {
              std::unique_lock lock(mu_);
              if (cv_.wait_until(lock, fire_at, [this] { return stopped_; })) return;
              print_failure(cfg, "run exceeded its time bound; aborted");
              std::_Exit(exit_watchdog);
          }) {}
    ~watchdog() {
        {
            std::lock_guard lock(mu_);
            stopped_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopped_ = false;
    std::thread thread_;
};

// libnats allocates every received message on its reader thread and we free it on
// the delivery thread. With glibc's defaults the reader's heap is trimmed and
// regrown constantly (page faults, arena lock contention), which costs the client
// several times the CPU the server spends. Keeping freed memory around fixes that.
void tune_malloc() {
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace

int main(int argc, char** argv) {
    tune_malloc();
    config cfg;
    try {
        cfg = parse_args(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const usage_error& e) {
        if (*e.what() != '\0') std::cerr << "nats-bench: " << e.what() << "\n\n";
        std::cerr << usage_text();
        return exit_usage;
    }
    const auto start = clock::now();
    const auto deadline =
        start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(cfg.timeout_s));
    // Teardown of thousands of connections gets its own allowance past the deadline.
    watchdog guard(cfg, deadline + std::chrono::seconds(15));

    // No lock spinning: on a 2-core machine shared with the server, spinning steals
    // the CPU the lock holder (or the server) needs.
    if (nats_Open(0) != NATS_OK) {
        print_failure(cfg, "cannot initialise libnats");
        return exit_setup;
    }
    int code = exit_ok;
    try {
        const run_result r = run(cfg, deadline);
        std::cout << (cfg.json ? format_json(cfg, r) + "\n" : format_text(cfg, r));
        if (cfg.mode == mode::connz && !cfg.json) std::cout << '\n' << format_connz_table(r);
        std::cout << std::flush;
        code = r.ok ? exit_ok : exit_incomplete;
    } catch (const setup_error& e) {
        print_failure(cfg, e.what());
        code = exit_setup;
    } catch (const skip_error& e) {
        print_failure(cfg, e.what(), true);
        code = exit_skipped;
    }
    // Waits for libnats' own threads, so no callback outlives main.
    nats_CloseAndWait(5000);
    return code;
}
