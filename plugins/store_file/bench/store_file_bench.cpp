// store_file_bench: what the file store costs, measured without a server around it.
//
//   store_file_bench [--dir DIR] [--seconds S] [--restart-messages N]
//
// Prints, for 128-byte messages:
//  - sync per append, one writer: append, sync, wait for the done (batch mode: one
//    fdatasync per message, what a synchronous publisher with fsync-before-ack pays);
//  - the same with "always" (fdatasync inside append) and lazy ("2m": no fdatasync);
//  - group commit: one writer keeping up to 256 syncs outstanding (an async publisher
//    with a window of 256): many appends share each fdatasync;
//  - restart: N messages written, the store closed, then the time open_stream takes to
//    recover them, and the resident memory the recovered indexes use.
// DIR must be on the disk being measured (not tmpfs); default: a new folder under the
// current directory, removed afterwards.

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

#include "file_store.hpp"
#include "syncer.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace sdk = nats_sdk::store;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return 0;
}

const std::string payload(128, 'p');

// One writer, each append followed by a sync it waits for.
void sync_per_append(const std::string& root, const char* options, const char* label, double seconds) {
    std::filesystem::remove_all(root);
    store_file::FileStoreBackend backend;
    auto store = backend.open_store(root, options);
    auto stream = store->open_stream("ACC", "BENCH");
    std::mutex mutex;
    std::condition_variable cv;
    std::uint64_t seq = 0;
    const auto start = Clock::now();
    while (seconds_since(start) < seconds) {
        for (int i = 0; i < 100; ++i) {
            ++seq;
            stream->append(seq, static_cast<std::int64_t>(seq), "bench.sync", "", payload);
            bool done = false;
            stream->sync([&](nmk_store_status status, std::string_view) {
                if (status != NMK_STORE_OK) std::abort();
                std::lock_guard lock(mutex);
                done = true;
                cv.notify_all();
            });
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return done; });
        }
    }
    const double elapsed = seconds_since(start);
    std::printf("%-44s %10.0f msgs/s  (%llu in %.2f s)\n", label, static_cast<double>(seq) / elapsed,
                static_cast<unsigned long long>(seq), elapsed);
}

// One writer with up to `window` syncs outstanding: group commit at work.
void windowed(const std::string& root, const char* options, const char* label, double seconds, int window) {
    std::filesystem::remove_all(root);
    store_file::FileStoreBackend backend;
    auto store = backend.open_store(root, options);
    auto stream = store->open_stream("ACC", "BENCH");
    std::mutex mutex;
    std::condition_variable cv;
    int outstanding = 0;
    std::uint64_t seq = 0;
    const auto start = Clock::now();
    while (seconds_since(start) < seconds) {
        {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return outstanding < window; });
            ++outstanding;
        }
        ++seq;
        stream->append(seq, static_cast<std::int64_t>(seq), "bench.async", "", payload);
        stream->sync([&](nmk_store_status status, std::string_view) {
            if (status != NMK_STORE_OK) std::abort();
            std::lock_guard lock(mutex);
            --outstanding;
            cv.notify_all();
        });
    }
    {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return outstanding == 0; });
    }
    const double elapsed = seconds_since(start);
    auto* syncer = dynamic_cast<store_file::FileStore&>(*store).context().syncer();
    std::printf("%-44s %10.0f msgs/s  (%llu in %.2f s, %llu fdatasyncs)\n", label, static_cast<double>(seq) / elapsed,
                static_cast<unsigned long long>(seq), elapsed,
                static_cast<unsigned long long>(syncer ? syncer->fdatasyncs() : 0));
}

// The disk's own price: pwrite of one record plus fdatasync, on a preallocated file.
// Sync-per-append rates cannot beat 1 / this.
void raw_fdatasync(const std::string& dir) {
    const std::string path = dir + "/probe";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fallocate(fd, 0, 0, 1 << 20) != 0) return;
    const std::string record(172, 'r');
    const int rounds = 200;
    const auto start = Clock::now();
    for (int i = 0; i < rounds; ++i) {
        if (::pwrite(fd, record.data(), record.size(), static_cast<off_t>(i * record.size())) < 0) break;
        ::fdatasync(fd);
    }
    const double each = seconds_since(start) / rounds;
    ::close(fd);
    ::unlink(path.c_str());
    std::printf("%-44s %10.0f us    (%.0f syncs/s at most)\n", "raw pwrite + fdatasync (the disk)", each * 1e6,
                1 / each);
}

