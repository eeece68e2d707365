#include "bench_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "format.hpp"

namespace nats::cli {
namespace {

double latency_min_us(const std::vector<std::uint64_t>& l) { return l.empty() ? 0 : static_cast<double>(l.front()) / 1000.0; }
double latency_max_us(const std::vector<std::uint64_t>& l) { return l.empty() ? 0 : static_cast<double>(l.back()) / 1000.0; }

double latency_avg_us(const std::vector<std::uint64_t>& l) {
    if (l.empty()) return 0;
    long double sum = 0;
    for (auto v : l) sum += v;
    return static_cast<double>(sum / l.size()) / 1000.0;
}

double latency_stddev_us(const std::vector<std::uint64_t>& l) {
    if (l.empty()) return 0;
    const double avg = latency_avg_us(l);
    long double sum = 0;
    for (auto v : l) {
        const double d = static_cast<double>(v) / 1000.0 - avg;
        sum += d * d;
    }
    return std::sqrt(static_cast<double>(sum / l.size()));
}

std::string us(double v) { return commaf(v, 2) + "us"; }

std::string rate_statistics(const std::vector<bench_sample>& samples) {
    std::int64_t min = 0, max = 0;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const auto r = samples[i].rate();
        if (i == 0) min = max = r;
        min = std::min(min, r);
        max = std::max(max, r);
        sum += static_cast<std::uint64_t>(r);
    }
    const auto avg = static_cast<std::int64_t>(sum / samples.size());
    double variance = 0;
    for (const auto& s : samples) variance += std::pow(static_cast<double>(s.rate() - avg), 2);
    variance /= static_cast<double>(samples.size());
    return "min " + comma(min) + " | avg " + comma(avg) + " | max " + comma(max) + " | stddev " +
           comma(static_cast<std::int64_t>(std::sqrt(variance))) + " msgs";
}

std::string latency_statistics(const std::vector<std::uint64_t>& l) {
    return "min " + us(latency_min_us(l)) + " | avg " + us(latency_avg_us(l)) + " | max " + us(latency_max_us(l)) +
           " | stddev " + us(latency_stddev_us(l)) + " | P50 " + us(latency_percentile_us(l, 50)) + " | P90 " +
           us(latency_percentile_us(l, 90)) + " | P99 " + us(latency_percentile_us(l, 99)) + " | P99.9: " +
           us(latency_percentile_us(l, 99.9));
}

void side_report(std::string& out, const std::string& indent, const std::string& label,
                 const std::vector<bench_sample>& samples) {
    const bench_sample group = aggregate(samples);
    out += indent + label + " stats: " + sample_text(group) + "\n";
    if (samples.size() < 2) return;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        out += indent + " [" + std::to_string(i + 1) + "] " + sample_text(samples[i]) + " (" +
               std::to_string(samples[i].job_msgs) + " msgs)\n";
    }
    out += indent + " " + rate_statistics(samples) + "\n";
    if (!group.latencies_ns.empty()) out += indent + " latencies per operation " + latency_statistics(group.latencies_ns) + "\n";
}

} // namespace

double bench_sample::seconds() const {
    const double s = std::chrono::duration<double>(end - start).count();
    // A client that saw one message has no duration; count it as 1 ns.
    return s > 0 ? s : 1e-9;
}

std::int64_t bench_sample::rate() const { return static_cast<std::int64_t>(static_cast<double>(job_msgs) / seconds()); }

double bench_sample::throughput() const { return static_cast<double>(msg_bytes) / seconds(); }

bench_sample aggregate(const std::vector<bench_sample>& samples) {
    bench_sample g;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        if (i == 0) {
            g.start = s.start;
            g.end = s.end;
        }
        g.start = std::min(g.start, s.start);
        g.end = std::max(g.end, s.end);
        g.job_msgs += s.job_msgs;
        g.msg_bytes += s.msg_bytes;
        g.io_msgs += s.io_msgs;
        g.latencies_ns.insert(g.latencies_ns.end(), s.latencies_ns.begin(), s.latencies_ns.end());
    }
    std::sort(g.latencies_ns.begin(), g.latencies_ns.end());
    return g;
}

double latency_percentile_us(const std::vector<std::uint64_t>& sorted_ns, double percentile) {
    if (sorted_ns.empty()) return 0;
    auto index = static_cast<std::int64_t>(std::ceil(percentile / 100.0 * static_cast<double>(sorted_ns.size()))) - 1;
    index = std::clamp<std::int64_t>(index, 0, static_cast<std::int64_t>(sorted_ns.size()) - 1);
    return static_cast<double>(sorted_ns[static_cast<std::size_t>(index)]) / 1000.0;
}

std::string sample_text(const bench_sample& s) {
    std::string text = comma(s.rate()) + " msgs/sec ~ " + bench_bytes(s.throughput()) + "/sec";
    const auto& l = s.latencies_ns;
    if (!l.empty()) {
        text += " ~ min: " + us(latency_min_us(l)) + " ~ avg: " + us(latency_avg_us(l)) + " ~ max: " +
                us(latency_max_us(l)) + " ~ P50: " + us(latency_percentile_us(l, 50)) + " ~ P90: " +
                us(latency_percentile_us(l, 90)) + " ~ P99: " + us(latency_percentile_us(l, 99)) + " ~ P99.9: " +
                us(latency_percentile_us(l, 99.9));
    }
    return text;
}

