/*
 * The kernel <-> plugin boundary: plain C, stable, versioned.
 *
 * Rules (see sdk/README.md):
 *  - Only C types cross this line: no STL, no exceptions, no Asio or spdlog types.
 *  - Strings are {pointer, size} views, never assumed NUL-terminated.
 *  - Every table of function pointers starts with its own size (struct_size) and
 *    only ever grows at the end. A reader checks struct_size before touching a
 *    member added in a later minor version.
 *  - SDK major versions must match exactly; a plugin's minor must not be newer
 *    than the kernel's. Anything else is refused at load time.
 *
 * OWNERSHIP notes on each member say who owns a pointer and how long it lives.
 */
#ifndef NATS_SDK_ABI_H
#define NATS_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NMK_SDK_VERSION_MAJOR 1
#define NMK_SDK_VERSION_MINOR 3

/* The one symbol a plugin exports. */
#define NMK_PLUGIN_ENTRY_SYMBOL "nmk_plugin_entry"

typedef struct nmk_str {
    const char* data;
    size_t size;
} nmk_str;

typedef enum nmk_status {
    NMK_OK = 0,
    NMK_ERROR = 1,          /* see the accompanying error text */
    NMK_NOT_FOUND = 2,
    NMK_INVALID_ARGUMENT = 3,
    NMK_UNSUPPORTED = 4
} nmk_status;

typedef enum nmk_log_level {
    NMK_LOG_TRACE = 0,
    NMK_LOG_DEBUG = 1,
    NMK_LOG_INFO = 2,
    NMK_LOG_WARN = 3,
    NMK_LOG_ERROR = 4
} nmk_log_level;

/* A buffer the callee fills with an error message (truncated to capacity). */
typedef struct nmk_error_buffer {
    char* data;
    size_t capacity;
} nmk_error_buffer;

/* ---------------------------------------------------------------- messages */

/* A message as the kernel hands it to a plugin.
 * OWNERSHIP: every view is valid only during the callback that receives it. */
typedef struct nmk_message {
    nmk_str account;
    nmk_str subject;
    nmk_str reply;      /* empty when none */
    nmk_str headers;    /* the whole "NATS/1.0\r\n...\r\n\r\n" block, empty when none */
    nmk_str payload;
} nmk_message;

typedef void (*nmk_message_callback)(void* user, const nmk_message* message);
typedef void (*nmk_task_callback)(void* user);

/* ----------------------------------------------------------- authenticators */

typedef enum nmk_auth_decision {
    NMK_AUTH_ALLOW = 0,   /* account, permissions and limits filled in */
    NMK_AUTH_DENY = 1,    /* refused: the client gets 'Authorization Violation' */
    NMK_AUTH_DEFER = 2,   /* not mine: ask the next authenticator */
    NMK_AUTH_PENDING = 3  /* will answer later through nmk_host_api.complete_auth */
} nmk_auth_decision;

/* What the kernel knows about a connecting client.
 * OWNERSHIP: views valid during authenticate() only; copy what a pending answer needs. */
typedef struct nmk_auth_request {
    uint32_t struct_size;
    uint64_t client_id;
    nmk_str connect_json;   /* the CONNECT arguments as the client sent them */
    nmk_str client_ip;
    uint16_t client_port;
    nmk_str nonce;          /* the nonce sent in INFO, empty when none */
    int tls;                /* 1 when the connection is TLS */
    nmk_str tls_subject;    /* verified client certificate subject, empty when none */
    uint64_t pending_handle;/* pass to complete_auth() after answering NMK_AUTH_PENDING */
} nmk_auth_request;

/* An authenticator's answer.
 * OWNERSHIP: the views must stay valid until authenticate() has returned; the kernel
 * copies them right then, on the same thread (for complete_auth(), before it returns). */
