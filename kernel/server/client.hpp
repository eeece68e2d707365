#pragma once
// One client connection: its socket (plain or TLS), protocol parser, CONNECT
// options, subscriptions and outbound buffer. Owned by one IoThread; see
// kernel/server/README.md for the threading rules.
// The code lives in client_<job>.cpp: io (start, read loop, outbound), connect
// (CONNECT, auth, reload), permissions, publish (PUB, deliver), subscribe (SUB,
// UNSUB), lifecycle (PING/PONG, tick, monitoring, close).
#include <asio.hpp>
#include <asio/ssl.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kernel/protocol/parser.hpp"
#include "kernel/routing/sublist.hpp"
#include "kernel/server/account.hpp"
#include "kernel/server/authenticator.hpp"
#include "kernel/server/connection_info.hpp"
#include "kernel/server/io_thread.hpp"
#include "kernel/server/outbound_buffer.hpp"
#include "kernel/server/permissions.hpp"
#include "kernel/server/subscription.hpp"

namespace nats::server {

class Server;
class Client;

// A client's subscription as stored in the subject index: delivery queues MSG
// bytes for the client's socket. `origin` is the client.
struct ClientSubscription final : ServerSubscription {
    bool deliver(const RoutedMessage& message, IoThread& from, Client* publisher) override;
    std::shared_ptr<Client> client;  // kept alive while any match result holds this
    std::string sid;
    // Both written under the owning client's outbound lock, which every delivery
    // takes anyway; atomic (relaxed loads and stores, no read-modify-write) only
    // so that monitoring can read them without that lock.
    std::atomic<std::uint64_t> max_msgs{0};   // 0: no auto-unsubscribe
    std::atomic<std::uint64_t> delivered{0};

    // As monitoring shows it (relaxed reads: a snapshot); the account is left for the caller.
    SubscriptionDetail detail(std::uint64_t cid) const;
};

// Why a connection ended: logged, and kept with the closed connection for
// monitoring under nats-server's ClosedState text.
enum class CloseReason {
    client_closed, server_shutdown, protocol_error, auth_violation, auth_timeout,
    stale_connection, slow_consumer_pending, slow_consumer_deadline, max_connections,
    tls_error, lame_duck, read_error, write_error, max_payload, no_responders_without_headers,
    parse_error,          // the client sent -ERR
    max_control_line, bad_client_protocol, max_account_connections, max_subscriptions,
    authentication_expired, credentials_revoked,
};
std::string_view close_reason_text(CloseReason r);

// Defaults are nats-server's: a CONNECT that leaves a field out keeps them.
struct ConnectOptions {
    bool verbose = true;
    bool pedantic = true;
    bool echo = true;
    bool headers = false;
    bool no_responders = false;
    int protocol = 0;
    std::string name, lang, version;
};

class Client final : public std::enable_shared_from_this<Client>, private protocol::ParserHandler {
public:
    Client(Server& server, IoThread& thread, asio::ip::tcp::socket socket, std::uint64_t id);
    ~Client() override;

    // Owner thread. Sends INFO, starts TLS when required, then reads.
    void start();
    // Any thread: closes on the owner thread (after trying to send `err`, if any).
    void close(CloseReason reason, std::string_view err = {});
    // Owner thread: writes what is queued.
    void flush();
    // Owner thread, from the tick: pings, auth and write deadlines.
    void on_tick(std::chrono::steady_clock::time_point now);

    // Any thread: queues one message for this client. Returns false if the
    // client is closed (so a queue group can pick another member).
    // `publisher` (may be null) is stalled when this client's queue passes half
    // of max_pending, the way nats-server slows fast producers.
    bool deliver(ClientSubscription& sub, const RoutedMessage& message, IoThread& from, Client* publisher);
    // Any thread: queues raw protocol bytes (PING, -ERR, INFO ...).
    void send_raw(std::string_view bytes, IoThread& from);

    std::uint64_t id() const { return id_; }
    bool closed() const { return closed_.load(std::memory_order_acquire); }
    IoThread& thread() { return thread_; }
    const ConnectOptions& connect_options() const { return opts_; }
    const AccountPtr& account() const { return account_; }
    // The last measured round trip (see ConnectionInfo::rtt), without a full snapshot.
    std::chrono::nanoseconds rtt() const { return std::chrono::nanoseconds(rtt_ns_.load(std::memory_order_relaxed)); }
    bool is_lame_duck_eligible() const { return opts_.protocol >= 1; }
    // Owner thread: its CONNECT was accepted (after authentication).
    bool admitted() const { return connect_received_; }
    // Owner thread: the identity its CONNECT claimed (nkey, user or token), for the auth error event.
    std::string claimed_identity() const;
    // Any thread: a snapshot for monitoring.
    ConnectionInfo info();
    // Any thread: this client's subscriptions with their delivery counts.
    std::vector<SubscriptionDetail> subscription_details();
    // Owner thread: the late answer of an authenticator that said pending.
    void resume_auth(AuthResult result);
    // Owner thread, after a config reload: asks the authenticators again with
    // the CONNECT and nonce this client was admitted with. Refused: closed with
    // 'Authorization Violation'; another account: closed; else the new
    // permissions apply and subscriptions they no longer allow are removed.
    void reauthenticate();
    // Owner thread, after its account's limits changed at run time (a pushed
    // account JWT): the payload and subscription limits are worked out again,
    // as nats-server's applyAccountLimits; a client now at or past its
    // subscription limit is closed with 'maximum subscriptions exceeded'.
    void reapply_account_limits();
    // Any thread: the account this client is bound to, null before CONNECT.
    const Account* bound_account() const { return account_view_.load(std::memory_order_acquire); }

