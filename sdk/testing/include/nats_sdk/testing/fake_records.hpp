#pragma once
// What the FakeHost records of a plugin's calls, and the test's description of a
// client (fake_clients.hpp). Plain values: copies are handed to the test.
#include <chrono>
#include <cstdint>
#include <string>

#include "nats_sdk/abi.hpp"

namespace nats_sdk::testing {

struct LogRecord {
    nmk_log_level level;
    std::string text;
};

struct PublishRecord {
    std::string account;
    std::string subject;
    std::string reply;
    std::string headers;
    std::string payload;
    std::uint64_t link_id = 0;  // non-zero: sent with link_publish()
    // "publish", "publish_ex", "publish_batch", "publish_deliver", "publish_deliver_batch" or "link_publish"
    std::string call = "publish";
    std::uint32_t flags = 0;        // the SDK 1.1/1.2 calls: the NMK_PUBLISH_* flags
    std::string deliver_subject{};  // publish_deliver(_batch): what it was routed by; `subject` is what receivers saw
};

// A plugin's subscription: made with subscribe() (callback) or subscribe_ex() (callback_ex).
struct SubscriptionRecord {
    std::uint64_t id;
    std::string account;
    std::string subject;
    std::string queue;
    nmk_message_callback callback;
    void* user;
    bool active;
    nmk_message_ex_callback callback_ex = nullptr;
    nmk_account_handle handle = 0;  // subscribe_ex: the handle it was made with
};

struct TimerRecord {
    std::uint64_t id;
    std::uint64_t delay_ms;
    std::uint64_t repeat_ms;
    nmk_task_callback callback;
    void* user;
    bool active;
    std::uint64_t fired;
};

struct MetricRecord {
    std::uint64_t id;
    std::string name;
    std::string help;
    nmk_metric_type type;
    std::int64_t value;
};

struct HttpEndpointRecord {
    std::string path;
    nmk_http_handler handler;
    void* user;
};

struct AuthenticatorRecord {
    std::string name;
    const nmk_authenticator* table;
};

struct LinkRecord {
    std::uint64_t id;
    std::string name;
    const nmk_link_callbacks* callbacks;
};

struct RemoteInterestRecord {
    std::uint64_t link_id;
    std::uint64_t id;
    std::string account;
    std::string subject;
    std::string queue;
    std::int32_t weight;
    bool active;
};

struct ExtensionRecord {
    std::string kind;
    std::string name;
    const void* table;
};

struct CompletedAuth {
    std::uint64_t handle;
    nmk_auth_decision decision;
    std::string account;
    std::string user;
    std::string permissions_json;
    std::string deny_reason;
    std::int64_t max_payload;
    std::int64_t max_subscriptions;
};

struct HttpAnswer {
    int status = 200;
    std::string content_type;
    std::string body;
};

// A client connected to the fake server (FakeHost::clients().connect()). The counters
// and `stop` are reported with its disconnect; out_msgs/out_bytes also grow with what
// the fake delivers to it.
struct FakeClient {
    std::uint64_t id = 0;  // 0: the next free id
    std::string account = "$G";
    std::string user;
    std::string name;
    std::string lang;
    std::string version;
    std::string ip = "127.0.0.1";
    std::uint16_t port = 0;
    bool tls = false;
    std::chrono::system_clock::time_point start = std::chrono::system_clock::now();
    std::uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
};

// How full a fake client's outbound queue is, which decides what a publish does to it
// (as the kernel's client delivery): `pressured` is past half of max_pending (it still
// receives, counted in nmk_publish_result.pressured); `full` means the next message
// would pass max_pending: it is skipped and counted in `overflowed` under
// NMK_PUBLISH_NO_OVERFLOW, otherwise dropped and the client is cut as a slow consumer.
enum class FakeQueue { normal, pressured, full };

}  // namespace nats_sdk::testing