typedef struct nmk_auth_result {
    uint32_t struct_size;
    nmk_auth_decision decision;
    nmk_str account;          /* empty: the global account "$G" */
    nmk_str user;             /* the identity, for logs and monitoring (never a secret) */
    nmk_str permissions_json; /* {"publish":{"allow":[],"deny":[]},"subscribe":{...},"allow_responses":{...}}; empty: all allowed */
    nmk_str deny_reason;      /* logged on DENY; never sent to the client */
    int64_t max_payload;      /* <0: server default */
    int64_t max_subscriptions;/* <0: server default; 0 allows none (nats-server) */
    /* SDK 1.3: when the credentials end (a user JWT's exp), in Unix nanoseconds; 0: never.
     * The kernel closes the client then with -ERR 'User Authentication Expired' (closed
     * reason "Authentication Expired"), as nats-server does when a user JWT expires. */
    int64_t expires_unix_ns;
} nmk_auth_result;

typedef struct nmk_authenticator {
    uint32_t struct_size;
    void* self;
    /* Whether INFO must carry a nonce for this authenticator (NKeys, JWT). */
    int (*needs_nonce)(void* self);
    /* Runs on an I/O thread: must not block. Answer PENDING for slow work. */
    void (*authenticate)(void* self, const nmk_auth_request* request, nmk_auth_result* result);
} nmk_authenticator;

/* ------------------------------------------------------------------ links */

/* Interest as a link reports it to (or receives it from) the kernel. */
typedef struct nmk_interest {
    nmk_str account;
    nmk_str subject;
    nmk_str queue;   /* empty: plain subscription */
    int32_t weight;  /* queue weight; 0 removes */
} nmk_interest;

/* A link carries interest and messages to and from other servers (routes, leaf nodes).
 * The kernel calls these on its own threads; they must not block. */
typedef struct nmk_link_callbacks {
    uint32_t struct_size;
    void* self;
    /* Local interest changed (a subscription came or went) in some account. */
    void (*on_local_interest)(void* self, const nmk_interest* interest, int added);
    /* A local publish matched interest this link registered with add_remote_interest. */
    void (*on_message)(void* self, uint64_t remote_interest_id, const nmk_message* message);
} nmk_link_callbacks;

/* ---------------------------------------------------------- HTTP endpoints */

typedef struct nmk_http_request {
    nmk_str method;
    nmk_str path;
    nmk_str query;  /* without '?' */
    nmk_str body;
} nmk_http_request;

/* OWNERSHIP: the handler fills body through the writer; the kernel copies. */
typedef struct nmk_http_response_writer {
    void* ctx;
    void (*set_status)(void* ctx, int status);
    void (*set_content_type)(void* ctx, nmk_str content_type);
    void (*append_body)(void* ctx, nmk_str bytes);
} nmk_http_response_writer;

typedef void (*nmk_http_handler)(void* user, const nmk_http_request* request, const nmk_http_response_writer* response);

/* ---------------------------------------------------------------- metrics */

typedef enum nmk_metric_type { NMK_METRIC_COUNTER = 0, NMK_METRIC_GAUGE = 1 } nmk_metric_type;

/* ------------------------------------ SDK 1.1: messages, interest and clients */

/* An account handle: obtained once by name with nmk_host_api.account_handle() and
 * passed to the calls that take one, so a hot path never looks an account up by
 * name. 0 is never a valid handle. Handles are the plugin's own (another plugin's
 * handle is unknown to it) and stay valid until the plugin's destroy(). */
typedef uint64_t nmk_account_handle;

/* A message with who sent it. Unlike nmk_message it starts with its size, so later
 * minors can add members at the end: read a member only when struct_size covers it.
 * OWNERSHIP: every view is valid only during the callback that receives it. */
typedef struct nmk_message_ex {
    uint32_t struct_size;
    nmk_account_handle account_handle; /* the handle the subscription was made with */
    nmk_str account;
    nmk_str subject;
    nmk_str reply;      /* empty when none */
    nmk_str headers;    /* the whole "NATS/1.0\r\n...\r\n\r\n" block, empty when none */
    nmk_str payload;
    uint64_t client_id; /* the publishing client's id (as in /connz); 0: the server or a plugin */
} nmk_message_ex;

typedef void (*nmk_message_ex_callback)(void* user, const nmk_message_ex* message);

