#include "run_result.hpp"

#include <cmath>
#include <sstream>

namespace nats::bench {

std::string format_json(const config& cfg, const run_result& r) {
    nlohmann::ordered_json out;
    out["mode"] = mode_name(cfg.mode);
    out["server"] = cfg.server;
    out["ok"] = r.ok;
    if (!r.error.empty()) out["error"] = r.error;
    for (const auto& [key, value] : r.fields.items()) out[key] = value;
    return out.dump();
}

std::string format_text(const config& cfg, const run_result& r) {
    std::ostringstream os;
    os << "nats-bench " << mode_name(cfg.mode) << " against " << cfg.server << (r.ok ? "" : "  [INCOMPLETE]")
       << '\n';
    if (!r.error.empty()) os << "  error: " << r.error << '\n';
    for (const auto& [key, value] : r.fields.items()) {
        os << "  " << key << ": ";
        if (value.is_string())
            os << value.get<std::string>();
        else
            os << value.dump();
        os << '\n';
    }
    return os.str();
}

double round_to(double value, int digits) {
    const double scale = std::pow(10.0, digits);
    return std::round(value * scale) / scale;
}

}  // namespace nats::bench
