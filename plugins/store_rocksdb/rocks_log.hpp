#pragma once
// RocksDB's own log lines (warnings and errors only) go to the server's log instead of a
// LOG file in the database directory: a write into that file failing on a full disk stops
// Debian's librocksdb on an assertion at its next line, and what RocksDB finds damaged when
// it opens (a dropped log record, a table file it cannot read) belongs in the server's log.
// Lines that report corruption are counted (RocksStore::corruption_reports).

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include <rocksdb/env.h>

#include <nats_sdk/abi.h>

namespace nats::store_rocksdb {

class ForwardingLogger final : public rocksdb::Logger {
public:
    using Sink = std::function<void(nmk_log_level, const std::string&)>;
    explicit ForwardingLogger(Sink sink) : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), sink_(std::move(sink)) {}

    void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
    void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
        if (level < GetInfoLogLevel()) return;
        char line[1024];
        std::vsnprintf(line, sizeof line, format, ap);
        const std::string text = std::string("rocksdb: ") + line;
        if (text.find("orrupt") != std::string::npos) corruption_reports_.fetch_add(1, std::memory_order_relaxed);
        int repeats = 0;
        {
            // A repair reports every record it drops with the same words: three are enough.
            std::lock_guard lock(mutex_);
            repeats = repeats_ = text == last_ ? repeats_ + 1 : 0;
            if (repeats == 0) last_ = text;
        }
        if (repeats > 2 || !sink_) return;
        sink_(level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? NMK_LOG_ERROR : NMK_LOG_WARN,
              repeats == 2 ? text + " (and any more like it, not shown)" : text);
    }

    std::uint64_t corruption_reports() const { return corruption_reports_.load(std::memory_order_relaxed); }

private:
    Sink sink_;
    std::mutex mutex_;
    std::string last_;
    int repeats_ = 0;
    std::atomic<std::uint64_t> corruption_reports_{0};
};

}  // namespace nats::store_rocksdb
