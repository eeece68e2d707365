#include "connz_report.hpp"

#include <cstdio>
#include <sstream>

namespace nats::bench {
namespace {

std::string number(const nlohmann::ordered_json& v, int decimals) {
    if (!v.is_number()) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
    return buf;
}

std::string pad(const std::string& s, std::size_t width) {
    // Column widths count characters; "µ" takes two bytes but one column.
    std::size_t shown = 0;
    for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
    return s + std::string(shown < width ? width - shown : 1, ' ');
}

}  // namespace

std::string format_connz_table(const run_result& r) {
    const auto& f = r.fields;
    auto field = [&](const std::string& key) { return f.contains(key) ? f[key] : nlohmann::ordered_json(); };
    std::ostringstream os;
    os << pad("", 16) << pad("no reads", 12) << pad("reading", 12) << "reading/no reads\n";
    struct row {
        const char* label;
        const char* key;
        int decimals;
    };
    for (const row& w : {row{"round trips/s", "rate", 0}, row{"p50 µs", "p50_us", 1}, row{"p99 µs", "p99_us", 1},
                         row{"max µs", "max_us", 1}, row{"server CPU s", "server_cpu_s", 2},
                         row{"client CPU s", "client_cpu_s", 2}}) {
        const auto base = field(std::string("base_") + w.key);
        const auto read = field(std::string("read_") + w.key);
        if (!base.is_number() && !read.is_number()) continue;
        std::string ratio = "-";
        if (base.is_number() && read.is_number() && base.get<double>() > 0)
            ratio = number(read.get<double>() / base.get<double>(), 2);
        os << pad(w.label, 16) << pad(number(base, w.decimals), 12) << pad(number(read, w.decimals), 12) << ratio
           << '\n';
    }
    for (int i = 1; f.contains("fetch" + std::to_string(i) + "_path"); ++i) {
        const std::string p = "fetch" + std::to_string(i) + "_";
        os << "GET " << field(p + "path").get<std::string>() << ": " << number(field(p + "count"), 0)
           << " reads, p50 " << number(field(p + "p50_ms"), 1) << " ms, p99 " << number(field(p + "p99_ms"), 1)
           << " ms, max " << number(field(p + "max_ms"), 1) << " ms, " << number(field(p + "bytes"), 0) << " bytes";
        if (f.contains(p + "total")) os << ", total " << number(field(p + "total"), 0);
        os << '\n';
    }
    return os.str();
}

}  // namespace nats::bench
