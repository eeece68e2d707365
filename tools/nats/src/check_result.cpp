#include "check_result.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "format.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

std::string perf_text(const perf_item& p) {
    const char* fmt = p.unit == "s" ? "%0.4f" : "%0.0f";
    auto number = [&](double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, fmt, v);
        return std::string(buf);
    };
    std::string name = p.name;
    if (name.find_first_of(" \t") != std::string::npos) name = "'" + name + "'";
    std::string out = name + "=" + number(p.value) + p.unit;
    if (p.warn != 0 || p.crit != 0) {
        out += ";" + (p.warn != 0 ? number(p.warn) : std::string());
        if (p.crit != 0) out += ";" + number(p.crit);
    }
    return out;
}

} // namespace

std::string format_go_float(double value) {
    char buf[64];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, value);
        if (std::strtod(buf, nullptr) == value) break;
    }
    return buf;
}

check_result::check_result(std::string name, std::string suite) : name_(std::move(name)), suite_(std::move(suite)) {}

void check_result::ok(std::string message) { oks_.push_back(std::move(message)); }
void check_result::warning(std::string message) { warnings_.push_back(std::move(message)); }
void check_result::critical(std::string message) { criticals_.push_back(std::move(message)); }
void check_result::perf(perf_item item) { perf_.push_back(std::move(item)); }

std::string check_result::status() const {
    if (!criticals_.empty()) return "CRITICAL";
    if (!warnings_.empty()) return "WARNING";
    return "OK";
}

int check_result::exit_code() const {
    if (!criticals_.empty()) return 2;
    if (!warnings_.empty()) return 1;
    return 0;
}

std::string check_result::render(const std::string& format) const {
    if (format == "json") return render_json();
    if (format == "text") return render_text();
    return render_nagios();
}

std::string check_result::render_nagios() const {
    std::string out = status() + " " + name_;
    for (const auto& c : criticals_) out += " Crit:" + c;
    for (const auto& w : warnings_) out += " Warn:" + w;
    for (const auto& o : oks_) out += " OK:" + o;
    if (perf_.empty()) return out;
    std::string perf;
    for (const auto& p : perf_) perf += (perf.empty() ? "" : " ") + perf_text(p);
    return out + " | " + perf;
}

std::string check_result::render_json() const {
    nlohmann::ordered_json j;
    j["status"] = status();
    j["check_suite"] = suite_;
    j["check_name"] = name_;
    if (!warnings_.empty()) j["warning"] = warnings_;
    if (!criticals_.empty()) j["critical"] = criticals_;
    if (!oks_.empty()) j["ok"] = oks_;
    j["perf_data"] = nlohmann::ordered_json::array();
    for (const auto& p : perf_) {
        nlohmann::ordered_json item;
        item["name"] = p.name;
        item["value"] = p.value;
        // Go writes whole floats without a fraction ("1", not "1.0").
        auto number = [](double v) {
            return std::floor(v) == v && std::fabs(v) < 1e15 ? nlohmann::ordered_json(static_cast<long long>(v))
                                                              : nlohmann::ordered_json(v);
        };
        item["warning"] = number(p.warn);
        item["critical"] = number(p.crit);
        if (!p.unit.empty()) item["unit"] = p.unit;
        j["perf_data"].push_back(item);
    }
    return j.dump(2);
}

std::string check_result::render_text() const {
    std::string out = name_ + ": " + status() + "\n\n";
    if (!oks_.empty() || !warnings_.empty() || !criticals_.empty()) {
        table t;
        t.headers({"Status", "Message"});
        for (const auto& o : oks_) t.row({"OK", o});
        for (const auto& w : warnings_) t.row({"Warning", w});
        for (const auto& c : criticals_) t.row({"Critical", c});
        out += "Status Detail\n\n" + t.render() + "\n";
    }
    if (!perf_.empty()) {
        table t;
        t.headers({"Metric", "Value", "Unit", "Critical Threshold", "Warning Threshold", "Description"});
        for (const auto& p : perf_) {
            t.row({p.name, commaf(p.value, 3), p.unit, commaf(p.crit, 3), commaf(p.warn, 3), p.help});
        }
        out += "\nCheck Metrics\n\n" + t.render();
    }
    return out;
}

} // namespace nats::cli