/* publish_ex() / publish_batch() flags. */
#define NMK_PUBLISH_NO_ECHO 0x1u     /* not delivered to this plugin's own subscriptions */
#define NMK_PUBLISH_NO_OVERFLOW 0x2u /* a client whose queue would pass max_pending does not get the
                                        message (counted in overflowed) instead of being cut as a
                                        slow consumer; a queue group tries another member */

/* What publish_ex() did. Counts are exact only when routed is 1: the call ran on an
 * I/O thread and the message was delivered before it returned. From any other thread
 * the message is queued to an I/O thread (routed 0, counts 0), in call order. */
typedef struct nmk_publish_result {
    uint32_t struct_size;
    int32_t routed;
    uint32_t receivers;  /* subscriptions that took it (one per queue group) */
    uint32_t pressured;  /* receiving clients whose queue is now past half of max_pending:
                            the point where nats-server stalls a publishing client; pace */
    uint32_t overflowed; /* clients skipped under NMK_PUBLISH_NO_OVERFLOW */
} nmk_publish_result;

/* Interest in a watched subject appeared (active 1) or went (active 0). Runs on the
 * thread whose subscribe/unsubscribe changed it (any thread); must not block. Calls
 * for one watch never overlap and each carries the state after the change. */
typedef void (*nmk_interest_callback)(void* user, uint64_t watch_id, int active);

/* A watched client went away (closed for any reason). Runs on a kernel thread, once. */
typedef void (*nmk_client_gone_callback)(void* user, uint64_t watch_id, uint64_t client_id);

typedef enum nmk_connection_event_kind {
    NMK_CONNECTION_CONNECT = 0,   /* admitted: CONNECT accepted (after authentication) */
    NMK_CONNECTION_DISCONNECT = 1, /* closed, after having been admitted */
    /* SDK 1.3, only to watches made with NMK_WATCH_AUTH_ERRORS (watch_connections_ex):
     * a login was refused (closed for an authentication violation: credentials an
     * authenticator denied, a command before CONNECT, or credentials denied again on
     * reload). `user` is the identity the client claimed (CONNECT's nkey, else user,
     * else auth_token, as nats-server's auth error event shows it); the disconnect
     * members are filled. A refused client that was admitted before (reload) also gets
     * its DISCONNECT. */
    NMK_CONNECTION_AUTH_ERROR = 2
} nmk_connection_event_kind;

/* SDK 1.3: watch_connections_ex flags. */
#define NMK_WATCH_AUTH_ERRORS 0x1u /* also report refused logins (NMK_CONNECTION_AUTH_ERROR) */

/* A client connected or disconnected, for $SYS events and monitoring.
 * OWNERSHIP: views valid during the callback only. */
typedef struct nmk_connection_event {
    uint32_t struct_size;
    nmk_connection_event_kind kind;
    uint64_t client_id;
    nmk_str account;
    nmk_str user;       /* the authenticated identity, empty when none */
    nmk_str name;       /* CONNECT name, lang and version, empty when not sent */
    nmk_str lang;
    nmk_str version;
    nmk_str ip;
    uint16_t port;
    int32_t tls;        /* 1 when the connection is TLS */
    int64_t start_unix_ns;
    /* Disconnect only (zero / empty on connect): */
    int64_t stop_unix_ns;
    nmk_str reason;     /* nats-server's ClosedState text: "Client Closed", "Slow Consumer (Pending Bytes)", ... */
    uint64_t in_msgs, in_bytes, out_msgs, out_bytes;
    /* SDK 1.3 (read only when struct_size covers it): the last measured PING/PONG round
     * trip in nanoseconds (before the first PONG, accept to CONNECT); 0 before CONNECT. */
    int64_t rtt_ns;
} nmk_connection_event;

typedef void (*nmk_connection_callback)(void* user, const nmk_connection_event* event);
/* ------------------------------- SDK 1.1: accounts, executors and kinds */

/* What happened to an account (account_watch). */
typedef enum nmk_account_event {
    NMK_ACCOUNT_ADDED = 0,   /* the account exists now (config, an authenticator's answer, account_upsert, on demand) */
    NMK_ACCOUNT_UPDATED = 1, /* its config block changed (SIGHUP reload or account_upsert) */
    NMK_ACCOUNT_REMOVED = 2  /* its config block left the config on reload; the kernel keeps the
                                account itself (empty, without limits) for its lifetime */
} nmk_account_event;

