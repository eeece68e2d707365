#include "source/source_link.hpp"

#include <openssl/sha.h>

#include <array>
#include <charconv>
#include <vector>

#include <nats_sdk/go_json.hpp>

#include "consumer/consumer_config.hpp"
#include "consumer/consumer_text.hpp"

namespace nmk::jetstream {

namespace {

constexpr std::int64_t ns_per_second = 1'000'000'000;
// What nats-server asks for: no acks (a wait far beyond any retry), one delivery each,
// heartbeats every second (sourceHealthCheckInterval).
constexpr std::int64_t source_ack_wait_ns = 22 * 3600 * ns_per_second;
constexpr std::int64_t source_heartbeat_ns = ns_per_second;

std::vector<std::string_view> tokens(std::string_view subject) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < subject.size(); ++i) {
        if (subject[i] == '.') {
            out.push_back(subject.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(subject.substr(start));
    return out;
}

template <class T>
bool number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// strings.ReplaceAll(s, "..", ".") as nats-server cleans joined prefixes.
std::string collapse_double_dots(std::string s) {
    for (auto at = s.find(".."); at != std::string::npos; at = s.find("..", at)) s.erase(at, 1);
    return s;
}

}  // namespace

std::optional<AckReplyInfo> parse_ack_reply(std::string_view reply) {
    const auto t = tokens(reply);
    if (t.size() != 9 || t[0] != "$JS" || t[1] != "ACK") return std::nullopt;
    AckReplyInfo info;
    info.consumer = t[3];
    if (!number(t[4], info.delivered_count) || !number(t[5], info.stream_sequence) ||
        !number(t[6], info.consumer_sequence) || !number(t[7], info.time_ns) || !number(t[8], info.pending))
        return std::nullopt;
    return info;
}

bool is_control_message(std::string_view headers, std::string_view payload) {
    return payload.empty() && headers.starts_with("NATS/1.0 100 ");
}

std::string short_hash(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::array<unsigned char, SHA256_DIGEST_LENGTH> sum{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), sum.data());
    std::string out(8, '0');
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = digits[sum[i] % 62];
    return out;
}

std::string source_header_value(std::string_view index_name, std::string_view ack_reply) {
    // genSourceHeader: the origin sequence as the reply spells it ("1" when the reply is
    // not an ack reply).
    const auto t = tokens(ack_reply);
    std::string_view seq = "1";
    if (t.size() == 9 && t[0] == "$JS" && t[1] == "ACK") seq = t[5];
    std::string out(index_name);
    out += ' ';
    out += seq;
    return out;
}

std::optional<std::pair<std::string, std::uint64_t>> parse_source_header(std::string_view value) {
    if (value.starts_with("$JS.ACK.")) {
        // The 2.2 form: the whole ack reply.
        const auto t = tokens(value);
        std::uint64_t seq = 0;
        if (t.size() != 9 || !number(t[5], seq)) return std::nullopt;
        return std::pair{std::string(t[2]), seq};
    }
    // strings.Fields: exactly two fields separated by blanks.
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < value.size() && value[i] != ' ' && value[i] != '\t') ++i;
        if (i > start) fields.push_back(value.substr(start, i - start));
    }
    std::uint64_t seq = 0;
    if (fields.size() != 2 || !number(fields[1], seq)) return std::nullopt;
    return std::pair{std::string(fields[0]), seq};
}

SourceLink::SourceLink(Kind kind, StreamSource config) : kind_(kind), config_(std::move(config)) {
    index_name_ = config_.external ? config_.name + ":" + short_hash(config_.external->api) : config_.name;
}

std::string SourceLink::new_deliver_subject() const {
    const std::string suffix = std::string(kind_ == Kind::mirror ? "M." : "S.") + random_token(8);
    if (config_.external && !config_.external->deliver.empty())
        return collapse_double_dots(config_.external->deliver + "." + suffix);
    return "$JS." + suffix;
}

SourceLink::Request SourceLink::consumer_request(const std::string& deliver_subject, std::uint64_t opt_start_seq,
                                                 std::int64_t opt_start_time_ns, const std::string& name) const {
    ConsumerConfig c;
    c.deliver_subject = deliver_subject;
    c.ack_policy = AckPolicy::none;
    c.ack_wait_ns = source_ack_wait_ns;
    c.max_deliver = 1;
    c.idle_heartbeat_ns = source_heartbeat_ns;
    c.flow_control = true;
    c.direct = true;
    if (opt_start_time_ns != 0) {
        c.deliver_policy = DeliverPolicy::by_start_time;
        c.opt_start_time = GoTime::from_unix_ns(opt_start_time_ns);
    } else if (opt_start_seq != 0) {
        c.deliver_policy = DeliverPolicy::by_start_sequence;
        c.opt_start_seq = opt_start_seq;
    } else {
        c.deliver_policy = DeliverPolicy::all;
    }
    c.filter_subject = config_.filter_subject;

    Request r;
    if (!c.filter_subject.empty()) {
        // 2.9's named form, which carries the filter in the subject.
        c.name = name;
        r.subject = "$JS.API.CONSUMER.CREATE." + config_.name + "." + name + "." + c.filter_subject;
    } else {
        r.subject = "$JS.API.CONSUMER.CREATE." + config_.name;
    }
    if (config_.external) r.subject = collapse_double_dots(config_.external->api + r.subject.substr(7));

    nats_sdk::GoJsonWriter w(false);
    w.begin_object().field("stream_name", config_.name).key("config");
    write_consumer_config(w, c);
    w.end_object();
    r.body = w.take();
    return r;
}

}  // namespace nmk::jetstream
