// JetStream's whole API request handling, in process: a JetStreamCore (plugins/jetstream)
// on the memory store (plugins/store_memory, serving `storage: file` streams too) behind a
// Bus that routes what the core publishes back to its own subscriptions the way the
// plugin's host does (API answers and deliveries echoed; acks, advisories and direct-get
// answers not), on one thread, so every answer is in before the next request and a
// finding replays from its input alone.
//
// Each input starts from a fresh fixture: account FUZZ with stream ORDERS (orders.>, five
// messages, allow_direct), a durable pull consumer PULL and a push consumer PUSH (which
// has delivered the five). The input is up to 16 requests separated by "\n%%\n"; in each,
// byte 0 picks the operation (its low 7 bits: a $JS.API subject, a publish, an ack, a
// restore chunk, the clock moving on; >= 0xE0: in account NOJS, which has no JetStream),
// byte 1 the subject's stream (bits 0-3; 15: the rest of the subject is the body's first
// line) and consumer (bits 4-6) tokens, bit 7 of byte 1 drops the reply subject; the rest
// is the body.
//
// What must hold: no crash, sanitizer report or escaping exception; an API request with a
// reply gets exactly one answer when one of the router's patterns matches its subject
// (none otherwise, and none without a reply), and that answer is a JSON object with the
// op's "type"; a PubAck, a restore chunk's answer and every advisory are JSON; a direct
// get gets at most one answer, a status or the message; the core settles (no endless
// ping-pong of messages, tasks or timers); /jsz and /varz's section stay JSON; closing the
// core leaves no restore staging file behind.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nats_sdk/subject.hpp>
#include <nlohmann/json.hpp>

#include "jetstream_core.hpp"
#include "monitoring/jsz.hpp"
#include "plugins/store_memory/memory_store.hpp"

