#include "consumer/consumer_config.hpp"

#include <charconv>
#include <ctime>
#include <limits>
#include <stdexcept>

#include <nats_sdk/go_quote.hpp>
#include <nats_sdk/subject.hpp>

#include "api/go_decode.hpp"

namespace nmk::jetstream {

using nlohmann::ordered_json;

namespace {

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t default_ack_wait_ns = 30'000 * ms;  // JsAckWaitDefault
constexpr std::int64_t default_max_ack_pending = 1000;     // JsDefaultMaxAckPending
constexpr std::int64_t default_max_waiting = 512;          // JSWaitQueueDefaultMax
constexpr std::size_t max_description = 4 * 1024;          // JSMaxDescriptionLen

// strings.TrimSuffix(s, "%"): one percent sign at most.
std::string_view without_percent(std::string_view s) {
    if (!s.empty() && s.back() == '%') s.remove_suffix(1);
    return s;
}

// Go's strconv.Atoi on a 64-bit build: an optional sign, decimal digits, and the first
// problem met left to right decides the error (syntax, or range once the digits overflow).
struct GoAtoi {
    std::int64_t value = 0;
    std::string error;  // the error's text, empty when parsed
};

GoAtoi go_atoi(std::string_view s) {
    const auto fail = [&](std::string_view why) {
        return GoAtoi{0, "strconv.Atoi: parsing " + nats_sdk::go_quote(s) + ": " + std::string(why)};
    };
    std::string_view digits = s;
    bool negative = false;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
        negative = digits.front() == '-';
        digits.remove_prefix(1);
    }
    if (digits.empty()) return fail("invalid syntax");
    std::uint64_t n = 0;
    constexpr std::uint64_t max_magnitude = std::uint64_t{1} << 63;  // -(MinInt64)
    for (char ch : digits) {
        if (ch < '0' || ch > '9') return fail("invalid syntax");
        const auto d = static_cast<std::uint64_t>(ch - '0');
        if (n > (UINT64_MAX - d) / 10) return fail("value out of range");
        n = n * 10 + d;
    }
    if ((!negative && n > max_magnitude - 1) || (negative && n > max_magnitude)) return fail("value out of range");
    return GoAtoi{negative ? static_cast<std::int64_t>(0 - n) : static_cast<std::int64_t>(n), {}};
}

// The enums' UnmarshalJSON: only their exact strings; null is refused too.
[[noreturn]] void bad_enum(const ordered_json& v) {
    throw std::invalid_argument("can not unmarshal " + v.dump());
}

DeliverPolicy deliver_from(const ordered_json& v) {
    if (!v.is_string()) bad_enum(v);
    const auto& s = v.get_ref<const std::string&>();
    if (s == "all" || s == "undefined") return DeliverPolicy::all;
    if (s == "last") return DeliverPolicy::last;
    if (s == "new") return DeliverPolicy::new_only;
    if (s == "by_start_sequence") return DeliverPolicy::by_start_sequence;
    if (s == "by_start_time") return DeliverPolicy::by_start_time;
    if (s == "last_per_subject") return DeliverPolicy::last_per_subject;
    bad_enum(v);
}

AckPolicy ack_from(const ordered_json& v) {
    if (!v.is_string()) bad_enum(v);
    const auto& s = v.get_ref<const std::string&>();
    if (s == "none") return AckPolicy::none;
    if (s == "all") return AckPolicy::all;
    if (s == "explicit") return AckPolicy::explicit_ack;
    bad_enum(v);
}

ReplayPolicy replay_from(const ordered_json& v) {
    if (!v.is_string()) bad_enum(v);
    const auto& s = v.get_ref<const std::string&>();
    if (s == "instant") return ReplayPolicy::instant;
    if (s == "original") return ReplayPolicy::original;
    bad_enum(v);
}

int digits(std::string_view s, std::size_t at, std::size_t n) {
    int value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') throw std::invalid_argument("parsing time as RFC 3339");
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

// "[", "a", "b"]: the filter's wider wildcard forms are checked against each subject.
bool filter_inside_stream(std::string_view filter, const std::vector<std::string>& subjects) {
    namespace subj = nats_sdk::subject;
    if (!subj::is_valid_subject(filter)) return false;
    const bool wildcard = subj::has_wildcard(filter);
    for (const auto& s : subjects) {
        if (subj::is_subset_match(filter, s)) return true;
        if (wildcard && subj::is_subset_match(s, filter)) return true;
    }
    return false;
}

}  // namespace

GoTime parse_go_time(std::string_view s) {
    // 2006-01-02T15:04:05[.999999999](Z|+07:00)
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        throw std::invalid_argument("parsing time \"" + std::string(s) + "\" as RFC 3339");
    std::tm tm{};
    tm.tm_year = digits(s, 0, 4) - 1900;
    tm.tm_mon = digits(s, 5, 2) - 1;
    tm.tm_mday = digits(s, 8, 2);
    tm.tm_hour = digits(s, 11, 2);
    tm.tm_min = digits(s, 14, 2);
    tm.tm_sec = digits(s, 17, 2);
    if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
        throw std::invalid_argument("parsing time \"" + std::string(s) + "\": out of range");
    std::size_t at = 19;
    std::int64_t fraction = 0;
    if (at < s.size() && s[at] == '.') {
        ++at;
        int n = 0;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
            if (n < 9) fraction = fraction * 10 + (s[at] - '0');
            ++n;
            ++at;
        }
        if (n == 0) throw std::invalid_argument("parsing time \"" + std::string(s) + "\" as RFC 3339");
        for (int i = std::min(n, 9); i < 9; ++i) fraction *= 10;
    }
    GoTime t;
    if (at < s.size() && (s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) {
        t.utc = true;
    } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
        const int minutes = digits(s, at + 1, 2) * 60 + digits(s, at + 4, 2);
        t.offset_minutes = s[at] == '-' ? -minutes : minutes;
        t.utc = false;
    } else {
        throw std::invalid_argument("parsing time \"" + std::string(s) + "\" as RFC 3339");
    }
    const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - std::int64_t{t.offset_minutes} * 60;
    t.unix_seconds = seconds;
    t.nanos = static_cast<std::int32_t>(fraction);
    return t;
}