/* OWNERSHIP: `account` is valid during the call only. */
typedef void (*nmk_account_callback)(void* user, nmk_str account, nmk_account_event event);

typedef enum nmk_executor_kind {
    NMK_EXECUTOR_SERIAL = 0,  /* tasks one at a time, in post order, on an I/O thread: must not block */
    NMK_EXECUTOR_BLOCKING = 1 /* a private pool of `threads` workers (1: in post order) for blocking work */
} nmk_executor_kind;

/* Versions of extension kinds: a major (incompatible change) and a minor (the
 * kind's tables grew at the end). A provider or user built for another major
 * is refused at registration and at lookup. */
#define NMK_KIND_VERSION(major, minor) ((((uint32_t)(major)) << 16) | ((uint32_t)(minor) & 0xffffu))
#define NMK_KIND_VERSION_MAJOR(version) (((uint32_t)(version)) >> 16)
#define NMK_KIND_VERSION_MINOR(version) (((uint32_t)(version)) & 0xffffu)

/* ------------------------------------------------------------- host API */

/* What the kernel gives a plugin. Valid from create() until destroy() returns.
 * Every function may be called from any thread unless noted. */
/* SDK 1.3: why a plugin closes a client (close_client), with nats-server's closed-reason texts. */
typedef enum nmk_close_reason {
    NMK_CLOSE_AUTHENTICATION_VIOLATION = 1, /* "Authentication Failure" */
    NMK_CLOSE_AUTHENTICATION_EXPIRED = 2,   /* "Authentication Expired" */
    NMK_CLOSE_CREDENTIALS_REVOKED = 3,      /* "Credentials Revoked" */
    NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS = 4,  /* "Maximum Account Connections Exceeded" */
    NMK_CLOSE_SERVER_SHUTDOWN = 5           /* "Server Shutdown" */
} nmk_close_reason;

