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

}  // namespace nats::integration
