/* Exercises the SDK 1.1 "messages, interest and clients" calls for the
 * integration tests. Requests on "msg.<what>" in $G, served by a subscribe_ex
 * subscription (answers go to the reply subject; events to "msg.events"):
 *   sender             -> "client <id>": the requester's client id
 *   noecho             -> publishes to "self.check" with and without NO_ECHO, where
 *                         this plugin also subscribes: "noecho=<n> echo=<n> self=<n>"
 *   count <subject>    -> publish_ex to <subject>: "routed=<r> receivers=<n>"
 *   flood <subject> <n> <size> -> n publishes with NO_OVERFLOW:
 *                         "receivers=<sum> pressured=<sum> overflowed=<sum>"
 *   batch <batches> <size> -> from the blocking pool, publish_batch of <size>
 *                         messages "<i>" to "batch.out", <batches> times; "queued"
 *   gone               -> watches the requester; "gone <id>" when it leaves
 *   interest <subject> -> watches <subject>: "active_now=<0|1>"; then "interest <subject> <0|1>"
 *   unwatch            -> ends every interest watch: "unwatched <n>"
 *   has <subject>      -> "1" or "0"
 *   conns              -> watches connections: "connect <id> <account> <user> <name> <lang> <ip> <tls>"
 *                         and "disconnect <id> <account> <name> <lang> <ip> <tls> in=<msgs>/<bytes> out=<msgs>/<bytes> <reason>"
 *   bad                -> "ok" when every bad input is refused, else "fail <which>"
 *   hose <ms>          -> a client driving a plugin to publish without end: from the
 *                         blocking pool, 1 MiB messages to "hose.out" until one is refused
 *                         (at most 256), then "accepted=<n> status=<refusal status>".
 *                         Meanwhile this I/O thread sleeps <ms> (a deliberate misdeed:
 *                         with one I/O thread nothing handed off is routed until then). */
#include "test_plugin.h"

#include <pthread.h>
#include <unistd.h>

#define MAX_WATCHES 16

typedef struct messaging {
    const nmk_host_api* host;
    nmk_account_handle global;
    uint64_t requests, self_sub, conns_watch;
    pthread_mutex_t mutex;
    int self_seen;
    uint64_t interest_watches[MAX_WATCHES];
    char* interest_subjects[MAX_WATCHES];
    int interest_count;
} messaging;

typedef struct event {
    messaging* self;
    char* subject;
    char* text;
} event;

static void publish_text(messaging* self, const char* subject, const char* text) {
    nmk_message m;
    memset(&m, 0, sizeof m);
    m.subject = test_str(subject);
    m.payload = test_str(text);
    self->host->publish_ex(self->host->host, self->global, &m, 0, NULL);
}

/* Events are published from a posted task: an I/O thread's batch that flushes. */
static void run_event(void* user) {
    event* e = (event*)user;
    publish_text(e->self, e->subject, e->text);
    free(e->subject);
    free(e->text);
    free(e);
}
static void post_event(messaging* self, const char* subject, const char* text) {
    event* e = (event*)calloc(1, sizeof(event));
    e->self = self;
    e->subject = test_copy(test_str(subject));
    e->text = test_copy(test_str(text));
    self->host->post(self->host->host, run_event, e);
}

static void answer(messaging* self, const nmk_message_ex* m, const char* text) {
    if (m->reply.size == 0) return;
    char* reply = test_copy(m->reply);
    publish_text(self, reply, text);
    free(reply);
}

static void on_self(void* user, const nmk_message* m) {
    messaging* self = (messaging*)user;
    pthread_mutex_lock(&self->mutex);
    ++self->self_seen;
    pthread_mutex_unlock(&self->mutex);
}

static void on_gone(void* user, uint64_t watch_id, uint64_t client_id) {
    char text[64];
    snprintf(text, sizeof text, "gone %llu", (unsigned long long)client_id);
    post_event((messaging*)user, "msg.events", text);
}

typedef struct interest_user {
    messaging* self;
    char subject[128];
} interest_user;