    // Set by IoThread::note_dirty bookkeeping: the batch that last marked us.
    std::atomic<std::uint64_t> dirty_token{0};
    std::atomic<bool> flush_posted{false};

private:
    // protocol::ParserHandler
    bool on_connect(std::string_view json) override;
    bool on_pub(const protocol::PubArgs& args, std::string_view data) override;
    bool map_subject(std::string_view subject, std::string& out);
    bool on_sub(std::string_view subject, std::string_view queue, std::string_view sid) override;
    bool on_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs) override;
    bool on_ping() override;
    bool on_pong() override;
    bool on_err(std::string_view text) override;

    void send_info();
    void start_tls();
    void start_reading();
    void read_plain();
    void read_plain_now();
    // Reads and drops whatever the peer sent; false once the socket is done.
    bool discard_input();
    // After a read batch: false when reading pauses (the publisher is stalled).
    bool continue_reading();
    void resume_reading();
    void release_stalled_publishers();
    void read_tls();
    bool process_input(const char* data, std::size_t size);
    // After parse(): true to go on; else the client is closed (an error is logged and sent).
    bool parse_outcome(protocol::ParseError err, const protocol::Parser& parser);
    void write_plain();
    void write_tls();
    void close_now(CloseReason reason, std::string_view err);
    // What /connz?state=closed keeps of this connection (close_now, before the
    // subscriptions go).
    ClosedConnection closed_record(CloseReason reason);
    void add_to_closed_totals(Account& account);
    void apply_limits(const AuthResult& result);
    // The authenticator's limits (kept from admission) against the account's and the server's.
    void apply_limits(std::int64_t auth_max_payload, std::int64_t auth_max_subscriptions);
    // The authenticator's expiry of the credentials, as a point on the tick's clock.
    void set_auth_expiry(const AuthResult& result);
    std::int64_t max_subscriptions() const;  // the effective limit, -1 for none
    bool subscriptions_at_limit();
    // Closes the socket and leaves the thread's registry; `drain_input` first reads
    // what the peer sent, so that the close is not a reset that loses our last bytes.
    void finish_close(bool drain_input = true);
    void send_ok() { if (opts_.verbose) queue_self("+OK\r\n"); }
    void send_err(std::string_view text);  // -ERR 'text'
    void queue_self(std::string_view bytes);
    // Any thread: appends unless that takes the queue past max_pending; then the
    // client is a slow consumer (counted on `from`, closed) and nothing is queued.
    bool append_within_limit(std::string_view bytes, IoThread& from);
    // Any thread, once per client: counts, logs and closes a max_pending overflow.
    void slow_consumer_detected(IoThread& from, std::int64_t max_pending);

    // Authentication (owner thread). See authenticator.hpp for the chain.
    bool run_auth_chain();
    // Asks from auth_index_ on: the first allow or deny, pending (pending_handle_
    // set), or defer when every authenticator deferred.
    AuthResult ask_auth_chain();
    void continue_reauth(const AuthResult& result);
    std::string connect_user() const;
    bool apply_auth(const AuthResult& result);  // false: refused (bad permissions)
    // Permissions (owner thread).
    bool publish_permitted(std::string_view subject);
    void publish_violation(std::string_view subject);
    std::string_view log_user() const;
    static bool is_reserved_reply(std::string_view reply);
    void reply_violation(std::string_view reply);
    void subscribe_violation(std::string_view subject, std::string_view queue, std::string_view sid);
    void set_permissions(std::unique_ptr<Permissions> perms);
    void enable_delivery_filter();
    void drop_forbidden_subscriptions();
    // `checked`: the subject subscribe deny entries are held against (see client_permissions.cpp).
    bool delivery_admits_locked(const RoutedMessage& message, std::string_view checked);
    void deny_auth(std::string_view user, std::string_view authenticator, std::string_view reason);
    bool accept_connect();
    std::string tls_peer_subject();
    // While an authenticator's answer is pending, what the client sent after
    // CONNECT is kept and replayed, in order, once it is allowed. Reading stops
    // while pending, so that is at most the rest of one read (64 KiB, 16 KiB with
    // TLS). It is kept as protocol text, about the size it came in, and parsed
    // again on replay: a peer cannot make one short op cost a struct and three
    // strings (a read of PINGs would grow twentyfold).
    struct HeldOp {
        enum class Kind { connect, pub, sub, unsub, ping, pong };
    };
    // a, b, c: connect: json; pub: subject, reply, data; sub: subject, queue, sid; unsub: sid.
    void hold(HeldOp::Kind kind, std::string_view a = {}, std::string_view b = {}, std::string_view c = {},
              std::size_t header_size = 0, std::optional<std::uint64_t> max_msgs = {});
    void replay_held_ops();