std::int64_t GoTime::unix_ns() const noexcept {
    constexpr std::int64_t billion = 1'000'000'000;
    constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t least = std::numeric_limits<std::int64_t>::min();
    if (unix_seconds > (most - nanos) / billion) return most;
    if (unix_seconds < least / billion + 1) return least;
    return unix_seconds * billion + nanos;
}

GoTime GoTime::from_unix_ns(std::int64_t unix_ns) noexcept {
    constexpr std::int64_t billion = 1'000'000'000;
    GoTime t;
    t.unix_seconds = unix_ns / billion;
    std::int64_t nanos = unix_ns % billion;
    if (nanos < 0) {
        nanos += billion;
        --t.unix_seconds;
    }
    t.nanos = static_cast<std::int32_t>(nanos);
    return t;
}

std::string format_go_time(const GoTime& t) {
    const std::int64_t seconds = t.unix_seconds + std::int64_t{t.offset_minutes} * 60;
    const std::int64_t nanos = t.nanos;
    const std::time_t tt = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::string out = buf;
    if (nanos != 0) {
        std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
        std::string f = buf;
        while (f.back() == '0') f.pop_back();  // RFC3339Nano trims trailing zeros
        out += f;
    }
    if (t.utc) {
        out += 'Z';
    } else {
        const int m = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
        std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
        out += buf;
    }
    return out;
}