static void on_interest(void* user, uint64_t watch_id, int active) {
    interest_user* u = (interest_user*)user;
    char text[192];
    snprintf(text, sizeof text, "interest %s %d", u->subject, active);
    post_event(u->self, "msg.events", text);
}

static void on_connection(void* user, const nmk_connection_event* e) {
    char* account = test_copy(e->account);
    char* who = test_copy(e->user);
    char* name = test_copy(e->name);
    char* lang = test_copy(e->lang);
    char* ip = test_copy(e->ip);
    char* reason = test_copy(e->reason);
    char text[512];
    if (e->kind == NMK_CONNECTION_CONNECT)
        snprintf(text, sizeof text, "connect %llu %s %s %s %s %s %d", (unsigned long long)e->client_id, account,
                 who[0] ? who : "-", name[0] ? name : "-", lang, ip, e->tls);
    else
        snprintf(text, sizeof text, "disconnect %llu %s %s %s %s %d in=%llu/%llu out=%llu/%llu %s",
                 (unsigned long long)e->client_id, account, name[0] ? name : "-", lang, ip, e->tls,
                 (unsigned long long)e->in_msgs, (unsigned long long)e->in_bytes, (unsigned long long)e->out_msgs,
                 (unsigned long long)e->out_bytes, reason);
    if (e->start_unix_ns <= 0 || e->port == 0 || (e->kind == NMK_CONNECTION_DISCONNECT && e->stop_unix_ns < e->start_unix_ns))
        snprintf(text, sizeof text, "bad event: no start, port or stop");
    free(account), free(who), free(name), free(lang), free(ip), free(reason);
    post_event((messaging*)user, "msg.events", text);
}

typedef struct batch_job {
    messaging* self;
    int batches, size;
} batch_job;

static void run_batches(void* user) {
    batch_job* job = (batch_job*)user;
    nmk_message* messages = (nmk_message*)calloc((size_t)job->size, sizeof(nmk_message));
    char* texts = (char*)calloc((size_t)job->size, 16);
    int n = 0;
    for (int b = 0; b < job->batches; ++b) {
        for (int i = 0; i < job->size; ++i, ++n) {
            snprintf(texts + 16 * i, 16, "%d", n);
            messages[i].subject = test_str("batch.out");
            messages[i].payload = test_str(texts + 16 * i);
        }
        job->self->host->publish_batch(job->self->host->host, job->self->global, messages, (size_t)job->size, 0);
    }
    free(texts);
    free(messages);
    free(job);
}

typedef struct hose_job {
    messaging* self;
    char* reply;
} hose_job;

static void run_hose(void* user) {
    hose_job* job = (hose_job*)user;
    const nmk_host_api* h = job->self->host;
    const size_t size = (size_t)1 << 20;
    char* body = (char*)malloc(size);
    memset(body, 'h', size);
    nmk_message out;
    memset(&out, 0, sizeof out);
    out.subject = test_str("hose.out");
    out.payload.data = body;
    out.payload.size = size;
    int accepted = 0;
    nmk_status status = NMK_OK;
    while (accepted < 256 && (status = h->publish_ex(h->host, job->self->global, &out, 0, NULL)) == NMK_OK)
        ++accepted;
    free(body);
    char text[64];
    snprintf(text, sizeof text, "accepted=%d status=%d", accepted, (int)status);
    nmk_message answer_message;
    memset(&answer_message, 0, sizeof answer_message);
    answer_message.subject = test_str(job->reply);
    answer_message.payload = test_str(text);
    /* The answer waits in the same queue: try again while it is full (10 s at most). */
    for (int i = 0; i < 1000; ++i) {
        if (h->publish_ex(h->host, job->self->global, &answer_message, 0, NULL) == NMK_OK) break;
        usleep(10000);
    }
    free(job->reply);
    free(job);
}

static void noop_message(void* user, const nmk_message_ex* m) {}
static void noop_interest(void* user, uint64_t id, int active) {}
static void noop_gone(void* user, uint64_t id, uint64_t client) {}
static void noop_connection(void* user, const nmk_connection_event* e) {}

