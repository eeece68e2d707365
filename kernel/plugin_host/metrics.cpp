#include "kernel/plugin_host/metrics.hpp"

#include <nlohmann/json.hpp>

#include <mutex>

namespace nats::plugins {

bool is_valid_metric_name(std::string_view name) {
    if (name.empty() || name.size() > 200) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        const bool digit = c >= '0' && c <= '9';
        if (!alpha && !(digit && i > 0)) return false;
    }
    return true;
}

std::uint64_t MetricsRegistry::register_metric(std::string_view name, std::string_view help, MetricType type,
                                               std::string_view owner) {
    if (!is_valid_metric_name(name)) return 0;
    std::unique_lock lock(mutex_);
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
        if (metrics_[i]->name == name) return metrics_[i]->type == type ? i + 1 : 0;
    }
    auto m = std::make_unique<Metric>();
    m->name.assign(name);
    m->help.assign(help);
    m->owner.assign(owner);
    m->type = type;
    metrics_.push_back(std::move(m));
    return metrics_.size();
}

MetricsRegistry::Metric* MetricsRegistry::find(std::uint64_t id) const {
    if (id == 0 || id > metrics_.size()) return nullptr;
    return metrics_[id - 1].get();
}

bool MetricsRegistry::add(std::uint64_t id, std::int64_t delta) {
    std::shared_lock lock(mutex_);
    Metric* m = find(id);
    if (!m) return false;
    if (m->type == MetricType::counter && delta < 0) return true;
    m->value.fetch_add(delta, std::memory_order_relaxed);
    return true;
}

bool MetricsRegistry::set(std::uint64_t id, std::int64_t value) {
    std::shared_lock lock(mutex_);
    Metric* m = find(id);
    if (!m) return false;
    m->value.store(value, std::memory_order_relaxed);
    return true;
}

std::vector<MetricValue> MetricsRegistry::snapshot() const {
    std::shared_lock lock(mutex_);
    std::vector<MetricValue> out;
    out.reserve(metrics_.size());
    for (const auto& m : metrics_) out.push_back({m->name, m->help, m->owner, m->type, m->value.load()});
    return out;
}

std::string metrics_json(const MetricsRegistry& registry) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& m : registry.snapshot()) {
        nlohmann::ordered_json j;
        j["name"] = m.name;
        j["help"] = m.help;
        j["type"] = m.type == MetricType::counter ? "counter" : "gauge";
        j["value"] = m.value;
        j["plugin"] = m.owner;
        list.push_back(std::move(j));
    }
    nlohmann::ordered_json out;
    out["metrics"] = std::move(list);
    // Names and help texts come from plugins: never let a bad byte throw here.
    return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace nats::plugins