ConsumerConfig consumer_config_from_json(const ordered_json& json) {
    ConsumerConfig c;
    go_decode::members(json, "config", [&](std::string_view key, const ordered_json& v) {
        using namespace go_decode;
        if (key == "durable_name") c.durable = text(v, key);
        else if (key == "name") c.name = text(v, key);
        else if (key == "description") c.description = text(v, key);
        else if (key == "deliver_policy") c.deliver_policy = deliver_from(v);
        else if (key == "opt_start_seq") c.opt_start_seq = unsigned_int(v, key);
        else if (key == "opt_start_time") c.opt_start_time = v.is_null() ? std::nullopt : std::optional(parse_go_time(text(v, key)));
        else if (key == "ack_policy") c.ack_policy = ack_from(v);
        else if (key == "ack_wait") c.ack_wait_ns = signed_int(v, key);
        else if (key == "max_deliver") c.max_deliver = signed_int(v, key);
        else if (key == "backoff") {
            c.backoff_ns.clear();
            if (!v.is_null()) {
                if (!v.is_array()) wrong_type(key, "[]time.Duration");
                for (const auto& item : v) c.backoff_ns.push_back(signed_int(item, key));
            }
        } else if (key == "filter_subject") c.filter_subject = text(v, key);
        else if (key == "replay_policy") c.replay_policy = replay_from(v);
        else if (key == "rate_limit_bps") c.rate_limit_bps = unsigned_int(v, key);
        else if (key == "sample_freq") c.sample_freq = text(v, key);
        else if (key == "max_waiting") c.max_waiting = signed_int(v, key);
        else if (key == "max_ack_pending") c.max_ack_pending = signed_int(v, key);
        else if (key == "idle_heartbeat") c.idle_heartbeat_ns = signed_int(v, key);
        else if (key == "flow_control") c.flow_control = boolean(v, key);
        else if (key == "headers_only") c.headers_only = boolean(v, key);
        else if (key == "max_batch") c.max_batch = signed_int(v, key);
        else if (key == "max_expires") c.max_expires_ns = signed_int(v, key);
        else if (key == "max_bytes") c.max_bytes = signed_int(v, key);
        else if (key == "deliver_subject") c.deliver_subject = text(v, key);
        else if (key == "deliver_group") c.deliver_group = text(v, key);
        else if (key == "inactive_threshold") c.inactive_threshold_ns = signed_int(v, key);
        else if (key == "num_replicas") c.replicas = signed_int(v, key);
        else if (key == "mem_storage") c.mem_storage = boolean(v, key);
        else if (key == "direct") c.direct = boolean(v, key);
    });
    return c;
}

void write_consumer_config(nats_sdk::GoJsonWriter& w, const ConsumerConfig& c) {
    w.begin_object();
    if (!c.durable.empty()) w.field("durable_name", c.durable);
    if (!c.name.empty()) w.field("name", c.name);
    if (!c.description.empty()) w.field("description", c.description);
    w.field("deliver_policy", to_string(c.deliver_policy));
    if (c.opt_start_seq != 0) w.field("opt_start_seq", c.opt_start_seq);
    if (c.opt_start_time) w.field("opt_start_time", format_go_time(*c.opt_start_time));
    w.field("ack_policy", to_string(c.ack_policy));
    if (c.ack_wait_ns != 0) w.field("ack_wait", c.ack_wait_ns);
    if (c.max_deliver != 0) w.field("max_deliver", c.max_deliver);
    if (!c.backoff_ns.empty()) {
        w.key("backoff").begin_array();
        for (auto d : c.backoff_ns) w.value(d);
        w.end_array();
    }
    if (!c.filter_subject.empty()) w.field("filter_subject", c.filter_subject);
    w.field("replay_policy", to_string(c.replay_policy));
    if (c.rate_limit_bps != 0) w.field("rate_limit_bps", c.rate_limit_bps);
    if (!c.sample_freq.empty()) w.field("sample_freq", c.sample_freq);
    if (c.max_waiting != 0) w.field("max_waiting", c.max_waiting);
    if (c.max_ack_pending != 0) w.field("max_ack_pending", c.max_ack_pending);
    if (c.idle_heartbeat_ns != 0) w.field("idle_heartbeat", c.idle_heartbeat_ns);
    if (c.flow_control) w.field("flow_control", true);
    if (c.headers_only) w.field("headers_only", true);
    if (c.max_batch != 0) w.field("max_batch", c.max_batch);
    if (c.max_expires_ns != 0) w.field("max_expires", c.max_expires_ns);
    if (c.max_bytes != 0) w.field("max_bytes", c.max_bytes);
    if (!c.deliver_subject.empty()) w.field("deliver_subject", c.deliver_subject);
    if (!c.deliver_group.empty()) w.field("deliver_group", c.deliver_group);
    if (c.inactive_threshold_ns != 0) w.field("inactive_threshold", c.inactive_threshold_ns);
    w.field("num_replicas", c.replicas);
    if (c.mem_storage) w.field("mem_storage", true);
    if (c.direct) w.field("direct", true);
    w.end_object();
}