static const char* bad_inputs(messaging* self) {
    const nmk_host_api* h = self->host;
    void* ctx = h->host;
    nmk_message good;
    memset(&good, 0, sizeof good);
    good.subject = test_str("bad.check");
    nmk_message wild = good;
    wild.subject = test_str("bad.*");
    nmk_message empty = good;
    empty.subject = test_str("");
    uint64_t id = 0;
    int answer_value = 0;
    const nmk_account_handle unknown = 987654;
    if (h->account_handle(ctx, test_str("X"), NULL) != NMK_INVALID_ARGUMENT) return "account_handle null";
    if (h->publish_ex(ctx, unknown, &good, 0, NULL) != NMK_INVALID_ARGUMENT) return "publish_ex unknown handle";
    if (h->publish_ex(ctx, 0, &good, 0, NULL) != NMK_INVALID_ARGUMENT) return "publish_ex handle 0";
    if (h->publish_ex(ctx, self->global, NULL, 0, NULL) != NMK_INVALID_ARGUMENT) return "publish_ex null message";
    if (h->publish_ex(ctx, self->global, &wild, 0, NULL) != NMK_INVALID_ARGUMENT) return "publish_ex wildcard";
    if (h->publish_ex(ctx, self->global, &empty, 0, NULL) != NMK_INVALID_ARGUMENT) return "publish_ex empty";
    if (h->publish_ex(ctx, self->global, &good, 0x100, NULL) != NMK_INVALID_ARGUMENT) return "publish_ex flags";
    if (h->publish_batch(ctx, unknown, &good, 1, 0) != NMK_INVALID_ARGUMENT) return "publish_batch unknown handle";
    if (h->publish_batch(ctx, self->global, NULL, 2, 0) != NMK_INVALID_ARGUMENT) return "publish_batch null";
    nmk_message mixed[2] = {good, wild};
    if (h->publish_batch(ctx, self->global, mixed, 2, 0) != NMK_INVALID_ARGUMENT) return "publish_batch one bad";
    if (h->subscribe_ex(ctx, unknown, test_str("a"), test_str(""), noop_message, NULL, &id) != NMK_INVALID_ARGUMENT)
        return "subscribe_ex unknown handle";
    if (h->subscribe_ex(ctx, self->global, test_str("a"), test_str(""), NULL, NULL, &id) != NMK_INVALID_ARGUMENT)
        return "subscribe_ex null callback";
    if (h->subscribe_ex(ctx, self->global, test_str("a..b"), test_str(""), noop_message, NULL, &id) !=
        NMK_INVALID_ARGUMENT)
        return "subscribe_ex bad subject";
    if (h->subscribe_ex(ctx, self->global, test_str("a"), test_str("q q"), noop_message, NULL, &id) !=
        NMK_INVALID_ARGUMENT)
        return "subscribe_ex bad queue";
    if (h->has_interest(ctx, unknown, test_str("a"), &answer_value) != NMK_INVALID_ARGUMENT)
        return "has_interest unknown handle";
    if (h->has_interest(ctx, self->global, test_str("a.*"), &answer_value) != NMK_INVALID_ARGUMENT)
        return "has_interest wildcard";
    if (h->has_interest(ctx, self->global, test_str("a"), NULL) != NMK_INVALID_ARGUMENT) return "has_interest null";
    if (h->watch_interest(ctx, unknown, test_str("a"), noop_interest, NULL, &id, NULL) != NMK_INVALID_ARGUMENT)
        return "watch_interest unknown handle";
    if (h->watch_interest(ctx, self->global, test_str("a"), NULL, NULL, &id, NULL) != NMK_INVALID_ARGUMENT)
        return "watch_interest null callback";
    if (h->watch_interest(ctx, self->global, test_str("a.>"), noop_interest, NULL, &id, NULL) != NMK_INVALID_ARGUMENT)
        return "watch_interest wildcard";
    if (h->watch_client(ctx, 1, NULL, NULL, &id) != NMK_INVALID_ARGUMENT) return "watch_client null callback";
    if (h->watch_client(ctx, 987654321, noop_gone, NULL, &id) != NMK_NOT_FOUND) return "watch_client unknown client";
    if (h->watch_connections(ctx, NULL, NULL, &id) != NMK_INVALID_ARGUMENT) return "watch_connections null callback";
    if (h->unwatch(ctx, 987654321) != NMK_NOT_FOUND) return "unwatch unknown";
    if (h->unsubscribe(ctx, 987654321) != NMK_NOT_FOUND) return "unsubscribe unknown";
    (void)noop_connection;
    return NULL;
}

