#include "plugins/monitoring/go_query.hpp"

#include <limits>

namespace nats::monitoring {

namespace {

std::string syntax_error(std::string_view function, std::string_view value, bool range) {
    return "strconv." + std::string(function) + ": parsing " + go_quote(value) +
           (range ? ": value out of range" : ": invalid syntax");
}

// Decimal digits into an unsigned value, scanned as Go's strconv.ParseUint
// scans: nullopt on a non-digit met first, `range` set (and the scan ended) at
// the first digit that overflows, whatever follows it ("99999999999999999999x"
// is out of range, not invalid syntax).
std::optional<std::uint64_t> parse_digits(std::string_view s, bool& range) {
    if (s.empty()) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
            range = true;
            return std::numeric_limits<std::uint64_t>::max();
        }
        n = n * 10 + d;
    }
    return n;
}

}  // namespace

std::optional<std::string> decode_bool(const GoQuery& q, std::string_view key, bool& out) {
    const std::string v = q.get(key);
    out = false;
    if (v.empty()) return std::nullopt;
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") {
        out = true;
        return std::nullopt;
    }
    if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return std::nullopt;
    return "Error decoding boolean for '" + std::string(key) + "': " + syntax_error("ParseBool", v, false);
}

std::optional<std::string> decode_int(const GoQuery& q, std::string_view key, std::int64_t& out) {
    const std::string v = q.get(key);
    out = 0;
    if (v.empty()) return std::nullopt;
    std::string_view digits = v;
    const bool negative = digits.front() == '-';
    if (digits.front() == '+' || digits.front() == '-') digits.remove_prefix(1);
    bool range = false;
    const auto n = parse_digits(digits, range);
    const std::uint64_t limit = negative ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
                                         : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const std::string prefix = "Error decoding int for '" + std::string(key) + "': ";
    if (!n) return prefix + syntax_error("Atoi", v, false);
    if (range || *n > limit) return prefix + syntax_error("Atoi", v, true);
    out = negative ? static_cast<std::int64_t>(0 - *n) : static_cast<std::int64_t>(*n);
    return std::nullopt;
}

std::optional<std::string> decode_uint64(const GoQuery& q, std::string_view key, std::uint64_t& out) {
    const std::string v = q.get(key);
    out = 0;
    if (v.empty()) return std::nullopt;
    bool range = false;
    const auto n = parse_digits(v, range);
    const std::string prefix = "Error decoding uint64 for '" + std::string(key) + "': ";
    if (!n) return prefix + syntax_error("ParseUint", v, false);
    if (range) return prefix + syntax_error("ParseUint", v, true);
    out = *n;
    return std::nullopt;
}

}  // namespace nats::monitoring
