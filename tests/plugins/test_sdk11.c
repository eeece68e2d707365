/* SDK 1.1 accounts and executors, in plain C, for the integration tests.
 * An authenticator: a CONNECT with "user":"<ACCOUNT>-<anything>" is admitted into
 * <ACCOUNT> (which must exist: made by the config or by sdk11.upsert); any other
 * user is refused. Requests in $G (answers go to the reply subject):
 *   sdk11.upsert.<ACC>  payload: the account's block as JSON. account_upsert runs on
 *                       a BLOCKING executor (never on an I/O thread); "ok" or
 *                       "error <status>: <reasons>"
 *   sdk11.config.<ACC>  account_config's JSON, or "status <n>"
 *   sdk11.list          account_list's names, comma-separated
 *   sdk11.watch         starts a watch (once): each event is published to
 *                       "sdk11.event" as "added|updated|removed <account>"; "watching"
 *   sdk11.serial        payload N (1-1000): N tasks on a SERIAL executor, each
 *                       appending its number; the last answers "0,1,...,N-1" */
#include "test_plugin.h"

#include <pthread.h>

typedef struct sdk11 {
    nmk_authenticator table;
    const nmk_host_api* host;
    uint64_t subscription, blocking, serial, watch;
    pthread_mutex_t mutex;
} sdk11;

typedef struct job {
    sdk11* self;
    char* reply;
    char* account;
    char* body;
    int index, last;
    char* sequence; /* shared by one sdk11.serial request's tasks */
} job;

static job* new_job(sdk11* self, nmk_str reply) {
    job* j = (job*)calloc(1, sizeof(job));
    j->self = self;
    j->reply = test_copy(reply);
    return j;
}
static void free_job(job* j) {
    free(j->reply);
    free(j->account);
    free(j->body);
    free(j);
}
static void answer(sdk11* self, const char* reply, const char* text) {
    test_reply(self->host, test_str(reply), text);
}

static void run_upsert(void* user) {
    job* j = (job*)user;
    const nmk_host_api* host = j->self->host;
    char reasons[2048] = "";
    nmk_error_buffer error = {reasons, sizeof reasons};
    nmk_status status = host->account_upsert(host->host, test_str(j->account), test_str(j->body), error);
    char text[2200];
    if (status == NMK_OK) snprintf(text, sizeof text, "ok");
    else snprintf(text, sizeof text, "error %d: %s", (int)status, reasons);
    answer(j->self, j->reply, text);
    free_job(j);
}

static void run_serial(void* user) {
    job* j = (job*)user;
    char number[16];
    snprintf(number, sizeof number, "%s%d", j->index ? "," : "", j->index);
    strcat(j->sequence, number); /* serial: no two tasks at once */
    if (j->index == j->last) {
        answer(j->self, j->reply, j->sequence);
        free(j->sequence);
    }
    free_job(j);
}

static const char* event_name(nmk_account_event e) {
    return e == NMK_ACCOUNT_ADDED ? "added" : e == NMK_ACCOUNT_UPDATED ? "updated" : "removed";
}
static void on_account(void* user, nmk_str account, nmk_account_event event) {
    sdk11* self = (sdk11*)user;
    char text[256];
    snprintf(text, sizeof text, "%s %.*s", event_name(event), (int)account.size, account.data);
    test_publish(self->host, "", test_str("sdk11.event"), test_str(text));
}

static void collect(void* user, nmk_str account, nmk_account_event event) {
    test_buffer* b = (test_buffer*)user;
    if (b->size) test_buffer_append(b, test_str(","));
    test_buffer_append(b, account);
}