std::string_view to_string(DeliverPolicy p) {
    switch (p) {
        case DeliverPolicy::all: return "all";
        case DeliverPolicy::last: return "last";
        case DeliverPolicy::new_only: return "new";
        case DeliverPolicy::by_start_sequence: return "by_start_sequence";
        case DeliverPolicy::by_start_time: return "by_start_time";
        case DeliverPolicy::last_per_subject: return "last_per_subject";
    }
    return "all";
}

std::string_view to_string(AckPolicy p) {
    switch (p) {
        case AckPolicy::none: return "none";
        case AckPolicy::all: return "all";
        case AckPolicy::explicit_ack: return "explicit";
    }
    return "explicit";
}

std::string_view to_string(ReplayPolicy p) { return p == ReplayPolicy::instant ? "instant" : "original"; }

void set_consumer_defaults(ConsumerConfig& c, const ConsumerLimits& limits) {
    if (c.deliver_subject.empty() && c.max_waiting == 0) c.max_waiting = default_max_waiting;
    const bool acks = c.ack_policy == AckPolicy::explicit_ack || c.ack_policy == AckPolicy::all;
    if (c.ack_wait_ns == 0 && acks) c.ack_wait_ns = default_ack_wait_ns;
    if (c.max_deliver == 0) c.max_deliver = -1;
    if (!c.backoff_ns.empty()) c.ack_wait_ns = c.backoff_ns.front();
    if (acks && c.max_ack_pending == 0) {
        std::int64_t pending = default_max_ack_pending;
        if (limits.server_max_ack_pending > 0 && limits.server_max_ack_pending < pending) pending = limits.server_max_ack_pending;
        if (limits.account_max_ack_pending > 0 && limits.account_max_ack_pending < pending) pending = limits.account_max_ack_pending;
        c.max_ack_pending = pending;
    }
    if (c.deliver_subject.empty() && c.max_batch == 0 && limits.server_max_request_batch > 0)
        c.max_batch = limits.server_max_request_batch;
}

