#pragma once
// Counters and gauges that plugins register and a monitoring plugin reads.
// Values are atomics; the table itself only grows.
#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nats::plugins {

enum class MetricType { counter, gauge };

struct MetricValue {
    std::string name, help, owner;
    MetricType type = MetricType::counter;
    std::int64_t value = 0;
};

class MetricsRegistry {
public:
    // The id of `name` (registering it again with the same type returns the same
    // id); 0 when the name is invalid or taken with another type.
    std::uint64_t register_metric(std::string_view name, std::string_view help, MetricType type,
                                  std::string_view owner);
    // Counters only grow: a negative delta is ignored. False for an unknown id.
    bool add(std::uint64_t id, std::int64_t delta);
    bool set(std::uint64_t id, std::int64_t value);
    std::vector<MetricValue> snapshot() const;

private:
    struct Metric {
        std::string name, help, owner;
        MetricType type;
        std::atomic<std::int64_t> value{0};
    };
    Metric* find(std::uint64_t id) const;

    mutable std::shared_mutex mutex_;
    std::vector<std::unique_ptr<Metric>> metrics_;
};

// {"metrics":[{"name","help","type":"counter"|"gauge","value","plugin"}]}: how
// a monitoring plugin reads them (query_json topic "metricz").
std::string metrics_json(const MetricsRegistry& registry);

// Prometheus-style names: [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name);

}  // namespace nats::plugins
