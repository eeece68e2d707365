/* Exercises the host API for the integration tests. Requests on "probe.<what>"
 * in $G (the answer goes to the reply subject):
 *   varz, connz, subsz, accountz, nosuch  -> query_json(<what>) or "status <n>"
 *   timer     -> "timer fired" from a one-shot timer
 *   repeat    -> "tick 1".."tick 3" from a repeating timer, then cancelled
 *   post      -> "posted" from post()
 *   blocking  -> "blocking" published from the blocking pool
 *   datadir   -> data_dir()
 *   greeting  -> the "greeting" of its config block (reload() changes it)
 *   to.<acc>  -> publishes the payload to "probe.delivered" in account <acc>
 *   watch.<acc> -> subscribes to "inbox.>" in <acc>; each message there is
 *                  republished to "probe.seen" in $G as "<acc> <subject> <payload>" */
#include "test_plugin.h"

#include <pthread.h>

typedef struct probe {
    const nmk_host_api* host;
    uint64_t subscription;
    pthread_mutex_t mutex;
    char greeting[128];
} probe;

typedef struct task {
    probe* self;
    char* reply;
    char* account;
    uint64_t timer;
    int count;
} task;

static task* new_task(probe* self, nmk_str reply) {
    task* t = (task*)calloc(1, sizeof(task));
    t->self = self;
    t->reply = test_copy(reply);
    return t;
}
static void free_task(task* t) {
    free(t->reply);
    free(t->account);
    free(t);
}

static void on_timer(void* user) {
    task* t = (task*)user;
    test_reply(t->self->host, test_str(t->reply), "timer fired");
    free_task(t);
}
static void on_tick(void* user) {
    task* t = (task*)user;
    char text[32];
    snprintf(text, sizeof text, "tick %d", ++t->count);
    test_reply(t->self->host, test_str(t->reply), text);
    if (t->count == 3) {
        t->self->host->cancel_timer(t->self->host->host, t->timer);
        free_task(t);
    }
}
static void on_post(void* user) {
    task* t = (task*)user;
    test_reply(t->self->host, test_str(t->reply), "posted");
    free_task(t);
}
static void on_blocking(void* user) {
    task* t = (task*)user;
    test_reply(t->self->host, test_str(t->reply), "blocking");
    free_task(t);
}

static void on_watched(void* user, const nmk_message* m) {
    probe* self = (probe*)user;
    char text[512];
    snprintf(text, sizeof text, "%.*s %.*s %.*s", (int)m->account.size, m->account.data, (int)m->subject.size,
             m->subject.data, (int)m->payload.size, m->payload.data);
    test_publish(self->host, "$G", test_str("probe.seen"), test_str(text));
}

static void on_request(void* user, const nmk_message* m) {
    probe* self = (probe*)user;
    const nmk_host_api* host = self->host;
    nmk_str what = {m->subject.data + 6, m->subject.size - 6}; /* after "probe." */
    if (test_is(what, "varz") || test_is(what, "connz") || test_is(what, "subsz") || test_is(what, "accountz") ||
        test_is(what, "nosuch")) {
        static __thread test_buffer out;
        nmk_http_response_writer writer = test_buffer_writer(&out);
        nmk_status status = host->query_json(host->host, what, test_str(""), &writer);
        if (status != NMK_OK) test_reply_status(host, m->reply, status);
        else test_publish(host, "", m->reply, test_buffer_view(&out));
    } else if (test_is(what, "timer")) {
        host->set_timer(host->host, 10, 0, on_timer, new_task(self, m->reply));
    } else if (test_is(what, "repeat")) {
        task* t = new_task(self, m->reply);
        t->timer = host->set_timer(host->host, 5, 5, on_tick, t);
    } else if (test_is(what, "post")) {
        host->post(host->host, on_post, new_task(self, m->reply));
    } else if (test_is(what, "blocking")) {
        host->post_blocking(host->host, on_blocking, new_task(self, m->reply));
    } else if (test_is(what, "datadir")) {
        test_publish(host, "", m->reply, host->data_dir(host->host));
    } else if (test_is(what, "greeting")) {
        char copy[128];
        pthread_mutex_lock(&self->mutex);
        memcpy(copy, self->greeting, sizeof copy);
        pthread_mutex_unlock(&self->mutex);
        test_reply(host, m->reply, copy);
    } else if (what.size > 3 && memcmp(what.data, "to.", 3) == 0) {
        char* account = test_copy((nmk_str){what.data + 3, what.size - 3});
        test_publish(host, account, test_str("probe.delivered"), m->payload);
        free(account);
        test_reply(host, m->reply, "sent");
    } else if (what.size > 6 && memcmp(what.data, "watch.", 6) == 0) {
        uint64_t id;
        nmk_str account = {what.data + 6, what.size - 6};
        nmk_status status = host->subscribe(host->host, account, test_str("inbox.>"), test_str(""), on_watched, self, &id);
        test_reply(host, m->reply, status == NMK_OK ? "watching" : "failed");
    }
}

static void set_greeting(probe* self, nmk_str config) {
    char* text = test_copy(config);
    const char* key = "\"greeting\":\"";
    char* at = strstr(text, key);
    pthread_mutex_lock(&self->mutex);
    snprintf(self->greeting, sizeof self->greeting, "%s", "hello");
    if (at) {
        at += strlen(key);
        char* end = strchr(at, '"');
        if (end) snprintf(self->greeting, sizeof self->greeting, "%.*s", (int)(end - at), at);
    }
    pthread_mutex_unlock(&self->mutex);
    free(text);
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    probe* self = (probe*)calloc(1, sizeof(probe));
    self->host = host;
    pthread_mutex_init(&self->mutex, NULL);
    set_greeting(self, config);
    return self;
}
static int start(void* instance, nmk_error_buffer error) {
    probe* self = (probe*)instance;
    if (self->host->subscribe(self->host->host, test_str(""), test_str("probe.>"), test_str(""), on_request, self,
                              &self->subscription) != NMK_OK) {
        test_error(error, "subscribe failed");
        return 1;
    }
    return 0;
}
static int reload(void* instance, nmk_str config, nmk_error_buffer error) {
    probe* self = (probe*)instance;
    char* text = test_copy(config);
    int refuse = strstr(text, "\"refuse\":true") != NULL;
    free(text);
    if (refuse) {
        test_error(error, "refusing this config");
        return 1;
    }
    set_greeting(self, config);
    return 0;
}
static void stop(void* instance) {}
static void destroy(void* instance) {
    probe* self = (probe*)instance;
    pthread_mutex_destroy(&self->mutex);
    free(self);
}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_probe", "2.0.0",
    "host API probe", "", "", create, start, reload, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