std::optional<ApiError> check_consumer_config(const ConsumerConfig& c, const StreamConfig& stream, const ConsumerLimits& limits) {
    namespace subj = nats_sdk::subject;
    const std::int64_t stream_replicas = stream.replicas == 0 ? 1 : stream.replicas;
    if (c.replicas > 0 && c.replicas > stream_replicas) return ApiError::of(ErrorId::JSConsumerReplicasExceedsStream);
    if (c.replicas < 0) return ApiError::of(ErrorId::JSReplicasCountCannotBeNegative);
    if (!c.backoff_ns.empty() && c.max_deliver <= static_cast<std::int64_t>(c.backoff_ns.size()))
        return ApiError::of(ErrorId::JSConsumerMaxDeliverBackoff);
    if (c.description.size() > max_description)
        return ApiError::with(ErrorId::JSConsumerDescriptionTooLong, std::to_string(max_description));

    if (!c.deliver_subject.empty()) {
        if (!subj::is_literal(c.deliver_subject)) return ApiError::of(ErrorId::JSConsumerDeliverToWildcards);
        if (!subj::is_valid_subject(c.deliver_subject)) return ApiError::of(ErrorId::JSConsumerInvalidDeliverSubject);
        for (const auto& s : stream.subjects) {
            if (subj::is_subset_match(c.deliver_subject, s)) return ApiError::of(ErrorId::JSConsumerDeliverCycle);
        }
        if (c.max_waiting != 0) return ApiError::of(ErrorId::JSConsumerPushMaxWaiting);
        if (c.max_ack_pending > 0 && c.ack_policy == AckPolicy::none)
            return ApiError::of(ErrorId::JSConsumerMaxPendingAckPolicyRequired);
        if (c.idle_heartbeat_ns > 0 && c.idle_heartbeat_ns < 100 * ms) return ApiError::of(ErrorId::JSConsumerSmallHeartbeat);
    } else {
        if (c.ack_policy == AckPolicy::none && stream.retention == Retention::workqueue)
            return ApiError::of(ErrorId::JSConsumerPullRequiresAck);
        if (c.rate_limit_bps > 0) return ApiError::of(ErrorId::JSConsumerPullWithRateLimit);
        if (c.max_waiting < 0) return ApiError::of(ErrorId::JSConsumerMaxWaitingNegative);
        if (c.idle_heartbeat_ns > 0) return ApiError::of(ErrorId::JSConsumerHBRequiresPush);
        if (c.flow_control) return ApiError::of(ErrorId::JSConsumerFCRequiresPush);
        if (c.max_batch < 0) return ApiError::of(ErrorId::JSConsumerMaxRequestBatchNegative);
        if (c.max_expires_ns != 0 && c.max_expires_ns < ms) return ApiError::of(ErrorId::JSConsumerMaxRequestExpiresToSmall);
        if (limits.server_max_request_batch > 0 && c.max_batch > limits.server_max_request_batch)
            return ApiError::with(ErrorId::JSConsumerMaxRequestBatchExceeded, std::to_string(limits.server_max_request_batch));
    }
    if (limits.server_max_ack_pending > 0 && c.max_ack_pending > limits.server_max_ack_pending)
        return ApiError::with(ErrorId::JSConsumerMaxPendingAckExcess, std::to_string(limits.server_max_ack_pending));
    if (limits.account_max_ack_pending > 0 && c.max_ack_pending > limits.account_max_ack_pending)
        return ApiError::with(ErrorId::JSConsumerMaxPendingAckExcess, std::to_string(limits.account_max_ack_pending));

    if (c.direct) {
        if (c.deliver_subject.empty()) return ApiError::of(ErrorId::JSConsumerDirectRequiresPush);
        if (c.is_durable()) return ApiError::of(ErrorId::JSConsumerDirectRequiresEphemeral);
    }
    if (!c.filter_subject.empty() && !filter_inside_stream(c.filter_subject, stream.subjects))
        return ApiError::of(ErrorId::JSConsumerFilterNotSubset);

    const auto bad_start = [](std::string_view policy, std::string_view start) {
        return ApiError::with(ErrorId::JSConsumerInvalidPolicy, "consumer delivery policy is deliver " + std::string(policy) +
                                                                    ", but optional start " + std::string(start) +
                                                                    " is also set");
    };
    const auto not_set = [](std::string_view policy, std::string_view what) {
        return ApiError::with(ErrorId::JSConsumerInvalidPolicy, "consumer delivery policy is deliver " + std::string(policy) +
                                                                    ", but optional " + std::string(what) + " is not set");
    };
    const bool seq = c.opt_start_seq > 0;
    const bool time = c.opt_start_time.has_value();
    switch (c.deliver_policy) {
        case DeliverPolicy::all:
            if (seq) return bad_start("all", "sequence");
            if (time) return bad_start("all", "time");
            break;
        case DeliverPolicy::last:
            if (seq) return bad_start("last", "sequence");
            if (time) return bad_start("last", "time");
            break;
        case DeliverPolicy::last_per_subject:
            if (seq) return bad_start("last per subject", "sequence");
            if (time) return bad_start("last per subject", "time");
            if (c.filter_subject.empty()) return not_set("last per subject", "filter subject");
            break;
        case DeliverPolicy::new_only:
            if (seq) return bad_start("new", "sequence");
            if (time) return bad_start("new", "time");
            break;
        case DeliverPolicy::by_start_sequence:
            if (!seq) return not_set("by start sequence", "start sequence");
            if (time) return bad_start("by start sequence", "time");
            break;
        case DeliverPolicy::by_start_time:
            if (!time) return not_set("by start time", "start time");
            if (seq) return bad_start("by start time", "start sequence");
            break;
    }
    if (!c.sample_freq.empty()) {
        const GoAtoi parsed = go_atoi(without_percent(c.sample_freq));
        // A negative value has no parse error to show: Go prints the nil error as <nil>.
        if (!parsed.error.empty()) return ApiError::with(ErrorId::JSConsumerInvalidSampling, parsed.error);
        if (parsed.value < 0) return ApiError::with(ErrorId::JSConsumerInvalidSampling, "<nil>");
    }
    if (c.flow_control && c.idle_heartbeat_ns == 0) return ApiError::of(ErrorId::JSConsumerWithFlowControlNeedsHeartbeats);
    if (!c.durable.empty() && !c.name.empty() && c.name != c.durable)
        return ApiError::of(ErrorId::JSConsumerCreateDurableAndNameMismatch);
    return std::nullopt;
}

