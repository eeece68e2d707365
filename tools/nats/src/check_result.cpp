#include "check_result.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <initializer_list>
#include <utility>

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

std::string check_result::render(const std::string& format, const std::string& prometheus_namespace) const {
    if (format == "json") return render_json();
    if (format == "prometheus") return render_prometheus(prometheus_namespace);
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

// The Prometheus text format as client_golang's expfmt writes a registry: one
// gauge family per metric, families sorted by name, label values escaped.
std::string check_result::render_prometheus(const std::string& ns) const {
    auto escape = [](const std::string& v) {
        std::string out;
        for (const char c : v) {
            if (c == '\\') out += "\\\\";
            else if (c == '"') out += "\\\"";
            else if (c == '\n') out += "\\n";
            else out += c;
        }
        return out;
    };
    auto fq = [](std::initializer_list<std::string> parts) {
        std::string name;
        for (const auto& p : parts) {
            if (!p.empty()) name += (name.empty() ? "" : "_") + p;
        }
        return name;
    };
    const std::string suite = suite_.empty() ? name_ : suite_;
    std::string item = name_;
    for (auto& c : item) {
        if (c == '"') c = '.';
    }
    std::vector<std::pair<std::string, std::string>> families;
    for (const auto& p : perf_) {
        const std::string metric = fq({ns.empty() ? std::string("nats_server_check") : ns, suite, p.name});
        const std::string help = p.help.empty() ? "Data about the NATS CLI check " + suite : p.help;
        families.emplace_back(metric, "# HELP " + metric + " " + help + "\n# TYPE " + metric + " gauge\n" + metric +
                                          "{item=\"" + escape(item) + "\"} " + format_go_float(p.value) + "\n");
    }
    const std::string status_metric = "nats_server_check_" + suite + "_status_code";
    // natscli sets this gauge to its exit code, which is 0 in this format.
    families.emplace_back(status_metric, "# HELP " + status_metric + " Nagios compatible status code for " + suite +
                                             "\n# TYPE " + status_metric + " gauge\n" + status_metric + "{item=\"" +
                                             escape(item) + "\",status=\"" + status() + "\"} 0\n");
    std::stable_sort(families.begin(), families.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& f : families) out += f.second;
    return out;
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