    Server& server_;
    IoThread& thread_;
    asio::ip::tcp::socket socket_;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> retired_tls_;  // timed out mid-handshake
    std::unique_ptr<char[]> tls_read_buffer_;
    const std::uint64_t id_;
    std::string remote_ip_;
    int remote_port_ = 0;
    protocol::Parser parser_;
    ConnectOptions opts_;
    AccountPtr account_;
    std::atomic<const Account*> account_view_{nullptr};  // for monitoring; accounts outlive clients
    bool connect_received_ = false;
    bool first_pong_sent_ = false;      // owner thread
    std::int64_t max_payload_ = -1;     // this client's limit once authenticated; -1: the server's
    bool auth_required_ = false;
    bool tls_pending_ = false;   // TLS handshake not finished yet
    std::string nonce_;
    // Authenticator chain state while CONNECT is being decided.
    std::shared_ptr<const AuthenticatorChain> auth_chain_;
    std::size_t auth_index_ = 0;
    std::string connect_json_;   // kept once admitted by an authenticator, for reload
    bool auth_pending_ = false;
    bool reauth_pending_ = false;  // a reload's answer is pending; the client goes on meanwhile
    bool read_paused_ = false;   // reading stopped for a pending answer
    std::uint64_t pending_handle_ = 0;
    std::string held_;  // ops held while auth is pending, as protocol text (see hold())
    std::int64_t max_subs_ = -1;  // the authenticator's and account's smaller limit; <0: the server's
    std::int64_t auth_max_payload_ = -1;  // the authenticator's own limits, for reapply_account_limits
    std::int64_t auth_max_subs_ = -1;
    std::shared_ptr<Permissions> perms_;  // null: nothing restricted; owner thread

    // Guards subs_ (a delivering thread may auto-unsubscribe) and the identity
    // fields monitoring reads from other threads (opts_ name/lang/version, user_).
    std::mutex subs_mutex_;
    std::unordered_map<std::string, std::shared_ptr<ClientSubscription>> subs_;
    std::string user_;

    OutboundBuffer out_;
    // What delivery checks, under out_.mutex (deliverers run on any thread):
    // the subscribe deny filter, once a wildcard subscription needs it, and the
    // reply permits of allow_responses. Null for most clients.
    struct DeliveryRules {
        std::shared_ptr<const Permissions> filter;
        std::unique_ptr<ReplyPermits> replies;
    };
    std::unique_ptr<DeliveryRules> delivery_rules_;
    std::vector<std::weak_ptr<Client>> stalled_publishers_;  // under out_.mutex
    bool slow_consumer_ = false;  // under out_.mutex: max_pending overflowed, the close is on its way
    // Publisher side of the stall (owner thread).
    std::weak_ptr<Client> stall_on_;
    bool stalled_ = false;
    std::unique_ptr<asio::steady_timer> stall_timer_;
    bool writing_ = false;       // a write (or wait for writability) is in progress
    // A TLS write outlives the call that starts it, so it cannot use the thread's
    // shared write_buffers(); sized on the first TLS write.
    std::vector<asio::const_buffer> tls_iov_;
    std::chrono::steady_clock::time_point write_started_{};

    std::atomic<bool> closed_{false};   // no more deliveries; subscriptions gone
    bool finished_ = false;              // socket closed
    std::chrono::steady_clock::time_point closed_at_{};
    std::chrono::steady_clock::time_point last_in_{};
    bool pong_received_ = false;
    std::chrono::steady_clock::time_point ping_sent_{};  // our last PING, for the round trip
    bool batch_activity_ = false;  // a PUB or SUB in the read batch being parsed
    std::atomic<bool> close_posted_{false};
    std::chrono::steady_clock::time_point created_;
    std::chrono::system_clock::time_point created_wall_ = std::chrono::system_clock::now();
    std::chrono::steady_clock::time_point next_ping_;
    // When the credentials the client logged in with end (none: the epoch); the tick closes it then.
    std::chrono::steady_clock::time_point auth_expires_{};
    int pings_out_ = 0;

    // Written by the owner thread only (load + store, no read-modify-write), read by monitoring.
    std::atomic<std::uint64_t> in_msgs_{0}, in_bytes_{0};
    std::atomic<std::int64_t> rtt_ns_{0};
    // Steady-clock nanoseconds of the last activity: stored by the owner thread
    // once per read batch with a PUB or SUB, and by a deliverer's thread once
    // per batch that delivered here (relaxed stores; the batch's clock reading).
    std::atomic<std::int64_t> last_activity_ns_{0};
    std::uint64_t out_msgs_ = 0, out_bytes_ = 0;  // under out_.mutex
};

}  // namespace nats::server