std::optional<ApiError> check_consumer_update(const ConsumerConfig& cur, const ConsumerConfig& req, bool deliver_subject_in_use) {
    if (cur == req) return std::nullopt;
    const auto refuse = [](std::string_view text) { return ApiError::with(ErrorId::JSConsumerCreate, text); };
    if (cur.deliver_policy != req.deliver_policy) return refuse("deliver policy can not be updated");
    if (cur.opt_start_seq != req.opt_start_seq) return refuse("start sequence can not be updated");
    if (cur.opt_start_time != req.opt_start_time) return refuse("start time can not be updated");
    if (cur.ack_policy != req.ack_policy) return refuse("ack policy can not be updated");
    if (cur.replay_policy != req.replay_policy) return refuse("replay policy can not be updated");
    if (cur.idle_heartbeat_ns != req.idle_heartbeat_ns) return refuse("heart beats can not be updated");
    if (cur.flow_control != req.flow_control) return refuse("flow control can not be updated");
    if (cur.max_waiting != req.max_waiting) return refuse("max waiting can not be updated");
    if (cur.deliver_subject != req.deliver_subject) {
        if (cur.deliver_subject.empty()) return refuse("can not update pull consumer to push based");
        if (req.deliver_subject.empty()) return refuse("can not update push consumer to pull based");
        if (deliver_subject_in_use) return ApiError::of(ErrorId::JSConsumerNameExist);
    }
    if (!req.backoff_ns.empty() && req.max_deliver <= static_cast<std::int64_t>(req.backoff_ns.size()))
        return ApiError::of(ErrorId::JSConsumerMaxDeliverBackoff);
    return std::nullopt;
}

int sample_percent(std::string_view s) {
    // nats-server keeps int32(Atoi(...)): a value past 32 bits wraps as Go's conversion does.
    const GoAtoi parsed = go_atoi(without_percent(s));
    if (!parsed.error.empty()) return 0;
    const auto wrapped = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(parsed.value)));
    return wrapped < 0 ? 0 : wrapped;
}

}  // namespace nmk::jetstream