std::string bench_report(const std::string& name, const std::vector<bench_sample>& pubs,
                         const std::vector<bench_sample>& subs) {
    if (pubs.empty() && subs.empty()) return "No publisher or subscribers. Nothing to report.";
    std::string out;
    std::string indent;
    if (!pubs.empty() && !subs.empty()) {
        std::vector<bench_sample> all = pubs;
        all.insert(all.end(), subs.begin(), subs.end());
        bench_sample total = aggregate(all);
        total.latencies_ns.clear();
        out += name + " Pub/Sub stats: " + sample_text(total) + "\n";
        indent = " ";
    }
    if (!pubs.empty()) side_report(out, indent, "Pub", pubs);
    if (!subs.empty()) side_report(out, indent, "Sub", subs);
    return out;
}

std::string sample_text_iec(const bench_sample& s) {
    std::string text = comma(s.rate()) + " msgs/sec ~ " + ibytes(static_cast<std::uint64_t>(s.throughput())) + "/sec";
    const auto& l = s.latencies_ns;
    if (!l.empty()) {
        text += " ~ min: " + us(latency_min_us(l)) + " ~ avg: " + us(latency_avg_us(l)) + " ~ max: " +
                us(latency_max_us(l)) + " ~ P50: " + us(latency_percentile_us(l, 50)) + " ~ P90: " +
                us(latency_percentile_us(l, 90)) + " ~ P99: " + us(latency_percentile_us(l, 99)) + " ~ P99.9: " +
                us(latency_percentile_us(l, 99.9));
    }
    return text;
}

std::string bench_type_report(const std::string& name, const std::string& label,
                              const std::vector<bench_sample>& samples) {
    if (samples.empty()) return "No publisher or subscribers. Nothing to report.";
    if (samples.size() == 1) return name + " " + label + " stats: " + sample_text_iec(samples[0]) + "\n";
    std::string out;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        out += "  [" + std::to_string(i + 1) + "] " + sample_text_iec(samples[i]) + " (" + comma(samples[i].job_msgs) +
               " msgs)\n";
    }
    const bench_sample group = aggregate(samples);
    out += "\n " + name + " " + label + " aggregated stats: " + comma(group.rate()) + " msgs/sec ~ " +
           ibytes(static_cast<std::uint64_t>(group.throughput())) + "/sec\n";
    out += " message rates " + rate_statistics(samples) + "\n";
    if (!group.latencies_ns.empty()) out += " latencies per operation " + latency_statistics(group.latencies_ns) + "\n";
    return out;
}

std::string bench_type_csv(const std::string& run_id, char prefix, const std::vector<bench_sample>& samples) {
    bool latencies = false;
    for (const auto& s : samples) latencies = latencies || !s.latencies_ns.empty();
    std::string out = "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs";
    if (latencies) {
        out += ",MinLatencyMicroSecs,AvgLatencyMicroSecs,MaxLatencyMicroSecs,P50LatencyMicroSecs,P90LatencyMicroSecs,"
               "P99LatencyMicroSecs,P99.9LatencyMicroSecs,StdDevLatencyMicroSecs";
    }
    out += "\n";
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        char line[512];
        int n = std::snprintf(line, sizeof line, "%s,%c%zu,%llu,%llu,%lld,%f,%f", run_id.c_str(), prefix, i,
                              static_cast<unsigned long long>(s.io_msgs), static_cast<unsigned long long>(s.msg_bytes),
                              static_cast<long long>(s.rate()), s.throughput(), s.seconds());
        if (latencies && n > 0 && static_cast<std::size_t>(n) < sizeof line) {
            const auto& l = s.latencies_ns;
            std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), ",%f,%f,%f,%f,%f,%f,%f,%f",
                          latency_min_us(l), latency_avg_us(l), latency_max_us(l), latency_percentile_us(l, 50),
                          latency_percentile_us(l, 90), latency_percentile_us(l, 99), latency_percentile_us(l, 99.9),
                          latency_stddev_us(l));
        }
        out += line;
        out += "\n";
    }
    return out;
}

std::string bench_csv(const std::string& run_id, const std::vector<bench_sample>& pubs,
                      const std::vector<bench_sample>& subs) {
    std::string out = "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs\n";
    auto rows = [&](const std::vector<bench_sample>& samples, const char* prefix) {
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const auto& s = samples[i];
            char line[256];
            std::snprintf(line, sizeof line, "%s,%s%zu,%llu,%llu,%lld,%f,%f\n", run_id.c_str(), prefix, i,
                          static_cast<unsigned long long>(s.io_msgs), static_cast<unsigned long long>(s.msg_bytes),
                          static_cast<long long>(s.rate()), s.throughput(), s.seconds());
            out += line;
        }
    };
    rows(subs, "S");
    rows(pubs, "P");
    return out;
}

std::vector<std::int64_t> messages_per_client(std::int64_t n, std::int64_t k) {
    std::vector<std::int64_t> counts;
    if (k <= 0 || n <= 0) return counts;
    counts.assign(static_cast<std::size_t>(k), n / k);
    for (std::int64_t i = 0; i < n % k; ++i) ++counts[static_cast<std::size_t>(i)];
    return counts;
}

} // namespace nats::cli