static void on_request(void* user, const nmk_message* m) {
    sdk11* self = (sdk11*)user;
    const nmk_host_api* host = self->host;
    nmk_str what = {m->subject.data + 6, m->subject.size - 6}; /* after "sdk11." */
    if (test_starts(what, "upsert.")) {
        job* j = new_job(self, m->reply);
        j->account = test_copy((nmk_str){what.data + 7, what.size - 7});
        j->body = test_copy(m->payload);
        if (host->executor_post(host->host, self->blocking, run_upsert, j) != NMK_OK) {
            answer(self, j->reply, "post failed");
            free_job(j);
        }
    } else if (test_starts(what, "config.")) {
        static __thread test_buffer out;
        nmk_http_response_writer writer = test_buffer_writer(&out);
        nmk_status status = host->account_config(host->host, (nmk_str){what.data + 7, what.size - 7}, &writer);
        if (status == NMK_OK) test_publish(host, "", m->reply, test_buffer_view(&out));
        else test_reply_status(host, m->reply, status);
    } else if (test_is(what, "list")) {
        static __thread test_buffer names;
        test_buffer_clear(&names);
        host->account_list(host->host, collect, &names);
        test_publish(host, "", m->reply, test_buffer_view(&names));
    } else if (test_is(what, "watch")) {
        pthread_mutex_lock(&self->mutex);
        nmk_status status = NMK_OK;
        if (!self->watch) status = host->account_watch(host->host, on_account, self, &self->watch);
        pthread_mutex_unlock(&self->mutex);
        test_reply(host, m->reply, status == NMK_OK ? "watching" : "failed");
    } else if (test_is(what, "serial")) {
        char* count_text = test_copy(m->payload);
        int n = atoi(count_text);
        free(count_text);
        if (n < 1 || n > 1000) return;
        char* sequence = (char*)calloc(1, (size_t)n * 6 + 1);
        for (int i = 0; i < n; ++i) {
            job* j = new_job(self, m->reply);
            j->index = i;
            j->last = n - 1;
            j->sequence = sequence;
            host->executor_post(host->host, self->serial, run_serial, j);
        }
    }
}

/* "user":"ACC-x" -> ACC. */
static void authenticate(void* user, const nmk_auth_request* request, nmk_auth_result* result) {
    sdk11* self = (sdk11*)user;
    char* connect = test_copy(request->connect_json);
    char name[128] = "";
    test_json_string(connect, "user", name, sizeof name);
    free(connect);
    char* dash = strchr(name, '-');
    if (!dash || dash == name) {
        result->decision = NMK_AUTH_DENY;
        result->deny_reason = test_str("no account in the user name");
        return;
    }
    static __thread char account[128];
    snprintf(account, sizeof account, "%.*s", (int)(dash - name), name);
    /* Only accounts the server has: an account unknown to it is refused. */
    static __thread test_buffer out;
    nmk_http_response_writer writer = test_buffer_writer(&out);
    if (self->host->account_config(self->host->host, test_str(account), &writer) != NMK_OK) {
        result->decision = NMK_AUTH_DENY;
        result->deny_reason = test_str("unknown account");
        return;
    }
    result->decision = NMK_AUTH_ALLOW;
    result->account = test_str(account);
    result->user = test_str(account);
}

static int needs_nonce(void* self) { return 0; }

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    if (host->struct_size <= offsetof(nmk_host_api, on_all_started)) {
        test_error(error, "the kernel has no SDK 1.1 host API");
        return NULL;
    }
    sdk11* self = (sdk11*)calloc(1, sizeof(sdk11));
    self->host = host;
    self->table.struct_size = sizeof(nmk_authenticator);
    self->table.self = self;
    self->table.needs_nonce = needs_nonce;
    self->table.authenticate = authenticate;
    pthread_mutex_init(&self->mutex, NULL);
    return self;
}
static int start(void* instance, nmk_error_buffer error) {
    sdk11* self = (sdk11*)instance;
    const nmk_host_api* host = self->host;
    self->blocking = host->executor_create(host->host, NMK_EXECUTOR_BLOCKING, 1);
    self->serial = host->executor_create(host->host, NMK_EXECUTOR_SERIAL, 0);
    if (!self->blocking || !self->serial) {
        test_error(error, "executor_create failed");
        return 1;
    }
    if (host->subscribe(host->host, test_str(""), test_str("sdk11.>"), test_str(""), on_request, self,
                        &self->subscription) != NMK_OK ||
        host->register_authenticator(host->host, test_str("test_sdk11"), &self->table) != NMK_OK) {
        test_error(error, "subscribe or register_authenticator failed");
        return 1;
    }
    return 0;
}
static void stop(void* instance) {
    sdk11* self = (sdk11*)instance;
    self->host->executor_destroy(self->host->host, self->blocking);
}
static void destroy(void* instance) {
    sdk11* self = (sdk11*)instance;
    pthread_mutex_destroy(&self->mutex);
    free(self);
}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_sdk11", "1.1.0",
    "SDK 1.1 accounts and executors probe", "authenticator", "", create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