namespace {

using nmk::jetstream::Bus;
using nmk::jetstream::DurableOutput;
using nmk::jetstream::JetStreamCore;
namespace subject = nats_sdk::subject;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fuzz_jetstream_api: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One message as the server would route it: to subscribers of `route` (the deliver
// subject of a delivery, else the subject), shown to them as `subject`.
struct Message {
    std::string account, route, subject, reply, headers, payload;
};

// The plugin's Bus (jetstream_plugin.cpp) without threads: what it would hand to the
// worker or an I/O thread is queued and run by settle() in arrival order.
class FuzzBus final : public Bus {
public:
    JetStreamCore* core = nullptr;
    std::vector<Message> sent;  // everything the core published, in order

    void publish(const std::string& account, std::string_view subj, std::string_view headers,
                 std::string_view payload) override {
        record({account, std::string(subj), std::string(subj), {}, std::string(headers), std::string(payload)}, false);
    }
    void publish_all(const std::string& account, std::vector<DurableOutput>& messages) override {
        for (auto& m : messages) record({account, m.subject, m.subject, {}, m.headers, m.payload}, false);
    }
    void publish_with_reply(const std::string& account, std::string_view subj, std::string_view reply,
                            std::string_view payload) override {
        record({account, std::string(subj), std::string(subj), std::string(reply), {}, std::string(payload)}, false);
    }
    void publish_internal(const std::string& account, std::string_view subj, std::string_view reply,
                          std::string_view payload) override {
        record({account, std::string(subj), std::string(subj), std::string(reply), {}, std::string(payload)}, true);
    }
    void deliver(const std::string& account, std::string_view deliver_subject, std::string_view subj,
                 std::string_view reply, std::string_view headers, std::string_view payload) override {
        Message m{account, std::string(deliver_subject), std::string(subj), std::string(reply), std::string(headers),
                  std::string(payload)};
        if (m.subject.empty()) m.subject = m.route;
        record(std::move(m), true);
    }
    // A requester is there unless its subject says it went away.
    bool has_interest(const std::string&, std::string_view subj) override { return subj.substr(0, 6) != "_GONE."; }

    std::uint64_t subscribe(const std::string& account, const std::string& subj, SessionMessage handler) override {
        sessions_[++next_id_] = {account, subj, std::move(handler)};
        return next_id_;
    }
    std::uint64_t subscribe_inline(const std::string& account, const std::string& subj, InlineMessage handler) override {
        inline_subs_[++next_id_] = {account, subj, std::move(handler)};
        return next_id_;
    }
    void unsubscribe(std::uint64_t id) override {
        sessions_.erase(id);
        inline_subs_.erase(id);
    }
    void post(std::chrono::milliseconds delay, std::function<void(JetStreamCore&)> task) override {
        // Delayed tasks (a restore's idle watch, a snapshot's ack wait, a link's retry)
        // would run seconds later: the input is over by then and the core closed.
        if (delay.count() <= 0) tasks_.push_back(std::move(task));
    }
    void listen(const std::string& account, const std::string& stream, const std::vector<std::string>& subjects) override {
        listens_[{account, stream}] = subjects;
    }
    void stop_listening(const std::string& account, const std::string& stream) override {
        listens_.erase({account, stream});
    }
    void log(int, const std::string&) override {}
    void attach_consumer(const std::string& account, const std::string& stream, const std::string& consumer,
                         const std::string& deliver_subject) override {
        consumers_[{account, stream, consumer}] = deliver_subject;
        // The plugin's interest watch reports the deliver subject's state at once.
        if (!deliver_subject.empty()) interest_.push_back({account, stream, consumer, has_interest(account, deliver_subject)});
    }
    void detach_consumer(const std::string& account, const std::string& stream, const std::string& consumer) override {
        consumers_.erase({account, stream, consumer});
    }
    void kick(const std::string& account, const std::string& stream) override { kicks_.insert({account, stream}); }
    void wake_at(std::int64_t unix_ns) override {
        if (wake_ns_ == 0 || unix_ns < wake_ns_) wake_ns_ = unix_ns;
    }

    // A client's message into the server.
    void client_publish(Message m) { queue_.push_back(std::move(m)); }

    // Runs everything queued until nothing is left. A server that keeps itself busy
    // forever (a delivery that feeds a stream that feeds the consumer...) is a finding.
    void settle() {
        constexpr int max_steps = 200'000;
        for (int step = 0;; ++step) {
            if (step == max_steps) fail("the core does not settle: " + std::to_string(max_steps) + " steps");
            if (!queue_.empty()) {
                Message m = std::move(queue_.front());
                queue_.pop_front();
                route(m);
            } else if (!tasks_.empty()) {
                auto task = std::move(tasks_.front());
                tasks_.pop_front();
                held(false, [&] { task(*core); });
            } else if (!interest_.empty()) {
                const Interest i = interest_.front();  // not a structured binding: clang 14 cannot capture one
                interest_.pop_front();
                held(true, [&] { core->handle_interest(i.account, i.stream, i.consumer, i.active); });
            } else if (!kicks_.empty()) {
                const auto kick = *kicks_.begin();
                kicks_.erase(kicks_.begin());
                held(true, [&] { core->deliver_stream(kick.first, kick.second); });
            } else if (wake_ns_ != 0 && wake_ns_ <= now_ns()) {
                wake_ns_ = 0;
                held(true, [&] { core->run_timers(now_ns()); });
            } else {
                return;
            }
        }
    }

    void reset() {
        sent.clear();
        queue_.clear();
        tasks_.clear();
        interest_.clear();
        kicks_.clear();
        sessions_.clear();
        inline_subs_.clear();
        listens_.clear();
        consumers_.clear();
        wake_ns_ = 0;
    }

private:
    struct Session {
        std::string account, subject;
        SessionMessage handler;
    };
    struct Inline {
        std::string account, subject;
        InlineMessage handler;
    };
    struct Interest {
        std::string account, stream, consumer;
        bool active;
    };

    void record(Message m, bool echo) {
        if (echo) queue_.push_back(m);
        sent.push_back(std::move(m));
    }

    // As the plugin's CoreAccess: the core held, inline delivery only on "I/O threads",
    // then a flush (the plugin flushes after each API batch and each publish read).
    template <class Fn>
    void held(bool io, Fn&& fn) {
        core->set_inline_delivery(io);
        fn();
        core->flush();
        core->set_inline_delivery(false);
    }

    // The plugin's subscriptions, in its order of precedence where several match.
    void route(const Message& m) {
        constexpr std::string_view api = "$JS.API.", pull = "$JS.API.CONSUMER.MSG.NEXT.", direct = "$JS.API.DIRECT.GET.";
        const std::string_view r = m.route;
        if (r.substr(0, api.size()) == api) {
            if (r.substr(0, pull.size()) == pull) {
                held(true, [&] { core->handle_pull(m.account, r, m.reply, m.payload); });
            } else {
                const bool io = r.substr(0, direct.size()) == direct;
                held(io, [&] { core->handle_api(m.account, r, m.reply, m.headers, m.payload, 7); });
            }
        }
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            const auto id = it->first;
            if (it->second.account == m.account && subject::literal_matches(r, it->second.subject)) {
                auto handler = it->second.handler;  // the session may end inside
                held(false, [&] { handler(*core, m.subject, m.reply, m.payload); });
            }
            it = sessions_.upper_bound(id);
        }
        for (auto it = inline_subs_.begin(); it != inline_subs_.end();) {
            const auto id = it->first;
            if (it->second.account == m.account && subject::literal_matches(r, it->second.subject)) {
                auto handler = it->second.handler;
                held(true, [&] { handler(*core, m.subject, m.reply, m.headers, m.payload); });
            }
            it = inline_subs_.upper_bound(id);
        }
        std::vector<std::string> streams;
        for (const auto& [key, subjects] : listens_) {
            if (key.first != m.account) continue;
            for (const auto& s : subjects) {
                if (subject::literal_matches(r, s)) {
                    streams.push_back(key.second);
                    break;
                }
            }
        }
        for (const auto& stream : streams)
            held(true, [&] { core->handle_publish(m.account, stream, m.subject, m.reply, m.headers, m.payload); });
        std::vector<std::tuple<std::string, std::string, bool>> links;  // stream, consumer, is an ack
        for (const auto& [key, deliver] : consumers_) {
            const auto& [account, stream, consumer] = key;
            if (account != m.account) continue;
            if (subject::literal_matches(r, "$JS.ACK." + stream + "." + consumer + ".*.*.*.*.*"))
                links.emplace_back(stream, consumer, true);
            else if (subject::literal_matches(r, "$JS.FC." + stream + "." + consumer + ".*"))
                links.emplace_back(stream, consumer, false);
        }
        for (const auto& link : links) {
            const std::string& stream = std::get<0>(link);
            const std::string& consumer = std::get<1>(link);
            held(true, [&] {
                if (std::get<2>(link)) core->handle_ack(m.account, stream, consumer, m.subject, m.reply, m.payload);
                else core->handle_flow_control(m.account, stream, consumer, m.subject);
            });
        }
    }

    std::deque<Message> queue_;
    std::deque<std::function<void(JetStreamCore&)>> tasks_;
    std::deque<Interest> interest_;
    std::set<std::pair<std::string, std::string>> kicks_;
    std::map<std::uint64_t, Session> sessions_;
    std::map<std::uint64_t, Inline> inline_subs_;
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> listens_;
    std::map<std::tuple<std::string, std::string, std::string>, std::string> consumers_;
    std::int64_t wake_ns_ = 0;
    std::uint64_t next_id_ = 0;
};

// ApiRouter's patterns (api/api_router.cpp; a route added there must be added here, or its
// answers fail the count): a request whose subject matches one is
// answered exactly once; `type` is its answer's type ("": not a JSON answer).
struct Route {
    std::string_view pattern, type;
    bool answers_without_js;
};
constexpr Route routes[] = {
    {"INFO", "account_info_response", true},
    {"STREAM.CREATE.*", "stream_create_response", true},
    {"STREAM.UPDATE.*", "stream_update_response", true},
    {"STREAM.NAMES", "stream_names_response", true},
    {"STREAM.LIST", "stream_list_response", true},
    {"STREAM.INFO.*", "stream_info_response", true},
    {"STREAM.DELETE.*", "stream_delete_response", true},
    {"STREAM.PURGE.*", "stream_purge_response", true},
    {"STREAM.MSG.DELETE.*", "stream_msg_delete_response", true},
    {"STREAM.MSG.GET.*", "stream_msg_get_response", true},
    {"STREAM.SNAPSHOT.*", "stream_snapshot_response", true},
    {"STREAM.RESTORE.*", "stream_restore_response", true},
    {"DIRECT.GET.*", "", false},
    {"DIRECT.GET.*.>", "", false},
    {"CONSUMER.CREATE.*", "consumer_create_response", true},
    {"CONSUMER.CREATE.*.>", "consumer_create_response", true},
    {"CONSUMER.DURABLE.CREATE.*.*", "consumer_create_response", true},
    {"CONSUMER.NAMES.*", "consumer_names_response", true},
    {"CONSUMER.LIST.*", "consumer_list_response", true},
    {"CONSUMER.INFO.*.*", "consumer_info_response", true},
    {"CONSUMER.DELETE.*.*", "consumer_delete_response", true},
    {"CONSUMER.LEADER.STEPDOWN.*.*", "consumer_leader_stepdown_response", true},
};

const Route* route_of(std::string_view subj) {
    constexpr std::string_view api = "$JS.API.";
    if (subj.substr(0, api.size()) != api) return nullptr;
    for (const auto& r : routes) {
        if (subject::literal_matches(subj.substr(api.size()), r.pattern)) return &r;
    }
    return nullptr;
}

// The operations byte 0 picks. {s}: the stream token, {c}: the consumer token.
enum class Kind { api, publish, ack, restore_chunk, replay_snapshot, raw, clock };
struct Op {
    Kind kind;
    std::string_view subject;
};
constexpr Op ops[] = {
    {Kind::api, "$JS.API.INFO"},
    {Kind::api, "$JS.API.STREAM.CREATE.{s}"},
    {Kind::api, "$JS.API.STREAM.UPDATE.{s}"},
    {Kind::api, "$JS.API.STREAM.INFO.{s}"},
    {Kind::api, "$JS.API.STREAM.DELETE.{s}"},
    {Kind::api, "$JS.API.STREAM.PURGE.{s}"},
    {Kind::api, "$JS.API.STREAM.MSG.GET.{s}"},
    {Kind::api, "$JS.API.STREAM.MSG.DELETE.{s}"},
    {Kind::api, "$JS.API.STREAM.NAMES"},
    {Kind::api, "$JS.API.STREAM.LIST"},
    {Kind::api, "$JS.API.STREAM.SNAPSHOT.{s}"},
    {Kind::api, "$JS.API.STREAM.RESTORE.{s}"},
    {Kind::api, "$JS.API.CONSUMER.CREATE.{s}"},
    {Kind::api, "$JS.API.CONSUMER.CREATE.{s}.{c}"},
    {Kind::api, "$JS.API.CONSUMER.CREATE.{s}.{c}.orders.2"},
    {Kind::api, "$JS.API.CONSUMER.DURABLE.CREATE.{s}.{c}"},
    {Kind::api, "$JS.API.CONSUMER.INFO.{s}.{c}"},
    {Kind::api, "$JS.API.CONSUMER.DELETE.{s}.{c}"},
    {Kind::api, "$JS.API.CONSUMER.NAMES.{s}"},
    {Kind::api, "$JS.API.CONSUMER.LIST.{s}"},
    {Kind::api, "$JS.API.CONSUMER.MSG.NEXT.{s}.{c}"},
    {Kind::api, "$JS.API.CONSUMER.LEADER.STEPDOWN.{s}.{c}"},
    {Kind::api, "$JS.API.DIRECT.GET.{s}"},
    {Kind::api, "$JS.API.DIRECT.GET.{s}.orders.3"},
    {Kind::api, "$JS.API.STREAM.LEADER.STEPDOWN.{s}"},
    {Kind::api, "$JS.API.STREAM.PEER.REMOVE.{s}"},
    {Kind::api, "$JS.API.META.LEADER.STEPDOWN"},
    {Kind::publish, "orders.{s}"},  // the body: [NATS/1.0 headers \r\n\r\n] payload
    {Kind::ack, ""},                // the body to the reply of the newest delivery to {c}
    {Kind::restore_chunk, ""},      // the body as a chunk of the newest restore
    {Kind::replay_snapshot, ""},    // the newest snapshot's chunks (acked) into the newest restore
    {Kind::raw, ""},                // the body's first line is the subject
    {Kind::clock, ""},              // timers and expiry run the body's seconds (up to 1 h) ahead
};

// 16 (bits 0-3 of byte 1); the last is used only where the body does not give the tail.
constexpr std::string_view stream_tokens[] = {"ORDERS", "ORDERS",     "FZ", "NOPE",   "a.b",  "*",    ">",  "",
                                              "ÖRDERS", "\xff\xfe", "KV_b", "ORDERS.PULL", "FZ", "ORDERS", "O RD", "FZ"};
static_assert(std::size(stream_tokens) == 16);
constexpr std::string_view consumer_tokens[] = {"PULL", "PUSH", "FZC", "NOPE", "a.b", "*", "", "PULL"};

std::string expand(std::string_view pattern, std::string_view stream, std::string_view consumer) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern.substr(i, 3) == "{s}") {
            out += stream;
            i += 2;
        } else if (pattern.substr(i, 3) == "{c}") {
            out += consumer;
            i += 2;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

std::pair<std::string_view, std::string_view> first_line(std::string_view body) {
    const auto nl = body.find('\n');
    if (nl == std::string_view::npos) return {body, {}};
    return {body.substr(0, nl), body.substr(nl + 1)};
}

// "NATS/1.0...\r\n\r\n" at the front of a body is its header block.
std::pair<std::string_view, std::string_view> split_headers(std::string_view body) {
    if (body.substr(0, 8) != "NATS/1.0") return {{}, body};
    const auto end = body.find("\r\n\r\n");
    if (end == std::string_view::npos) return {{}, body};
    return {body.substr(0, end + 4), body.substr(end + 4)};
}

nlohmann::json json_of(const Message& m, const char* what) {
    auto doc = nlohmann::json::parse(m.payload, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) fail(std::string(what) + " on '" + m.route + "' is not a JSON object: " + m.payload);
    return doc;
}

class Fixture {
public:
    Fixture() {
        char dir[] = "/tmp/fuzz_jetstream_api.XXXXXX";
        if (::mkdtemp(dir) == nullptr) fail("mkdtemp");
        settings_.store_dir = dir;
        settings_.max_memory = 64 << 20;
        settings_.max_store = 64 << 20;
        settings_.server_name = "fuzz";
        settings_.max_payload = 1 << 20;
    }
    ~Fixture() {
        std::error_code ignored;
        std::filesystem::remove_all(settings_.store_dir, ignored);
    }

    JetStreamCore& open() {
        bus.reset();
        core_ = std::make_unique<JetStreamCore>(settings_, bus, memory_, JetStreamCore::Backends{{"file", file_}});
        bus.core = core_.get();
        core_->open();
        core_->enable_account("FUZZ", nmk::jetstream::AccountLimits{});
        setup("$JS.API.STREAM.CREATE.ORDERS",
              R"({"name":"ORDERS","subjects":["orders.>"],"allow_direct":true,"duplicate_window":60000000000})");
        for (int i = 1; i <= 5; ++i) {
            bus.client_publish({"FUZZ", "orders." + std::to_string(i), "orders." + std::to_string(i), {},
                                i == 4 ? "NATS/1.0\r\nNats-Msg-Id: m4\r\n\r\n" : "", "order " + std::to_string(i)});
        }
        bus.settle();
        setup("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.PULL",
              R"({"stream_name":"ORDERS","config":{"durable_name":"PULL","ack_policy":"explicit","max_waiting":16}})");
        setup("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.PUSH",
              R"({"stream_name":"ORDERS","config":{"durable_name":"PUSH","deliver_subject":"_INBOX.push","ack_policy":"explicit","idle_heartbeat":5000000000,"flow_control":true}})");
        return *core_;
    }

    void close() {
        core_.reset();
        bus.core = nullptr;
        const auto staging = std::filesystem::path(settings_.store_dir) / ".snap-staging";
        std::error_code ec;
        if (std::filesystem::exists(staging, ec) && !std::filesystem::is_empty(staging, ec))
            fail("a restore's staging file outlived the core");
    }

    FuzzBus bus;

private:
    void setup(const std::string& subj, std::string_view body) {
        bus.client_publish({"FUZZ", subj, subj, "_INBOX.setup", {}, std::string(body)});
        bus.settle();
        for (const auto& m : bus.sent) {
            if (m.route == "_INBOX.setup" && json_of(m, "setup answer").contains("error")) fail("fixture: " + m.payload);
        }
    }

    nmk::jetstream::ServerSettings settings_;
    std::shared_ptr<nats::store_memory::MemoryBackend> memory_ = std::make_shared<nats::store_memory::MemoryBackend>();
    std::shared_ptr<nats::store_memory::MemoryBackend> file_ = std::make_shared<nats::store_memory::MemoryBackend>();
    std::unique_ptr<JetStreamCore> core_;
};

// The answers to one request's reply subject, checked as its kind promises.
void check_answers(const FuzzBus& bus, std::size_t from, const std::string& request, const std::string& reply,
                   Kind kind, bool has_js) {
    std::vector<const Message*> answers;
    for (std::size_t i = from; i < bus.sent.size(); ++i) {
        if (!reply.empty() && bus.sent[i].route == reply) answers.push_back(&bus.sent[i]);
    }
    if (kind == Kind::api && request.rfind("$JS.API.CONSUMER.MSG.NEXT.", 0) == 0) return;  // messages and statuses
    const Route* route = kind == Kind::api ? route_of(request) : nullptr;
    if (route != nullptr && route->type.empty()) {
        // A direct get: one message or status, or silence (no such stream, no allow_direct).
        if (answers.size() > 1) fail("direct get '" + request + "' answered " + std::to_string(answers.size()) + " times");
        if (!answers.empty() && answers[0]->headers.substr(0, 8) != "NATS/1.0") fail("direct get answer without a status line");
        return;
    }
    if (kind == Kind::api) {
        const bool answers_once = route != nullptr && !reply.empty() && (has_js || route->answers_without_js);
        if (answers.size() != (answers_once ? 1u : 0u))
            fail("'" + request + "' answered " + std::to_string(answers.size()) + " times");
        if (answers.empty()) return;
        const auto doc = json_of(*answers[0], "API answer");
        const std::string type = "io.nats.jetstream.api.v1." + std::string(route->type);
        if (!doc.contains("type") || doc["type"] != type) fail("answer to '" + request + "' has no type " + type);
        if (doc.contains("error")) {
            const auto& e = doc["error"];
            if (!e.is_object() || !e.contains("code") || !e["code"].is_number_integer() || !e.contains("description"))
                fail("malformed error in " + answers[0]->payload);
        }
        if (!answers[0]->headers.empty()) fail("API answer with headers");
        return;
    }
    if (kind == Kind::publish || kind == Kind::restore_chunk || kind == Kind::replay_snapshot) {
        // A PubAck (or nothing, when no stream takes the subject); a chunk's empty ack or
        // a restore's result.
        if (kind == Kind::publish && answers.size() > 1) fail("a publish got " + std::to_string(answers.size()) + " acks");
        for (const auto* a : answers) {
            if (!a->payload.empty()) json_of(*a, "answer");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    FuzzBus& bus = fixture.bus;
    fixture.open();
    JetStreamCore* core = bus.core;
    bus.sent.clear();

    std::size_t at = 0;
    for (int n = 0; n < 16 && at < input.size(); ++n) {
        constexpr std::string_view separator = "\n%%\n";
        auto end = input.find(separator, at);
        if (end == std::string_view::npos) end = input.size();
        const std::string_view request = input.substr(at, end - at);
        at = end + separator.size();
        if (request.size() < 2) continue;

        const auto b0 = static_cast<std::uint8_t>(request[0]);
        const auto b1 = static_cast<std::uint8_t>(request[1]);
        const Op& op = ops[(b0 & 0x7f) % std::size(ops)];
        const std::string account = b0 >= 0xE0 ? "NOJS" : "FUZZ";
        std::string_view body = request.substr(2);
        std::string subj;
        if ((b1 & 0x0f) == 15 && op.kind == Kind::api) {
            // The subject's tail (after the op's fixed tokens) from the body's first line.
            const auto [tail, rest] = first_line(body);
            const std::string_view pattern = op.subject;
            const auto brace = pattern.find('{');
            subj = std::string(pattern.substr(0, brace == std::string_view::npos ? pattern.size() : brace)) + std::string(tail);
            body = rest;
        } else {
            subj = expand(op.subject, stream_tokens[b1 & 0x0f], consumer_tokens[(b1 >> 4) & 7]);
        }
        const std::string reply = (b1 & 0x80) ? std::string() : "_INBOX.fz." + std::to_string(n);
        const std::size_t from = bus.sent.size();

        switch (op.kind) {
            case Kind::api:
                bus.client_publish({account, subj, subj, reply, {}, std::string(body)});
                break;
            case Kind::publish: {
                const auto [headers, payload] = split_headers(body);
                bus.client_publish({account, subj, subj, reply, std::string(headers), std::string(payload)});
                break;
            }
            case Kind::raw: {
                const auto [line, rest] = first_line(body);
                const auto [headers, payload] = split_headers(rest);
                subj = std::string(line);
                bus.client_publish({account, subj, subj, reply, std::string(headers), std::string(payload)});
                break;
            }
            case Kind::ack: {
                // The newest delivery to the consumer token's consumer (PULL: to a pull
                // request's reply; PUSH: to _INBOX.push).
                const std::string prefix = "$JS.ACK.ORDERS." + std::string(consumer_tokens[(b1 >> 4) & 7]) + ".";
                for (auto it = bus.sent.rbegin(); it != bus.sent.rend(); ++it) {
                    if (it->reply.rfind(prefix, 0) == 0) {
                        subj = it->reply;
                        break;
                    }
                }
                if (subj.empty()) subj = prefix + "1.1.1.0.0";
                bus.client_publish({account, subj, subj, reply, {}, std::string(body)});
                break;
            }
            case Kind::restore_chunk:
            case Kind::replay_snapshot: {
                // The newest restore's deliver subject, from its answer.
                std::string deliver;
                for (auto it = bus.sent.rbegin(); it != bus.sent.rend() && deliver.empty(); ++it) {
                    if (it->route.rfind("_INBOX.fz.", 0) != 0 || it->payload.find("\"deliver_subject\"") == std::string::npos)
                        continue;
                    const auto doc = nlohmann::json::parse(it->payload, nullptr, false);
                    if (doc.is_object() && doc.contains("deliver_subject") && doc["deliver_subject"].is_string())
                        deliver = doc["deliver_subject"].get<std::string>();
                }
                if (deliver.empty()) deliver = "$JS.SNAPSHOT.RESTORE.ORDERS.none";
                if (op.kind == Kind::restore_chunk) {
                    bus.client_publish({account, deliver, deliver, reply, {}, std::string(body)});
                    break;
                }
                // The newest snapshot: its chunks (reply $JS.SNAPSHOT.ACK...) to one deliver
                // subject; each is acked, then sent on as a restore chunk, then the end.
                std::string snapshot_to;
                for (auto it = bus.sent.rbegin(); it != bus.sent.rend(); ++it) {
                    if (it->reply.rfind("$JS.SNAPSHOT.ACK.", 0) == 0) {
                        snapshot_to = it->route;
                        break;
                    }
                }
                std::vector<Message> chunks;
                for (const auto& m : bus.sent) {
                    if (!snapshot_to.empty() && m.route == snapshot_to && m.reply.rfind("$JS.SNAPSHOT.ACK.", 0) == 0)
                        chunks.push_back(m);
                }
                int k = 0;
                for (const auto& c : chunks) {
                    bus.client_publish({account, c.reply, c.reply, {}, {}, {}});
                    const std::string chunk_reply = reply.empty() ? std::string() : reply + ".c" + std::to_string(k++);
                    bus.client_publish({account, deliver, deliver, chunk_reply, {}, c.payload});
                }
                bus.client_publish({account, deliver, deliver, reply, {}, {}});
                break;
            }
            case Kind::clock: {
                std::int64_t seconds = 0;
                for (const char c : body.substr(0, 4)) {
                    if (c < '0' || c > '9') break;
                    seconds = seconds * 10 + (c - '0');
                }
                const std::int64_t later = now_ns() + seconds * 1'000'000'000;
                core->set_inline_delivery(true);
                core->run_timers(later);
                core->flush();
                core->set_inline_delivery(false);
                (void)core->expire_all(later);
                core->flush();
                break;
            }
        }
        bus.settle();
        check_answers(bus, from, subj, reply, op.kind, account == "FUZZ");
    }

    static const bool trace = std::getenv("FUZZ_JS_API_TRACE") != nullptr;  // to see what a seed does
    for (const auto& m : bus.sent) {
        if (trace) {
            std::fprintf(stderr, "%s [%s] %.300s\n", m.route.c_str(), m.reply.c_str(), m.payload.c_str());
            // A snapshot chunk in hex too, to make restore seeds from.
            if (m.reply.rfind("$JS.SNAPSHOT.ACK.", 0) == 0) {
                std::fprintf(stderr, "chunk-hex ");
                for (const unsigned char c : m.payload) std::fprintf(stderr, "%02x", c);
                std::fprintf(stderr, "\n");
            }
        }
        if (m.route.rfind("$JS.EVENT.", 0) == 0) json_of(m, "advisory");
    }
    for (const bool all : {false, true}) {
        nmk::jetstream::JszOptions options;
        options.accounts = options.streams = options.consumers = options.config = all;
        const auto page = nlohmann::json::parse(nmk::jetstream::jsz_json(*core, "FUZZSERVER", options), nullptr, false);
        if (page.is_discarded()) fail("/jsz is not JSON");
    }
    if (nlohmann::json::parse(nmk::jetstream::varz_section_json(*core), nullptr, false).is_discarded())
        fail("/varz's jetstream section is not JSON");
    fixture.close();
    return 0;
}
