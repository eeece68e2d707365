// Client, CONNECT and authentication: the options, the authenticator chain (a
// pending answer holds what follows and replays it), the account, permissions and
// limits a client is admitted with, and re-authentication after a reload. Owner thread.
#include "kernel/server/client.hpp"

#include <nlohmann/json.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <limits>

#include <nats_sdk/go_quote.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/server/client_detail.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

using detail::no_limit;
using detail::round_trip_ns;
using detail::steady;
using detail::steady_ns;

namespace {

// nats-server's minLimit: the smaller of two limits, where only -1 means none
// (another negative value is a limit nothing fits under, as in Go).
std::int64_t min_limit(std::int64_t a, std::int64_t b) {
    if (a == no_limit) return b;
    if (b == no_limit) return a;
    return std::min(a, b);
}

// CONNECT as traced: passwords and tokens never reach the log.
std::string redact_connect(std::string_view json) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::string(json);
    for (const char* secret : {"pass", "auth_token", "sig"})
        if (doc.contains(secret)) doc[secret] = "[REDACTED]";
    return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool Client::on_connect(std::string_view json) {
    if (auth_pending_) {
        hold(HeldOp::Kind::connect, json);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [CONNECT {}]", remote_ip_, remote_port_, id_, redact_connect(json));
    {
        // nats-server: CONNECT is activity, and its delay since the accept is the first round-trip estimate.
        const auto now = steady::now();
        last_activity_ns_.store(steady_ns(now), std::memory_order_relaxed);
        rtt_ns_.store(round_trip_ns(created_, now), std::memory_order_relaxed);
    }
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        // nats-server closes without a word here.
        close_now(CloseReason::protocol_error, {});
        return false;
    }
    auto get_bool = [&](const char* key, bool fallback) {
        auto it = doc.find(key);
        return (it != doc.end() && it->is_boolean()) ? it->get<bool>() : fallback;
    };
    auto get_string = [&](const char* key) {
        auto it = doc.find(key);
        return (it != doc.end() && it->is_string()) ? it->get<std::string>() : std::string();
    };
    opts_.verbose = get_bool("verbose", opts_.verbose);
    opts_.pedantic = get_bool("pedantic", opts_.pedantic);
    opts_.echo = get_bool("echo", opts_.echo);
    opts_.headers = get_bool("headers", false);
    opts_.no_responders = get_bool("no_responders", false);
    {
        std::lock_guard lock(subs_mutex_);
        opts_.name = get_string("name");
        opts_.lang = get_string("lang");
        opts_.version = get_string("version");
    }
    if (auto it = doc.find("protocol"); it != doc.end() && it->is_number_integer()) opts_.protocol = it->get<int>();
    if (opts_.protocol < 0 || opts_.protocol > 1) {
        close_now(CloseReason::bad_client_protocol, "invalid client protocol");
        return false;
    }

    if (auth_required_) {
        // Only authenticators (plugins) admit clients; the kernel has no credentials of its own.
        auth_chain_ = server_.authenticators();
        auth_index_ = 0;
        connect_json_.assign(json);
        return run_auth_chain();
    }
    return accept_connect();
}

// The "user" of the CONNECT being decided, for log lines.
std::string Client::connect_user() const {
    auto doc = nlohmann::json::parse(connect_json_, nullptr, false);
    if (!doc.is_object()) return {};
    auto it = doc.find("user");
    return (it != doc.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// nats-server's getRawAuthUser for the auth error event: the CONNECT's nkey, else user, else token.
// (A JWT's public key is only known once verified, so a refused JWT shows none.)
std::string Client::claimed_identity() const {
    auto doc = nlohmann::json::parse(connect_json_, nullptr, false);
    if (!doc.is_object()) return {};
    for (const char* key : {"nkey", "user", "auth_token"}) {
        auto it = doc.find(key);
        if (it != doc.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
    }
    return {};
}

// Asks the authenticators from auth_index_ on. False when the connection was refused.
bool Client::run_auth_chain() {
    const AuthResult result = ask_auth_chain();
    switch (result.decision) {
        case AuthDecision::pending:
            auth_pending_ = true;
            return true;
        case AuthDecision::allow:
            return apply_auth(result) && accept_connect();
        case AuthDecision::deny:
            deny_auth(result.user.empty() ? connect_user() : result.user, (*auth_chain_)[auth_index_]->name(),
                      result.deny_reason);
            return false;
        case AuthDecision::defer:
            break;
    }
    deny_auth(connect_user(), {}, "no authenticator accepted the connection");
    return false;
}

AuthResult Client::ask_auth_chain() {
    const auto& chain = *auth_chain_;
    std::string tls_subject;
    if (tls_ && server_.options()->tls.verify) tls_subject = tls_peer_subject();
    while (auth_index_ < chain.size()) {
        const auto& authenticator = chain[auth_index_];
        // Registered before asking: the answer may come from another thread
        // before authenticate() has even returned.
        const auto handle = server_.begin_pending_auth(shared_from_this());
        AuthRequest request;
        request.client_id = id_;
        request.connect_json = connect_json_;
        request.client_ip = remote_ip_;
        request.client_port = static_cast<std::uint16_t>(remote_port_);
        request.nonce = nonce_;
        request.tls = tls_ != nullptr;
        request.tls_subject = tls_subject;
        request.pending_handle = handle;
        AuthResult result = authenticator->authenticate(request);
        if (result.decision == AuthDecision::pending) {
            pending_handle_ = handle;
            return result;
        }
        server_.end_pending_auth(handle);
        if (result.decision != AuthDecision::defer) return result;
        ++auth_index_;
    }
    return AuthResult{};  // everyone deferred
}

void Client::resume_auth(AuthResult result) {
    if (closed()) return;
    if (reauth_pending_) {
        reauth_pending_ = false;
        pending_handle_ = 0;
        if (result.decision == AuthDecision::defer) {
            ++auth_index_;
            continue_reauth(ask_auth_chain());
        } else if (result.decision == AuthDecision::pending) {
            deny_auth(connect_user(), (*auth_chain_)[auth_index_]->name(), "answered pending twice");
        } else {
            continue_reauth(result);
        }
        thread_.end_batch();
        return;
    }
    if (!auth_pending_) return;
    auth_pending_ = false;
    pending_handle_ = 0;
    bool ok = false;
    switch (result.decision) {
        case AuthDecision::allow:
            ok = apply_auth(result) && accept_connect();
            break;
        case AuthDecision::deny:
            deny_auth(result.user.empty() ? connect_user() : result.user, (*auth_chain_)[auth_index_]->name(),
                      result.deny_reason);
            break;
        case AuthDecision::defer:
            ++auth_index_;
            ok = run_auth_chain();
            break;
        case AuthDecision::pending:
            deny_auth(connect_user(), (*auth_chain_)[auth_index_]->name(), "answered pending twice");
            break;
    }
    if (ok && !closed()) replay_held_ops();
    if (batch_activity_) {  // the replayed PUBs and SUBs
        batch_activity_ = false;
        last_activity_ns_.store(steady_ns(steady::now()), std::memory_order_relaxed);
    }
    thread_.end_batch();
    if (closed() || auth_pending_ || !read_paused_) return;
    read_paused_ = false;
    if (!continue_reading()) return;  // the replay stalled on a slow subscriber
    if (tls_) read_tls();
    else read_plain_now();
}

void Client::hold(HeldOp::Kind kind, std::string_view a, std::string_view b, std::string_view c,
                  std::size_t header_size, std::optional<std::uint64_t> max_msgs) {
    // The op as a client would write it; every part already passed the parser once.
    auto sp = [this](std::string_view part) {
        held_ += ' ';
        held_ += part;
    };
    switch (kind) {
        case HeldOp::Kind::connect: held_ += "CONNECT"; sp(a); break;
        case HeldOp::Kind::pub:
            held_ += header_size ? "HPUB" : "PUB";
            sp(a);
            if (!b.empty()) sp(b);
            if (header_size) sp(std::to_string(header_size));
            sp(std::to_string(c.size()));
            held_ += "\r\n";
            held_ += c;
            break;
        case HeldOp::Kind::sub:
            held_ += "SUB";
            sp(a);
            if (!b.empty()) sp(b);
            sp(c);
            break;
        case HeldOp::Kind::unsub:
            held_ += "UNSUB";
            sp(a);
            if (max_msgs) sp(std::to_string(*max_msgs));
            break;
        case HeldOp::Kind::ping: held_ += "PING"; break;
        case HeldOp::Kind::pong: held_ += "PONG"; break;
    }
    held_ += "\r\n";
}

void Client::replay_held_ops() {
    std::string ops;
    ops.swap(held_);
    // A parser of its own (the connection's may hold a split op). Each line
    // passed the control-line limit when it came in; payloads meet the limit the
    // client has now, its account's included, as they would have in nats-server,
    // which reads what follows CONNECT only once it is decided. Handlers hold
    // again by themselves should an op re-enter the pending state.
    protocol::Parser replay({std::numeric_limits<std::size_t>::max(), max_payload_});
    if (!parse_outcome(replay.parse(ops.data(), ops.size(), *this), replay) || closed()) held_.clear();
}

bool Client::apply_auth(const AuthResult& result) {
    auth_chain_.reset();
    std::unique_ptr<Permissions> perms;
    try {
        perms = Permissions::compile(result.permissions_json);
    } catch (const PermissionsError& e) {
        // Never let a client in with rights nobody can read.
        deny_auth(result.user.empty() ? connect_user() : result.user, {}, e.what());
        return false;
    }
    auto account = server_.get_or_create_account(result.account);
    if (account != account_) {
        // The account's max_connections counts this connection (nats-server's
        // MaxTotalConnectionsReached); the increment decides between racers.
        constexpr auto relaxed = std::memory_order_relaxed;
        const std::int64_t max_connections = account->max_connections.load(relaxed);
        const int before = account->client_count.fetch_add(1, relaxed);
        if (max_connections != no_limit && before >= max_connections) {
            account->client_count.fetch_sub(1, relaxed);
            NMK_ERROR("{}:{} - cid:{} - maximum account active connections exceeded", remote_ip_, remote_port_, id_);
            close_now(CloseReason::max_account_connections, "maximum account active connections exceeded");
            return false;
        }
        account_->client_count.fetch_sub(1, relaxed);
        account_ = std::move(account);
        account_view_.store(account_.get(), std::memory_order_release);
    }
    {
        std::lock_guard lock(subs_mutex_);
        user_ = result.user;
    }
    set_permissions(std::move(perms));
    apply_limits(result);
    set_auth_expiry(result);
    if (subscriptions_at_limit()) {
        // An account that allows no subscriptions (nats-server's subsAtLimit at registration).
        NMK_ERROR("{}:{} - cid:{} - maximum subscriptions exceeded", remote_ip_, remote_port_, id_);
        close_now(CloseReason::max_subscriptions, "maximum subscriptions exceeded");
        return false;
    }
    return true;
}

// The smallest of the authenticator's, the account's and the server's limits,
// as nats-server's applyAccountLimits.
void Client::apply_limits(const AuthResult& result) { apply_limits(result.max_payload, result.max_subscriptions); }

void Client::apply_limits(std::int64_t auth_max_payload, std::int64_t auth_max_subscriptions) {
    constexpr auto relaxed = std::memory_order_relaxed;
    auth_max_payload_ = auth_max_payload;
    auth_max_subs_ = auth_max_subscriptions;
    auto opts = server_.options();
    std::int64_t payload =
        min_limit(min_limit(auth_max_payload, account_->max_payload.load(relaxed)), opts->max_payload);
    if (payload < 0) payload = 0;  // the parser reads a negative limit as none; here it lets nothing through
    max_payload_ = payload;
    parser_.set_limits({static_cast<std::size_t>(opts->max_control_line), payload});
    max_subs_ = min_limit(auth_max_subscriptions, account_->max_subscriptions.load(relaxed));
}

void Client::reapply_account_limits() {
    if (closed() || !connect_received_ || !account_) return;
    apply_limits(auth_max_payload_, auth_max_subs_);
    if (subscriptions_at_limit()) {
        NMK_ERROR("{}:{} - cid:{} - maximum subscriptions exceeded", remote_ip_, remote_port_, id_);
        close(CloseReason::max_subscriptions, "maximum subscriptions exceeded");
    }
}

void Client::set_auth_expiry(const AuthResult& result) {
    if (result.expires_unix_ns <= 0) {
        auth_expires_ = {};
        return;
    }
    // Wall-clock expiry, waited for on the steady clock (the tick's): a clock step
    // after admission moves neither. Already past: the next tick closes it.
    const auto left = std::chrono::nanoseconds(result.expires_unix_ns) -
                      std::chrono::system_clock::now().time_since_epoch();
    auth_expires_ = std::chrono::steady_clock::now() +
                    std::max(std::chrono::duration_cast<std::chrono::steady_clock::duration>(left),
                             std::chrono::steady_clock::duration(1));
}

std::int64_t Client::max_subscriptions() const {
    const auto opts = server_.options();
    // The server's max_subscriptions of 0 is no limit; an account's 0 allows none.
    return min_limit(max_subs_, opts->max_subscriptions > 0 ? opts->max_subscriptions : no_limit);
}

bool Client::subscriptions_at_limit() {
    const std::int64_t limit = max_subscriptions();
    std::lock_guard lock(subs_mutex_);
    return limit != no_limit && static_cast<std::int64_t>(subs_.size()) >= limit;
}

void Client::deny_auth(std::string_view user, std::string_view authenticator, std::string_view reason) {
    // Never log the secret itself.
    std::string detail;
    if (!authenticator.empty()) detail.append(" (").append(authenticator).append(")");
    if (!reason.empty()) detail.append(": ").append(reason);
    // The user as nats-server logs it (%q): a client chose it.
    NMK_ERROR("{}:{} - cid:{} - authentication error - User {}{}", remote_ip_, remote_port_, id_,
              nats_sdk::go_quote(user), detail);
    auth_chain_.reset();
    close_now(CloseReason::auth_violation, "Authorization Violation");
}

// ---- reload ----

void Client::reauthenticate() {
    // Only clients an authenticator admitted, and not while one is deciding.
    if (closed() || !connect_received_ || connect_json_.empty() || auth_pending_ || reauth_pending_) return;
    auth_chain_ = server_.authenticators();
    auth_index_ = 0;
    continue_reauth(ask_auth_chain());
}

void Client::continue_reauth(const AuthResult& result) {
    if (closed()) return;
    switch (result.decision) {
        case AuthDecision::pending:
            reauth_pending_ = true;  // the old rights hold until the answer
            return;
        case AuthDecision::deny:
            deny_auth(result.user.empty() ? connect_user() : result.user, (*auth_chain_)[auth_index_]->name(),
                      result.deny_reason);
            return;
        case AuthDecision::defer:
            deny_auth(connect_user(), {}, "no authenticator accepted the connection");
            return;
        case AuthDecision::allow:
            break;
    }
    auth_chain_.reset();
    const std::string_view account = result.account.empty() ? std::string_view(global_account_name) : result.account;
    if (account != account_->name) {
        // As nats-server: a user moved to another account is disconnected and reconnects there.
        NMK_DEBUG("{}:{} - cid:{} - User {} moved to account {}", remote_ip_, remote_port_, id_,
                  nats_sdk::go_quote(result.user), nats_sdk::go_quote(account));
        close_now(CloseReason::client_closed, {});
        return;
    }
    std::unique_ptr<Permissions> perms;
    try {
        perms = Permissions::compile(result.permissions_json);
    } catch (const PermissionsError& e) {
        deny_auth(result.user.empty() ? connect_user() : result.user, {}, e.what());
        return;
    }
    {
        std::lock_guard lock(subs_mutex_);
        user_ = result.user;
    }
    apply_limits(result);
    set_auth_expiry(result);
    set_permissions(std::move(perms));
    drop_forbidden_subscriptions();
}

bool Client::accept_connect() {
    if (opts_.no_responders && !opts_.headers) {
        close_now(CloseReason::no_responders_without_headers, "no responders requires headers support");
        return false;
    }
    connect_received_ = true;
    send_ok();
    if (server_.has_client_observers()) {
        const ConnectionInfo snapshot = info();
        server_.notify_client_event({.connected = true, .admitted = true, .info = snapshot});
    }
    return true;
}

std::string Client::tls_peer_subject() {
    std::string out;
    X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
    if (!cert) return out;
    if (BIO* bio = BIO_new(BIO_s_mem())) {
        X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        if (n > 0) out.assign(data, static_cast<std::size_t>(n));
        BIO_free(bio);
    }
    X509_free(cert);
    return out;
}

}  // namespace nats::server
