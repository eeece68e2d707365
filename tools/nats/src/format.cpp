#include "format.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace nats::cli {
namespace {

std::string group_thousands(std::string digits) {
    std::string out;
    const std::size_t n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[i];
        const std::size_t left = n - i - 1;
        if (left > 0 && left % 3 == 0) out += ',';
    }
    return out;
}

} // namespace

std::string comma(std::int64_t value) {
    if (value < 0) {
        const auto magnitude = static_cast<std::uint64_t>(-(value + 1)) + 1;
        return "-" + group_thousands(std::to_string(magnitude));
    }
    return group_thousands(std::to_string(value));
}

std::string commaf(double value, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, std::fabs(value));
    std::string text = buf;
    std::string fraction;
    if (const auto dot = text.find('.'); dot != std::string::npos) {
        fraction = text.substr(dot + 1);
        text.resize(dot);
        while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    }
    std::string out = (value < 0 ? "-" : "") + group_thousands(text);
    if (!fraction.empty()) out += "." + fraction;
    return out;
}

std::string ibytes(std::uint64_t bytes) {
    static constexpr const char* sizes[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    char buf[64];
    if (bytes < 10) {
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
        return buf;
    }
    const double b = static_cast<double>(bytes);
    const int e = static_cast<int>(std::floor(std::log(b) / std::log(1024.0)));
    const double value = std::floor(b / std::pow(1024.0, e) * 10 + 0.5) / 10;
    std::snprintf(buf, sizeof buf, value < 10 ? "%.1f %s" : "%.0f %s", value, sizes[e]);
    return buf;
}

std::string bench_bytes(double bytes) {
    static constexpr const char* units[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
    char buf[64];
    if (!(bytes >= 1024)) {
        std::snprintf(buf, sizeof buf, "%.2f B", bytes);
        return buf;
    }
    int exp = static_cast<int>(std::log(bytes) / std::log(1024.0));
    if (exp > 6) exp = 6;
    std::snprintf(buf, sizeof buf, "%.2f %s", bytes / std::pow(1024.0, exp), units[exp - 1]);
    return buf;
}

std::int64_t parse_size(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    if (text.empty() || text.front() == '-') return -1;
    std::size_t i = 0;
    std::int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (number > (INT64_MAX - 9) / 10) return -1;
        number = number * 10 + (text[i] - '0');
        ++i;
    }
    if (i == 0) return -1;
    std::string suffix;
    for (char c : text.substr(i)) suffix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    int shift = 0;
    if (suffix.empty() || suffix == "B") shift = 0;
    else if (suffix == "K" || suffix == "KB" || suffix == "KIB") shift = 10;
    else if (suffix == "M" || suffix == "MB" || suffix == "MIB") shift = 20;
    else if (suffix == "G" || suffix == "GB" || suffix == "GIB") shift = 30;
    else if (suffix == "T" || suffix == "TB" || suffix == "TIB") shift = 40;
    else return -1;
    if (shift > 0 && number > (INT64_MAX >> shift)) return -1;
    return number << shift;
}

} // namespace nats::cli