static void on_request(void* user, const nmk_message_ex* m) {
    messaging* self = (messaging*)user;
    char* subject = test_copy(m->subject);
    char* payload = test_copy(m->payload);
    const char* what = subject + 4; /* after "msg." */
    char text[256];
    const nmk_host_api* h = self->host;
    if (strcmp(what, "sender") == 0) {
        snprintf(text, sizeof text, "client %llu", (unsigned long long)m->client_id);
        answer(self, m, text);
    } else if (strcmp(what, "noecho") == 0) {
        nmk_message out;
        memset(&out, 0, sizeof out);
        out.subject = test_str("self.check");
        out.payload = test_str("x");
        nmk_publish_result r1, r2;
        memset(&r1, 0, sizeof r1);
        r1.struct_size = sizeof r1;
        r2 = r1;
        h->publish_ex(h->host, self->global, &out, NMK_PUBLISH_NO_ECHO, &r1);
        h->publish_ex(h->host, self->global, &out, 0, &r2);
        pthread_mutex_lock(&self->mutex);
        snprintf(text, sizeof text, "noecho=%u echo=%u self=%d", r1.receivers, r2.receivers, self->self_seen);
        pthread_mutex_unlock(&self->mutex);
        answer(self, m, text);
    } else if (strcmp(what, "count") == 0) {
        nmk_message out;
        memset(&out, 0, sizeof out);
        out.subject = test_str(payload);
        out.payload = test_str("counted");
        nmk_publish_result r;
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        nmk_status s = h->publish_ex(h->host, self->global, &out, 0, &r);
        snprintf(text, sizeof text, "status=%d routed=%d receivers=%u", (int)s, r.routed, r.receivers);
        answer(self, m, text);
    } else if (strcmp(what, "flood") == 0) {
        char target[128];
        int n = 0, size = 0;
        sscanf(payload, "%127s %d %d", target, &n, &size);
        char* body = (char*)malloc((size_t)size + 1);
        memset(body, 'f', (size_t)size);
        nmk_message out;
        memset(&out, 0, sizeof out);
        out.subject = test_str(target);
        out.payload.data = body;
        out.payload.size = (size_t)size;
        unsigned receivers = 0, pressured = 0, overflowed = 0;
        for (int i = 0; i < n; ++i) {
            nmk_publish_result r;
            memset(&r, 0, sizeof r);
            r.struct_size = sizeof r;
            h->publish_ex(h->host, self->global, &out, NMK_PUBLISH_NO_OVERFLOW, &r);
            receivers += r.receivers;
            pressured += r.pressured;
            overflowed += r.overflowed;
        }
        free(body);
        snprintf(text, sizeof text, "receivers=%u pressured=%u overflowed=%u", receivers, pressured, overflowed);
        answer(self, m, text);
    } else if (strcmp(what, "batch") == 0) {
        batch_job* job = (batch_job*)calloc(1, sizeof(batch_job));
        job->self = self;
        sscanf(payload, "%d %d", &job->batches, &job->size);
        h->post_blocking(h->host, run_batches, job);
        answer(self, m, "queued");
    } else if (strcmp(what, "gone") == 0) {
        uint64_t id = 0;
        nmk_status s = h->watch_client(h->host, m->client_id, on_gone, self, &id);
        snprintf(text, sizeof text, "watching status=%d", (int)s);
        answer(self, m, text);
    } else if (strcmp(what, "interest") == 0) {
        pthread_mutex_lock(&self->mutex);
        int slot = self->interest_count < MAX_WATCHES ? self->interest_count++ : -1;
        pthread_mutex_unlock(&self->mutex);
        if (slot < 0) {
            answer(self, m, "too many watches");
        } else {
            interest_user* u = (interest_user*)calloc(1, sizeof(interest_user));
            u->self = self;
            snprintf(u->subject, sizeof u->subject, "%s", payload);
            int now = -1;
            nmk_status s = h->watch_interest(h->host, self->global, test_str(payload), on_interest, u,
                                             &self->interest_watches[slot], &now);
            self->interest_subjects[slot] = (char*)u;
            snprintf(text, sizeof text, "status=%d active_now=%d", (int)s, now);
            answer(self, m, text);
        }
    } else if (strcmp(what, "unwatch") == 0) {
        pthread_mutex_lock(&self->mutex);
        int n = self->interest_count, done = 0;
        for (int i = 0; i < n; ++i) {
            if (h->unwatch(h->host, self->interest_watches[i]) == NMK_OK) ++done;
            free(self->interest_subjects[i]);
        }
        self->interest_count = 0;
        pthread_mutex_unlock(&self->mutex);
        snprintf(text, sizeof text, "unwatched %d", done);
        answer(self, m, text);
    } else if (strcmp(what, "has") == 0) {
        int yes = -1;
        h->has_interest(h->host, self->global, test_str(payload), &yes);
        snprintf(text, sizeof text, "%d", yes);
        answer(self, m, text);
    } else if (strcmp(what, "conns") == 0) {
        nmk_status s = h->watch_connections(h->host, on_connection, self, &self->conns_watch);
        snprintf(text, sizeof text, "watching status=%d", (int)s);
        answer(self, m, text);
    } else if (strcmp(what, "hose") == 0 && m->reply.size) {
        hose_job* job = (hose_job*)calloc(1, sizeof(hose_job));
        job->self = self;
        job->reply = test_copy(m->reply);
        h->post_blocking(h->host, run_hose, job);
        usleep((useconds_t)atoi(payload) * 1000);
    } else if (strcmp(what, "bad") == 0) {
        const char* failed = bad_inputs(self);
        snprintf(text, sizeof text, failed ? "fail %s" : "ok", failed);
        answer(self, m, text);
    }
    free(subject);
    free(payload);
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    if (host->struct_size < offsetof(nmk_host_api, unwatch) + sizeof host->unwatch) {
        test_error(error, "the kernel has no SDK 1.1 messaging calls");
        return NULL;
    }
    messaging* self = (messaging*)calloc(1, sizeof(messaging));
    self->host = host;
    pthread_mutex_init(&self->mutex, NULL);
    return self;
}

static int start(void* instance, nmk_error_buffer error) {
    messaging* self = (messaging*)instance;
    const nmk_host_api* h = self->host;
    if (h->account_handle(h->host, test_str(""), &self->global) != NMK_OK ||
        h->subscribe_ex(h->host, self->global, test_str("msg.>"), test_str(""), on_request, self, &self->requests) !=
            NMK_OK ||
        h->subscribe(h->host, test_str(""), test_str("self.check"), test_str(""), on_self, self, &self->self_sub) !=
            NMK_OK) {
        test_error(error, "subscribe failed");
        return 1;
    }
    return 0;
}

static void stop(void* instance) {
    messaging* self = (messaging*)instance;
    self->host->unsubscribe(self->host->host, self->requests);
    self->host->unsubscribe(self->host->host, self->self_sub);
}

static void destroy(void* instance) {
    messaging* self = (messaging*)instance;
    for (int i = 0; i < self->interest_count; ++i) free(self->interest_subjects[i]);
    pthread_mutex_destroy(&self->mutex);
    free(self);
}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_messaging", "1.0.0",
    "SDK 1.1 messaging probe", "", "", create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