typedef struct nmk_host_api {
    uint32_t struct_size;
    uint16_t sdk_major;
    uint16_t sdk_minor;
    void* host;  /* pass as the first argument to every call below */

    /* Logging through the kernel's logger, tagged with the plugin's name. */
    void (*log)(void* host, nmk_log_level level, nmk_str message);

    /* Publishes into an account (empty account: "$G"). headers may be empty.
     * Off the I/O threads messages wait for one; when 64 MiB already wait there the
     * call is refused with NMK_ERROR (publish_ex, publish_batch and link_publish too):
     * slow down and try again. */
    nmk_status (*publish)(void* host, const nmk_message* message);

    /* Subscribes as an internal client. The callback runs on a kernel thread and
     * must not block; post blocking work with post_blocking(). */
    nmk_status (*subscribe)(void* host, nmk_str account, nmk_str subject, nmk_str queue,
                            nmk_message_callback callback, void* user, uint64_t* subscription_id);
    nmk_status (*unsubscribe)(void* host, uint64_t subscription_id);

    /* Timers run the callback on a kernel thread; repeat_ms 0 fires once. Returns 0 on failure.
     * cancel_timer() and unsubscribe() do not return while the callback runs on another thread,
     * so the plugin may free the callback's state once they return. */
    uint64_t (*set_timer)(void* host, uint64_t delay_ms, uint64_t repeat_ms, nmk_task_callback callback, void* user);
    void (*cancel_timer)(void* host, uint64_t timer_id);
    /* Runs the callback soon on an I/O thread (short work only). */
    void (*post)(void* host, nmk_task_callback callback, void* user);
    /* Runs the callback on the blocking worker pool (disk, network lookups). */
    void (*post_blocking)(void* host, nmk_task_callback callback, void* user);

    /* The plugin's own data directory (created on demand). OWNERSHIP: valid until destroy(). */
    nmk_str (*data_dir)(void* host);

    /* Counters and gauges that monitoring reads. name like "jetstream_streams". */
    uint64_t (*metric_register)(void* host, nmk_str name, nmk_str help, nmk_metric_type type);
    void (*metric_add)(void* host, uint64_t metric_id, int64_t delta);
    void (*metric_set)(void* host, uint64_t metric_id, int64_t value);

    /* Kernel state as JSON text, in nats-server's monitoring shapes. topic is one of
     * "varz", "connz", "subsz", "accountz"; args is a query string ("subs=1&limit=10").
     * OWNERSHIP: the result is written through the writer; nothing to free. */
    nmk_status (*query_json)(void* host, nmk_str topic, nmk_str args, const nmk_http_response_writer* out);

    /* Registries. The kernel keeps the pointers it is given until the plugin's
     * stop() has returned; the tables they point to must live that long. */
    nmk_status (*register_authenticator)(void* host, nmk_str name, const nmk_authenticator* authenticator);
    nmk_status (*complete_auth)(void* host, uint64_t pending_handle, const nmk_auth_result* result);
    nmk_status (*register_http_endpoint)(void* host, nmk_str path, nmk_http_handler handler, void* user);
    nmk_status (*register_link)(void* host, nmk_str name, const nmk_link_callbacks* callbacks, uint64_t* link_id);
    /* Links: interest and messages coming from the other side. */
    nmk_status (*add_remote_interest)(void* host, uint64_t link_id, const nmk_interest* interest, uint64_t* remote_interest_id);
    nmk_status (*remove_remote_interest)(void* host, uint64_t link_id, uint64_t remote_interest_id);
    nmk_status (*link_publish)(void* host, uint64_t link_id, const nmk_message* message);

    /* Extension kinds a plugin declares for other plugins to fill (e.g. JetStream
     * declares "jetstream.store" and the memory/file/RocksDB plugins register
     * backends). vtable is an opaque, kind-specific table whose first member is
     * its uint32_t struct_size. */
    nmk_status (*declare_kind)(void* host, nmk_str kind, uint32_t kind_version);
    nmk_status (*register_extension)(void* host, nmk_str kind, nmk_str name, const void* vtable);
    const void* (*find_extension)(void* host, nmk_str kind, nmk_str name);

    /* ===================== SDK 1.1 (read only when struct_size covers them) ===================== */

    /* ---- SDK 1.1: messages, interest and clients ---- */

    /* The handle of an account by name (empty: "$G"), created when it does not exist yet.
     * The same name always gives the same handle. NMK_INVALID_ARGUMENT when handle is NULL. */
    nmk_status (*account_handle)(void* host, nmk_str account, nmk_account_handle* handle);

    /* Publishes into the account of `account` (message->account is ignored) with
     * NMK_PUBLISH_* flags; result may be NULL. On an I/O thread (a callback, timer or
     * post) the message is delivered before the call returns; elsewhere it is queued.
     * NMK_INVALID_ARGUMENT for an unknown handle, unknown flags, or a bad subject or reply. */
    nmk_status (*publish_ex)(void* host, nmk_account_handle account, const nmk_message* message, uint32_t flags,
                             nmk_publish_result* result);
    /* Publishes count messages in order, as one unit of work: from a thread that is not
     * an I/O thread (post_blocking, the plugin's own) the batch is copied once and
     * handed to one I/O thread, instead of one hand-off per message. Messages of one
     * calling thread keep their order across calls. Nothing is published when one is invalid.
     * OWNERSHIP: the messages are copied before the call returns. */
    nmk_status (*publish_batch)(void* host, nmk_account_handle account, const nmk_message* messages, size_t count,
                                uint32_t flags);
    /* subscribe() whose callback also gets the publishing client's id. Remove it with
     * unsubscribe(). Same threading as subscribe(). */
    nmk_status (*subscribe_ex)(void* host, nmk_account_handle account, nmk_str subject, nmk_str queue,
                               nmk_message_ex_callback callback, void* user, uint64_t* subscription_id);

    /* Whether a literal subject has any subscriber (client, plugin, import, link) in the account. */
    nmk_status (*has_interest)(void* host, nmk_account_handle account, nmk_str subject, int* answer);
    /* Watches a literal subject: callback(active) each time its first subscriber appears
     * and its last one goes (plain or queue, including wildcard subscriptions matching it).
     * *active_now (may be NULL) is the state when the watch starts. Stop with unwatch(). */
    nmk_status (*watch_interest)(void* host, nmk_account_handle account, nmk_str subject,
                                 nmk_interest_callback callback, void* user, uint64_t* watch_id, int* active_now);
    /* Calls callback once when the client with this id goes away. NMK_NOT_FOUND when no
     * such client is connected now. Stop earlier with unwatch(). */
    nmk_status (*watch_client)(void* host, uint64_t client_id, nmk_client_gone_callback callback, void* user,
                               uint64_t* watch_id);
    /* Every client connect and disconnect from now on, on the client's I/O thread; must not block. */
    nmk_status (*watch_connections)(void* host, nmk_connection_callback callback, void* user, uint64_t* watch_id);
    /* Ends any watch above. Once it returns the callback does not run any more (unless
     * called from inside that callback). NMK_NOT_FOUND for an unknown or finished watch. */
    nmk_status (*unwatch)(void* host, uint64_t watch_id);

    /* ---- SDK 1.1: accounts, executors and extension kinds ---- */

    /* Accounts. Names are case-sensitive; "" means "$G" where an account is named.
     * account_list: calls callback(user, name, NMK_ACCOUNT_ADDED) for every account the
     * kernel has, sorted by name, on the calling thread, before it returns. */
    nmk_status (*account_list)(void* host, nmk_account_callback callback, void* user);
    /* Tells the plugin about accounts: first ADDED for every account that exists, then
     * each ADDED, UPDATED and REMOVED as it happens, never ADDED twice for one account.
     * The callback runs on an I/O thread (must not block), one call at a time per
     * watch, in the order things happened. From start() on (NMK_ERROR before).
     * account_unwatch() returns only when no callback of that watch runs on another
     * thread; then the plugin may free `user`. Ends with the plugin's stop(). */
    nmk_status (*account_watch)(void* host, nmk_account_callback callback, void* user, uint64_t* watch_id);
    nmk_status (*account_unwatch)(void* host, uint64_t watch_id);
    /* The account's config block as JSON (written through `out`): what the config file
     * (or account_upsert) gave it, `users` left out, e.g. {"jetstream":{"max_memory":1048576},
     * "limits":{...},"exports":[...],"imports":[...]}; `jetstream` is passed as written
     * (true, "enabled", "disabled" or a block). "{}" for an account without a block,
     * NMK_NOT_FOUND for one the kernel does not have. */
    nmk_status (*account_config)(void* host, nmk_str account, const nmk_http_response_writer* out);
    /* Creates the account, or replaces its config block, at run time (JWT accounts,
     * accounts from a resolver). config_json is a block as in the `accounts` section,
     * as a JSON object: limits, exports, imports, jetstream, mappings; no `users` (an
     * authenticator names the account in its answer). It is checked exactly like the
     * config file; on failure error gets the reasons and nothing changes
     * (NMK_INVALID_ARGUMENT). On success the account is usable at once (an
     * authenticator's ALLOW naming it, subscribe, publish), its limits apply to clients
     * that join from then on, its exports and imports are linked, and its subject
     * `mappings` (the config file's forms: "src":"dest" or weighted
     * [{"destination":..,"weight":..}]) apply to the next message its clients
     * publish, also for clients already connected. The block
     * outlives config reloads; it wins over a block of the same name in the file.
     * Not on an I/O thread: it rebuilds every import link. */
    nmk_status (*account_upsert)(void* host, nmk_str account, nmk_str config_json, nmk_error_buffer error);

    /* Executors: ordered queues the plugin owns. Returns 0 on failure (bad kind,
     * threads > 64, before start(), after stop()). threads: ignored for SERIAL, 0 or 1
     * means one worker for BLOCKING. executor_post runs callback(user) on the executor;
     * NMK_NOT_FOUND for an unknown or destroyed executor, NMK_ERROR (task not taken)
     * while 65536 tasks already wait on it. executor_destroy refuses new
     * tasks, runs every task already queued (drained, not dropped; what a SERIAL queue
     * still holds may run on the destroying thread, in order), and returns when they have
     * run, except when called from one of the executor's own tasks (then the rest runs
     * after that task). After the plugin's stop() returned, every executor it still has
     * is destroyed that way, before anything else is taken back. */
    uint64_t (*executor_create)(void* host, nmk_executor_kind kind, uint32_t threads);
    nmk_status (*executor_post)(void* host, uint64_t executor_id, nmk_task_callback callback, void* user);
    nmk_status (*executor_destroy)(void* host, uint64_t executor_id);

    /* Versioned extension kinds (see NMK_KIND_VERSION; declare_kind takes the kind's
     * version). A provider says which version of the kind it implements: a major other
     * than the declared one is refused (NMK_UNSUPPORTED). A provider stays registered
     * until the plugin that declared the kind has stopped: the kernel stops a provider
     * after the kind's owner, so the owner may call the provider's table in its stop(). */
    nmk_status (*register_extension_versioned)(void* host, nmk_str kind, uint32_t kind_version, nmk_str name,
                                               const void* vtable);
    /* The named provider (empty name: the first), or NULL when there is none or its major
     * is not kind_version's. provider_version (may be NULL) gets the version it registered
     * with (0 for register_extension). */
    const void* (*find_extension_versioned)(void* host, nmk_str kind, uint32_t kind_version, nmk_str name,
                                            uint32_t* provider_version);
    /* callback(user) runs once, after every plugin's start() returned and before the
     * server accepts clients, on the thread that started the plugins (it may block briefly:
     * start-up waits). Registered later, it runs soon on an I/O thread. */
    nmk_status (*on_all_started)(void* host, nmk_task_callback callback, void* user);

    /* ===================== SDK 1.2 (read only when struct_size covers them) ===================== */

    /* ---- SDK 1.2: deliver subjects ---- */

    /* publish_ex() for a message routed by one subject and shown under another, as
     * JetStream delivers a stream message to a consumer's deliver subject (or to a pull
     * request's reply subject): the account's subscriptions are matched against
     * deliver_subject, and every receiver (a client's MSG/HMSG line, a plugin
     * subscription's callback) gets message->subject. Everything else is as for a publish
     * to deliver_subject: the receiving subscription's sid, one member per queue group,
     * max_msgs auto-unsubscribe, slow consumers, NO_ECHO and NO_OVERFLOW, the result.
     * As nats-server delivers it: a client's subscribe deny permissions are held against
     * message->subject (for a queue group member, against deliver_subject); a service
     * import on deliver_subject forwards it routed by the mapped subject and still shown
     * as message->subject; a stream import leaves the shown subject unchanged; a link
     * gets it under deliver_subject with the reply "<reply>@<message->subject>".
     * Threading as publish_ex(): on an I/O thread delivered before the call returns,
     * elsewhere queued, in call order with the caller's other publishes.
     * NMK_INVALID_ARGUMENT for an unknown handle, unknown flags, a deliver_subject that is
     * not a valid literal subject (empty, a wildcard, an empty token, whitespace), or a bad
     * subject or reply. OWNERSHIP: nothing is kept after the call returns. */
    nmk_status (*publish_deliver)(void* host, nmk_account_handle account, nmk_str deliver_subject,
                                  const nmk_message* message, uint32_t flags, nmk_publish_result* result);
    /* publish_batch() of deliver-subject messages: deliver_subjects[i] routes messages[i]
     * (both arrays count long). From a thread that is not an I/O thread the whole batch is
     * copied once and handed to one I/O thread; in order, and nothing is published when one
     * message or deliver subject is invalid. OWNERSHIP: copied before the call returns. */
    nmk_status (*publish_deliver_batch)(void* host, nmk_account_handle account, const nmk_str* deliver_subjects,
                                        const nmk_message* messages, size_t count, uint32_t flags);

    /* ===================== SDK 1.3 (read only when struct_size covers them) ===================== */

    /* ---- SDK 1.3: closing a client ---- */

    /* Closes the connected client with this id (as in /connz and nmk_auth_request), on
     * its own I/O thread, after sending -ERR '<error>' when error is not empty: what an
     * authenticator does when credentials it admitted are revoked or an account's limits
     * shrink at run time. reason is one of NMK_CLOSE_* (the closed connection's reason
     * in /connz and $SYS DISCONNECT events). Any thread; returns at once.
     * NMK_NOT_FOUND when no such client is connected, NMK_INVALID_ARGUMENT for an
     * unknown reason or an error containing CR, LF or a quote. */
    nmk_status (*close_client)(void* host, uint64_t client_id, uint32_t reason, nmk_str error);

    /* ---- SDK 1.3: connection watch with options ---- */

    /* watch_connections with flags (NMK_WATCH_*; 0 is watch_connections). Unknown flags:
     * NMK_INVALID_ARGUMENT. Ended by unwatch like the others. */
    nmk_status (*watch_connections_ex)(void* host, uint32_t flags, nmk_connection_callback callback, void* user,
                                       uint64_t* watch_id);
} nmk_host_api;

