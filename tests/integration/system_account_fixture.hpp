#pragma once
// What the system account's tests share (system_account_test.cpp,
// system_account_events_test.cpp): logging in as a configured user, reading the next
// message on a subject, a request and its JSON answer, and the SystemAccount fixture
// (a server with SYS and A, the system user listening on _R.>).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration::system_account {

#define SKIP_WITHOUT_SYSTEM_ACCOUNT() SKIP_WITHOUT_PLUGINS("system_account", "auth_users", "monitoring")

// The users of these configs have their name as password.
inline std::unique_ptr<RawClient> login(const ServerProcess& server, const std::string& user,
                                        json extra = json::object()) {
    auto c = std::make_unique<RawClient>(server.port());
    json options = {{"user", user}, {"pass", user}, {"headers", true}};
    options.update(extra);
    c->connect(options);
    return c;
}

// Keys of a JSON object in order.
inline std::vector<std::string> keys(const nlohmann::ordered_json& object) {
    std::vector<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
    return out;
}

// The next message (MSG or HMSG) seen by `client` within `wait` whose subject `wanted`
// accepts; other frames are read and dropped.
template <class Wanted>
std::optional<Frame> next_message(RawClient& client, Wanted wanted, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        Frame f;
        try {
            f = client.read_frame(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
        } catch (const std::exception&) {
            return std::nullopt;  // timed out
        }
        if ((f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) && wanted(std::string_view(f.subject)))
            return f;
    }
    return std::nullopt;
}

// The next message on `subject_prefix...` seen by `client` within `wait`.
inline std::optional<Frame> next_on(RawClient& client, std::string_view subject_prefix,
                                    std::chrono::milliseconds wait = std::chrono::milliseconds(3000)) {
    return next_message(client, [&](std::string_view s) { return s.starts_with(subject_prefix); }, wait);
}

// A request from `client` (already subscribed to _R.>) with reply subject _R.<n>; the
// answer's JSON, or nullopt when none came within `wait`.
inline std::optional<nlohmann::ordered_json> request(RawClient& client, const std::string& subject,
                                                     const std::string& body, int n,
                                                     std::chrono::milliseconds wait = std::chrono::milliseconds(2000)) {
    const std::string reply = "_R." + std::to_string(n);
    client.send("PUB " + subject + " " + reply + " " + std::to_string(body.size()) + "\r\n" + body + "\r\n");
    const auto f = next_message(client, [&](std::string_view s) { return s == reply; }, wait);
    if (!f) return std::nullopt;
    return nlohmann::ordered_json::parse(f->payload);
}

inline constexpr std::string_view two_accounts = R"(
accounts {
  SYS: { users: [{user: sys, password: sys}] }
  A: { users: [{user: a, password: a}] }
}
system_account: SYS
)";

// A server with two_accounts; requests go from the system user.
class SystemAccount : public ::testing::Test {
protected:
    void SetUp() override {
        SKIP_WITHOUT_SYSTEM_ACCOUNT();
        server_ = ServerProcess::with_config(two_accounts);
        sys_ = login(*server_, "sys");
        sys_->send("SUB _R.> 1\r\n");
        sys_->flush();
    }

    std::optional<nlohmann::ordered_json> request(const std::string& subject, const std::string& body,
                                                  std::chrono::milliseconds wait = std::chrono::milliseconds(2000)) {
        return system_account::request(*sys_, subject, body, ++requests_, wait);
    }

    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<RawClient> sys_;
    int requests_ = 0;
};

}  // namespace nats::integration::system_account
