#include "plugins/monitoring/time_text.hpp"

#include <cstdio>
#include <ctime>

namespace nats::monitoring {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto since = t.time_since_epoch();
    const auto secs = floor<seconds>(since);
    const long long ns = duration_cast<nanoseconds>(since - secs).count();
    const std::time_t tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char head[32];
    std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = head;
    if (ns > 0) {
        char frac[32];
        std::snprintf(frac, sizeof frac, ".%09lld", ns);
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out + "Z";
}

std::string rfc3339_now() { return rfc3339(std::chrono::system_clock::now()); }

}  // namespace nats::monitoring