/* ---------------------------------------------------------- the plugin */

/* SDK 1.1: a command-line flag a plugin serves. The kernel parses it with Go's
 * flag syntax and writes its value into the config tree at config_path before
 * the file's options are read, so the flag wins over the file and reaches the
 * plugin the same way the key does. */
typedef enum nmk_flag_type {
    NMK_FLAG_BOOL = 0,      /* bare means true; "-x=false" works */
    NMK_FLAG_INT = 1,       /* takes a value, an integer as Go's strconv.ParseInt(s, 0, 64) */
    NMK_FLAG_STRING = 2     /* takes a value, kept as text */
} nmk_flag_type;

typedef struct nmk_plugin_flag {
    const char* spellings;    /* comma-separated, with their dashes: "-js,--jetstream" */
    uint32_t type;            /* an nmk_flag_type */
    const char* config_path;  /* dotted path of the value it sets: "jetstream", "cluster.listen" */
    const char* help;         /* one line for the usage text, may be "" */
} nmk_plugin_flag;

/* Config errors: a plugin that puts `config key '<path>'` in an error text of
 * create(), reload() or validate() (path dotted from its config object, array
 * items as [n]: "auth.user", "users[2].password") lets the kernel print the
 * file:line:col where that key is written. The C++ layer's config helpers do. */