void restart(const std::string& root, std::uint64_t messages) {
    std::filesystem::remove_all(root);
    store_file::FileStoreBackend backend;
    {
        auto store = backend.open_store(root, R"({"sync":"2m"})");
        auto stream = store->open_stream("ACC", "BENCH");
        const auto start = Clock::now();
        for (std::uint64_t seq = 1; seq <= messages; ++seq) {
            stream->append(seq, static_cast<std::int64_t>(seq), "bench.restart." + std::to_string(seq % 100), "",
                           payload);
        }
        std::printf("%-44s %10.0f msgs/s  (%llu in %.2f s, written before the restart)\n", "write (lazy)",
                    static_cast<double>(messages) / seconds_since(start), static_cast<unsigned long long>(messages),
                    seconds_since(start));
    }
    // After a clean close (index snapshot), then as after a crash (no snapshot: every
    // block is scanned and every record checked).
    for (const bool crash : {false, true}) {
        if (crash) std::filesystem::remove(root + "/ACC/streams/BENCH/msgs/index.snap");
        const long before = resident_kib();
        auto store = backend.open_store(root, "{}");
        const auto start = Clock::now();
        auto stream = store->open_stream("ACC", "BENCH");
        const double elapsed = seconds_since(start);
        const long after = resident_kib();
        const auto state = stream->state();
        if (state.messages != messages) std::abort();
        std::printf("%-44s %10.3f s     (%llu messages, %llu bytes accounted, index memory %.1f MiB)\n",
                    crash ? "restart after a crash: scan every block" : "restart after a clean close: snapshot",
                    elapsed, static_cast<unsigned long long>(state.messages),
                    static_cast<unsigned long long>(state.bytes), static_cast<double>(after - before) / 1024.0);
        // Then every message in order, as JetStream's duplicate-window rebuild does at start.
        const auto read_start = Clock::now();
        std::uint64_t read = 0;
        for (std::uint64_t seq = 1;;) {
            std::uint64_t found = 0;
            stream->load_next(seq, {}, [&](const nats_sdk::store::MessageView& m) { found = m.sequence; });
            if (found == 0) break;
            ++read;
            seq = found + 1;
        }
        if (read != messages) std::abort();
        std::printf("%-44s %10.3f s     (resident after: +%.1f MiB)\n", "  then load_next through every message",
                    seconds_since(read_start), static_cast<double>(resident_kib() - before) / 1024.0);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    double seconds = 3;
    std::uint64_t restart_messages = 1'000'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
        else if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
        else if (std::strcmp(argv[i], "--restart-messages") == 0) restart_messages = std::strtoull(argv[i + 1], nullptr, 10);
        else {
            std::fprintf(stderr, "usage: %s [--dir DIR] [--seconds S] [--restart-messages N]\n", argv[0]);
            return 2;
        }
    }
    bool own_dir = false;
    if (dir.empty()) {
        std::string pattern = (std::filesystem::current_path() / "store_file_bench.XXXXXX").string();
        dir = ::mkdtemp(pattern.data());
        own_dir = true;
    }
    const std::string root = dir + "/store";
    std::printf("file store, 128-byte messages, in %s\n", dir.c_str());
    raw_fdatasync(dir);
    sync_per_append(root, R"({"sync":"batch"})", "batch, sync per append, 1 writer", seconds);
    sync_per_append(root, R"({"sync":"always"})", "always (fdatasync in append), 1 writer", seconds);
    sync_per_append(root, R"({"sync":"2m"})", "lazy 2m, sync per append, 1 writer", seconds);
    windowed(root, R"({"sync":"batch"})", "batch, group commit, window 256", seconds, 256);
    windowed(root, R"({"sync":"2m"})", "lazy 2m, window 256", seconds, 256);
    if (restart_messages > 0) restart(root, restart_messages);
    if (own_dir) std::filesystem::remove_all(dir);
    return 0;
}
