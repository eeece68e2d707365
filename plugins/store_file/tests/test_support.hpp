#pragma once
// What the file store's unit tests share: a scratch directory, a store opened on it, a
// FileIo whose writes and syncs fail on command, and message helpers.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <optional>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "file_io.hpp"
#include "file_store.hpp"
#include "file_stream.hpp"

namespace store_file::testing {

namespace sdk = nats_sdk::store;

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "store_file_test.XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code error;
        std::filesystem::remove_all(path_, error);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Real system calls, except that fdatasync/fsync and writes can be told to fail.
class FaultyIo final : public FileIo {
public:
    std::atomic<int> fail_sync_errno{0};      // fdatasync and fsync return -this when set
    std::atomic<int> fail_write_errno{0};     // pwrite returns -this when set
    std::atomic<long> write_short_by{0};      // pwrite writes this many bytes less, then fails
    std::atomic<int> fail_preallocate_errno{0};
    std::atomic<std::uint64_t> fdatasyncs{0};
    std::atomic<int> sync_delay_ms{0};          // each fdatasync takes at least this long
    std::atomic<std::uint64_t> preads{0};

    long pwrite(int fd, const void* data, std::size_t size, std::uint64_t offset) override {
        if (const long short_by = write_short_by.load(); short_by > 0 && static_cast<long>(size) > short_by) {
            write_short_by = 0;
            const long n = real_->pwrite(fd, data, size - static_cast<std::size_t>(short_by), offset);
            fail_write_errno = ENOSPC;
            return n;
        }
        if (const int e = fail_write_errno.load()) return -e;
        return real_->pwrite(fd, data, size, offset);
    }
    long pread(int fd, void* data, std::size_t size, std::uint64_t offset) override {
        ++preads;
        return real_->pread(fd, data, size, offset);
    }
    int fdatasync(int fd) override {
        ++fdatasyncs;
        if (const int ms = sync_delay_ms.load()) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        if (const int e = fail_sync_errno.load()) return -e;
        return real_->fdatasync(fd);
    }
    int fsync(int fd) override {
        if (const int e = fail_sync_errno.load()) return -e;
        return real_->fsync(fd);
    }
    int preallocate(int fd, std::uint64_t size) override {
        if (const int e = fail_preallocate_errno.load()) return -e;
        return real_->preallocate(fd, size);
    }
    int ftruncate(int fd, std::uint64_t size) override { return real_->ftruncate(fd, size); }

private:
    std::shared_ptr<FileIo> real_ = system_file_io();
};

// Log lines collected for assertions.
struct LogLines {
    std::mutex mutex;
    std::vector<std::string> lines;
    LogSink sink() {
        return [this](nmk_log_level, std::string_view line) {
            std::lock_guard lock(mutex);
            lines.emplace_back(line);
        };
    }
    bool contains(std::string_view text) {
        std::lock_guard lock(mutex);
        for (const auto& line : lines) {
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

inline std::unique_ptr<sdk::Store> open_store(const std::string& root, const std::string& options = "{}",
                                              LogSink log = {}, std::shared_ptr<FileIo> io = system_file_io()) {
    FileStoreBackend backend(std::move(log), std::move(io));
    return backend.open_store(root, options);
}

inline std::optional<sdk::StoredMessage> load(sdk::Stream& stream, std::uint64_t sequence,
                                              sdk::LoadResult* result = nullptr) {
    std::optional<sdk::StoredMessage> message;
    const auto r = stream.load(sequence, [&](const sdk::MessageView& m) { message = sdk::StoredMessage::copy_of(m); });
    if (result) *result = r;
    return message;
}

inline std::optional<sdk::StoredMessage> load_next(sdk::Stream& stream, std::uint64_t start, std::string_view filter) {
    std::optional<sdk::StoredMessage> message;
    stream.load_next(start, filter, [&](const sdk::MessageView& m) { message = sdk::StoredMessage::copy_of(m); });
    return message;
}

inline std::optional<sdk::StoredMessage> load_last(sdk::Stream& stream, std::string_view filter) {
    std::optional<sdk::StoredMessage> message;
    stream.load_last(filter, [&](const sdk::MessageView& m) { message = sdk::StoredMessage::copy_of(m); });
    return message;
}

// Waits (bounded) for a sync's done and returns its status.
inline nmk_store_status sync_and_wait(sdk::Stream& stream) {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<nmk_store_status> status;
    stream.sync([&](nmk_store_status s, std::string_view) {
        std::lock_guard lock(mutex);
        status = s;
        cv.notify_all();
    });
    std::unique_lock lock(mutex);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return status.has_value(); });
    return status.value_or(static_cast<nmk_store_status>(-1));
}

inline std::string stream_dir(const std::string& root, const std::string& account, const std::string& stream) {
    return root + "/" + account + "/streams/" + stream;
}

inline std::string block_path(const std::string& root, const std::string& account, const std::string& stream,
                              std::uint32_t id) {
    return stream_dir(root, account, stream) + "/msgs/" + std::to_string(id) + ".blk";
}

}  // namespace store_file::testing
