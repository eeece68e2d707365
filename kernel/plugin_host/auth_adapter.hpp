#pragma once
// A plugin's nmk_authenticator as the server's Authenticator: converts the
// request and the answer, and never lets an exception or a stopped plugin
// through (both count as "not mine": defer, or deny for an exception).
#include <memory>
#include <string>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/server/authenticator.hpp"

namespace nats::plugins {

class AuthAdapter final : public server::Authenticator {
public:
    AuthAdapter(std::string name, std::string plugin, const nmk_authenticator& table, std::shared_ptr<CallGate> gate);
    const std::string& name() const override { return name_; }
    bool needs_nonce() override;
    server::AuthResult authenticate(const server::AuthRequest& request) override;

private:
    std::string name_;
    std::string plugin_;
    nmk_authenticator table_;
    std::shared_ptr<CallGate> gate_;
};

// The result a plugin filled in (or passed to complete_auth), copied. An
// unknown decision becomes a deny.
server::AuthResult convert_auth_result(const nmk_auth_result& result);

}  // namespace nats::plugins
