#include "kernel/log/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <unistd.h>

#include <atomic>

#include "kernel/log/log_escape.hpp"

namespace nats::log {
namespace {

std::atomic<bool> g_debug{false};
std::atomic<bool> g_trace{false};

// nats-server's level tags, three letters in brackets.
class level_tag_flag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        std::string_view tag = "INF";
        switch (msg.level) {
            case spdlog::level::trace: tag = "TRC"; break;
            case spdlog::level::debug: tag = "DBG"; break;
            case spdlog::level::info: tag = "INF"; break;
            case spdlog::level::warn: tag = "WRN"; break;
            case spdlog::level::err: tag = "ERR"; break;
            case spdlog::level::critical: tag = "FTL"; break;
            default: break;
        }
        dest.append(tag.data(), tag.data() + tag.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<level_tag_flag>();
    }
};

// The message itself, escaped where it could forge a line or carry control bytes
// (see log_escape.hpp): clients choose much of what is logged.
class safe_message_flag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        const std::string_view text(msg.payload.data(), msg.payload.size());
        if (is_log_safe(text)) {
            dest.append(text.data(), text.data() + text.size());
            return;
        }
        const std::string escaped = log_safe(text);
        dest.append(escaped.data(), escaped.data() + escaped.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<safe_message_flag>();
    }
};

}  // namespace

void configure(const LogSettings& settings) {
    spdlog::sink_ptr sink;
    if (settings.file.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else if (settings.size_limit > 0) {
        sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            settings.file, static_cast<std::size_t>(settings.size_limit), 9);
    } else {
        sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.file);
    }
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<level_tag_flag>('*');
    formatter->add_flag<safe_message_flag>('~');
    // [pid] 2006/01/02 15:04:05.000000 [INF] message
    formatter->set_pattern(settings.timestamps ? "[%P] %Y/%m/%d %H:%M:%S.%f [%*] %~" : "[%P] [%*] %~");
    sink->set_formatter(std::move(formatter));

    auto logger = std::make_shared<spdlog::logger>("nats", sink);
    spdlog::level::level_enum level = spdlog::level::info;
    if (settings.debug) level = spdlog::level::debug;
    if (settings.trace) level = spdlog::level::trace;
    logger->set_level(level);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    g_debug = settings.debug || settings.trace;
    g_trace = settings.trace;
}

bool trace_enabled() { return g_trace.load(std::memory_order_relaxed); }
bool debug_enabled() { return g_debug.load(std::memory_order_relaxed); }

}  // namespace nats::log
