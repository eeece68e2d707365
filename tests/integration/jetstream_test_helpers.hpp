#pragma once
// JetStream over the raw protocol, for tests that compare bytes with nats-server 2.9.10:
// a server with JetStream on a private store folder, and a client that sends API
// requests and publishes and returns the reply exactly as it arrived.
#include <openssl/evp.h>

#include <regex>
#include <string>

#include "tests/integration/integration_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {

// A server with JetStream (`-js -sd <dir>`); `config` may add more.
inline std::unique_ptr<ServerProcess> start_jetstream(const test_support::TempDir& store, std::string_view config = {},
                                                      std::vector<std::string> args = {}) {
    args.insert(args.end(), {"-js", "-sd", store.path().string()});
    return start_server(config, std::move(args));
}

// Owners of libnats' JetStream objects, for the tests that use the C client.
struct JsCtxDeleter {
    void operator()(jsCtx* js) const { jsCtx_Destroy(js); }
};
struct StreamInfoDeleter {
    void operator()(jsStreamInfo* si) const { jsStreamInfo_Destroy(si); }
};
struct PubAckDeleter {
    void operator()(jsPubAck* pa) const { jsPubAck_Destroy(pa); }
};
struct MsgDeleter {
    void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
struct SubDeleter {
    void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
struct ConsumerInfoDeleter {
    void operator()(jsConsumerInfo* ci) const { jsConsumerInfo_Destroy(ci); }
};
using JsCtxPtr = std::unique_ptr<jsCtx, JsCtxDeleter>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, StreamInfoDeleter>;
using PubAckPtr = std::unique_ptr<jsPubAck, PubAckDeleter>;
using MsgPtr = std::unique_ptr<natsMsg, MsgDeleter>;
using SubPtr = std::unique_ptr<natsSubscription, SubDeleter>;
using ConsumerInfoPtr = std::unique_ptr<jsConsumerInfo, ConsumerInfoDeleter>;

class JsClient {
public:
    explicit JsClient(int port, const json& connect_options = json::object()) : raw_(port) {
        json options = {{"headers", true}, {"no_responders", true}, {"protocol", 1}};
        options.update(connect_options);
        raw_.connect(options);
        raw_.send("SUB _INBOX.js.* 1\r\n");
        raw_.flush();
    }

    // Publishes (with headers when given) with a fresh reply subject and returns the
    // reply's frame; throws when none arrives within the client's timeout.
    Frame request(std::string_view subject, std::string_view body = {}, std::string_view headers = {}) {
        const std::string reply = "_INBOX.js." + std::to_string(++counter_);
        raw_.send(headers.empty() ? pub(subject, body, reply) : hpub(subject, headers, body, reply));
        for (;;) {
            Frame f = raw_.read_frame();
            if ((f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) && f.subject == reply) return f;
        }
    }
    // A pull request (CONSUMER.MSG.NEXT): what comes back to the reply subject, a message
    // shown under its stream subject or a status, is the next frame on the inbox.
    Frame pull(std::string_view subject, std::string_view body = {}) {
        const std::string reply = "_INBOX.js." + std::to_string(++counter_);
        raw_.send(pub(subject, body, reply));
        for (;;) {
            Frame f = raw_.read_frame();
            if ((f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) && f.sid == "1") return f;
        }
    }
    std::string reply(std::string_view subject, std::string_view body = {}, std::string_view headers = {}) {
        return request(subject, body, headers).payload;
    }
    json reply_json(std::string_view subject, std::string_view body = {}, std::string_view headers = {}) {
        return json::parse(reply(subject, body, headers));
    }
    // No reply arrives for `subject` within `window` (an op nobody answers).
    bool silent(std::string_view subject, std::string_view body, std::chrono::milliseconds window) {
        const std::string reply = "_INBOX.js." + std::to_string(++counter_);
        raw_.send(pub(subject, body, reply));
        const std::string got = raw_.read_for(window);
        return got.find(reply) == std::string::npos;
    }
    RawClient& raw() { return raw_; }

private:
    RawClient raw_;
    int counter_ = 0;
};

// Go's []byte in JSON: standard base64.
inline std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Replaces the time stamps ("created", "first_ts", "last_ts", "time") with "T", so two
// servers' answers compare byte for byte.
inline std::string mask_times(std::string text) {
    static const std::regex stamp(R"re("(created|first_ts|last_ts|time)":"[^"]*")re");
    return std::regex_replace(text, stamp, "\"$1\":\"T\"");
}

// An advisory's or metric's JSON with its "id" and "timestamp" (different every time)
// replaced by "I" and "T".
inline std::string mask_event(std::string text) {
    static const std::regex id(R"re("id":"[^"]*")re");
    static const std::regex stamp(R"re("timestamp":"[^"]*")re");
    return std::regex_replace(std::regex_replace(text, id, "\"id\":\"I\""), stamp, "\"timestamp\":\"T\"");
}

// One token of a delivery's ack subject
// $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>: 4 is the delivery
// count, 5 the stream sequence, 7 the time the message was stored (unix ns).
inline std::uint64_t ack_token(const std::string& reply, int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) {
        start = reply.find('.', start);
        if (start == std::string::npos) return 0;
        ++start;
    }
    return std::stoull(reply.substr(start, reply.find('.', start) - start));
}

// A frame and when it was read.
struct TimedFrame {
    Frame frame;
    std::chrono::steady_clock::time_point at;
};

// The next message on `client` that is not a status (heartbeats and flow control are
// skipped), with its arrival time.
inline TimedFrame next_message(RawClient& client, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        Frame f = client.read_frame(std::max(left, std::chrono::milliseconds(1)));
        if (f.kind == Frame::Kind::msg || (f.kind == Frame::Kind::hmsg && f.headers.rfind("NATS/1.0 1", 0) != 0))
            return {std::move(f), std::chrono::steady_clock::now()};
    }
}

inline double seconds_between(const TimedFrame& a, const TimedFrame& b) {
    return std::chrono::duration<double>(b.at - a.at).count();
}

}  // namespace nats::integration
