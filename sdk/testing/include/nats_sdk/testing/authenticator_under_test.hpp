#pragma once
// An authenticator as the contract suite drives it: through the C ABI
// (nmk_authenticator), whether it comes from a plugin library or from elsewhere.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/testing/fake_host.hpp"
#include "nats_sdk/testing/plugin_loader.hpp"

namespace nats_sdk::testing {

// An answer, copied out of the result views.
struct AuthAnswer {
    nmk_auth_decision decision = NMK_AUTH_DEFER;
    std::string account;
    std::string user;
    std::string permissions_json;
    std::string deny_reason;
    std::int64_t max_payload = -1;
    std::int64_t max_subscriptions = -1;

    bool operator==(const AuthAnswer&) const = default;
};

inline const char* decision_name(nmk_auth_decision decision) {
    switch (decision) {
        case NMK_AUTH_ALLOW: return "ALLOW";
        case NMK_AUTH_DENY: return "DENY";
        case NMK_AUTH_DEFER: return "DEFER";
        case NMK_AUTH_PENDING: return "PENDING";
    }
    return "INVALID";
}

// What the kernel knows about the client, besides CONNECT.
struct ClientFacts {
    std::string client_ip = "127.0.0.1";
    std::uint16_t client_port = 50000;
    std::string nonce;
    bool tls = false;
    std::string tls_subject;
};

class AuthenticatorUnderTest {
public:
    // Loads the plugin at `path`, creates it with `config_json` on a FakeHost, starts
    // it, and tests the authenticator it registered as `name` (empty: the first one).
    static std::unique_ptr<AuthenticatorUnderTest> load(const std::string& path, std::string_view config_json,
                                                        std::string_view name = {}) {
        auto subject = std::unique_ptr<AuthenticatorUnderTest>(new AuthenticatorUnderTest());
        subject->owned_host_ = std::make_unique<FakeHost>();
        subject->host_ = subject->owned_host_.get();
        subject->library_ = std::make_unique<PluginLibrary>(path);
        subject->instance_ =
            std::make_unique<PluginInstance>(subject->library_->descriptor(), subject->host_->api(), config_json);
        subject->instance_->start();
        for (const auto& record : subject->host_->authenticators()) {
            if (name.empty() || record.name == name) {
                subject->table_ = record.table;
                break;
            }
        }
        if (subject->table_ == nullptr) {
            throw PluginError("plugin " + path + " registered no authenticator" +
                              (name.empty() ? std::string() : " named " + std::string(name)));
        }
        return subject;
    }

    // An authenticator table from anywhere (built into the kernel, made in the test).
    // `host` receives complete_auth() for PENDING answers; the caller keeps both alive.
    static std::unique_ptr<AuthenticatorUnderTest> wrap(const nmk_authenticator& table, FakeHost* host = nullptr) {
        auto subject = std::unique_ptr<AuthenticatorUnderTest>(new AuthenticatorUnderTest());
        subject->table_ = &table;
        subject->host_ = host;
        return subject;
    }

    AuthenticatorUnderTest(const AuthenticatorUnderTest&) = delete;
    AuthenticatorUnderTest& operator=(const AuthenticatorUnderTest&) = delete;
    ~AuthenticatorUnderTest() {
        instance_.reset();  // stop and destroy before the host and the library go
        owned_host_.reset();
        library_.reset();
    }

    const nmk_authenticator& table() const noexcept { return *table_; }
    FakeHost* host() const noexcept { return host_; }

    bool needs_nonce() const { return table_->needs_nonce(table_->self) != 0; }

    // Asks the authenticator about a client that sent `connect_json`. A PENDING answer
    // is waited for (running the FakeHost's tasks) up to `patience`.
    AuthAnswer ask(std::string_view connect_json, const ClientFacts& facts = {},
                   std::chrono::milliseconds patience = std::chrono::milliseconds(2000)) const {
        static std::atomic<std::uint64_t> next_handle{1};
        const std::uint64_t handle = next_handle.fetch_add(1);
        nmk_auth_request request{};
        request.struct_size = sizeof(nmk_auth_request);
        request.client_id = handle;
        request.connect_json = to_nmk(connect_json);
        request.client_ip = to_nmk(facts.client_ip);
        request.client_port = facts.client_port;
        request.nonce = to_nmk(facts.nonce);
        request.tls = facts.tls ? 1 : 0;
        request.tls_subject = to_nmk(facts.tls_subject);
        request.pending_handle = handle;
        return ask_raw(request, patience);
    }

    // Asks with a request built by the caller (e.g. all empty).
    AuthAnswer ask_raw(const nmk_auth_request& request,
                       std::chrono::milliseconds patience = std::chrono::milliseconds(2000)) const {
        nmk_auth_result result{};
        result.struct_size = sizeof(nmk_auth_result);
        result.decision = static_cast<nmk_auth_decision>(-1);
        result.max_payload = -1;
        result.max_subscriptions = -1;
        table_->authenticate(table_->self, &request, &result);
        if (result.decision != NMK_AUTH_PENDING) {
            return AuthAnswer{result.decision,
                              std::string(to_view(result.account)),
                              std::string(to_view(result.user)),
                              std::string(to_view(result.permissions_json)),
                              std::string(to_view(result.deny_reason)),
                              result.max_payload,
                              result.max_subscriptions};
        }
        if (host_ == nullptr) {
            throw std::logic_error("PENDING answer but no host to complete it");
        }
        const auto deadline = std::chrono::steady_clock::now() + patience;
        while (true) {
            host_->run_tasks();
            if (const auto done = host_->completed_auth(request.pending_handle)) {
                return AuthAnswer{done->decision, done->account, done->user, done->permissions_json,
                                  done->deny_reason, done->max_payload, done->max_subscriptions};
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                throw std::runtime_error("PENDING answer never completed");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

private:
    AuthenticatorUnderTest() = default;

    std::unique_ptr<FakeHost> owned_host_;
    std::unique_ptr<PluginLibrary> library_;
    std::unique_ptr<PluginInstance> instance_;
    FakeHost* host_ = nullptr;
    const nmk_authenticator* table_ = nullptr;
};

}  // namespace nats_sdk::testing