typedef struct nmk_plugin_descriptor {
    uint32_t struct_size;
    uint16_t sdk_major;      /* NMK_SDK_VERSION_MAJOR the plugin was built with */
    uint16_t sdk_minor;
    const char* name;        /* static strings */
    const char* version;
    const char* description;
    const char* provides;    /* comma-separated extension kinds, e.g. "authenticator" */
    const char* requires_plugins; /* comma-separated plugin names loaded first, may be "" */

    /* Creates the plugin instance from its config block (JSON text). Returns NULL
     * and fills error on failure. OWNERSHIP: host lives until destroy(). */
    void* (*create)(const nmk_host_api* host, nmk_str config_json, nmk_error_buffer error);
    /* Starts work (subscriptions, timers). Non-zero with error text: start-up fails. */
    int (*start)(void* instance, nmk_error_buffer error);
    /* New config block on SIGHUP. Non-zero keeps the old config. */
    int (*reload)(void* instance, nmk_str config_json, nmk_error_buffer error);
    void (*stop)(void* instance);
    void (*destroy)(void* instance);

    /* ===================== SDK 1.1 (read only when struct_size covers them) ===================== */

    /* Top-level config keys the plugin serves, comma-separated, e.g. "jetstream,store_dir";
     * NULL or "" for none. A config with one of them loads the plugin, and the plugin's
     * config object gets each one present under its own name. */
    const char* config_keys;
    /* Command-line flags the plugin serves (static array, flag_count entries; NULL when none). */
    const nmk_plugin_flag* flags;
    uint32_t flag_count;
    /* Checks a config object (the JSON create() would get) without creating anything:
     * `nats-server -t` calls it. Non-zero with error text: the config is refused. NULL:
     * -t runs create() then destroy() instead, without start(). */
    int (*validate)(nmk_str config_json, nmk_error_buffer error);
} nmk_plugin_descriptor;

typedef const nmk_plugin_descriptor* (*nmk_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* NATS_SDK_ABI_H */
