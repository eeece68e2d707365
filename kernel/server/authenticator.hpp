#pragma once
// Who may connect, decided by a chain of authenticators (plugins register
// them). For each CONNECT the server asks them in registration order: the first
// allow or deny wins, defer asks the next one, pending pauses the connection
// until Server::complete_auth(). The server only applies the answer (account,
// limits); the decision is the authenticator's.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nats::server {

enum class AuthDecision { allow, deny, defer, pending };

// What the server knows about a connecting client. Views valid during authenticate() only.
struct AuthRequest {
    std::uint64_t client_id = 0;
    std::string_view connect_json;
    std::string_view client_ip;
    std::uint16_t client_port = 0;
    std::string_view nonce;        // sent in INFO, empty when none
    bool tls = false;
    std::string_view tls_subject;  // verified client certificate subject, empty when none
    std::uint64_t pending_handle = 0;
};

struct AuthResult {
    AuthDecision decision = AuthDecision::defer;
    std::string account;           // empty: "$G"
    std::string user;              // for logs and monitoring
    std::string permissions_json;  // kept with the connection; empty: everything allowed
    std::string deny_reason;       // logged, never sent
    std::int64_t max_payload = -1;        // <0: server default
    std::int64_t max_subscriptions = -1;  // <0: server default
    std::int64_t expires_unix_ns = 0;     // when the credentials end (a JWT's exp): closed then; 0: never
};

class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual const std::string& name() const = 0;
    // Whether INFO must carry a nonce for this authenticator.
    virtual bool needs_nonce() = 0;
    // Runs on the client's I/O thread; must not block (answer pending instead).
    virtual AuthResult authenticate(const AuthRequest& request) = 0;
};
using AuthenticatorPtr = std::shared_ptr<Authenticator>;
using AuthenticatorChain = std::vector<AuthenticatorPtr>;

}  // namespace nats::server
