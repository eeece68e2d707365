/* Exercises SDK 1.2's publish_deliver and publish_deliver_batch for the
 * integration tests (tests/integration/plugin_deliver_test.cpp). Requests on
 * "deliver.<what>" in $G, served by a subscribe_ex subscription; the answer goes
 * to the request's reply subject:
 *   one <deliver> <subject> <reply or -> <headers 0|1> <payload>
 *                 -> publish_deliver from this I/O thread: "status=<s> routed=<r> receivers=<n>";
 *                    headers 1 adds the block "NATS/1.0\r\nNats-Stream: ORDERS\r\n\r\n"
 *   batch <deliver> <n>
 *                 -> from the blocking pool, one publish_deliver_batch of n messages
 *                    shown as "ORDERS.<i>" with payload "<i>" (i from 1); then, from that
 *                    same thread (so after the batch), "batch status=<s>" to the reply */
#include "test_plugin.h"

#define STREAM_HEADERS "NATS/1.0\r\nNats-Stream: ORDERS\r\n\r\n"

typedef struct deliverer {
    const nmk_host_api* host;
    nmk_account_handle global;
    uint64_t requests;
} deliverer;

typedef struct batch_job {
    deliverer* self;
    char deliver[128];
    char* reply;
    int count;
} batch_job;

static void publish_text(deliverer* self, const char* subject, const char* text) {
    nmk_message m;
    memset(&m, 0, sizeof m);
    m.subject = test_str(subject);
    m.payload = test_str(text);
    self->host->publish_ex(self->host->host, self->global, &m, 0, NULL);
}

static void run_batch(void* user) {
    batch_job* job = (batch_job*)user;
    const nmk_host_api* h = job->self->host;
    int n = job->count > 0 ? job->count : 0;
    nmk_str* delivers = (nmk_str*)calloc((size_t)n + 1, sizeof(nmk_str));
    nmk_message* messages = (nmk_message*)calloc((size_t)n + 1, sizeof(nmk_message));
    char (*subjects)[32] = calloc((size_t)n + 1, sizeof *subjects);
    char (*payloads)[16] = calloc((size_t)n + 1, sizeof *payloads);
    for (int i = 0; i < n; ++i) {
        snprintf(subjects[i], sizeof subjects[i], "ORDERS.%d", i + 1);
        snprintf(payloads[i], sizeof payloads[i], "%d", i + 1);
        delivers[i] = test_str(job->deliver);
        messages[i].subject = test_str(subjects[i]);
        messages[i].payload = test_str(payloads[i]);
    }
    nmk_status s = h->publish_deliver_batch(h->host, job->self->global, delivers, messages, (size_t)n, 0);
    char text[64];
    snprintf(text, sizeof text, "batch status=%d", (int)s);
    publish_text(job->self, job->reply, text);
    free(delivers);
    free(messages);
    free(subjects);
    free(payloads);
    free(job->reply);
    free(job);
}

static void on_request(void* user, const nmk_message_ex* m) {
    deliverer* self = (deliverer*)user;
    const nmk_host_api* h = self->host;
    if (m->reply.size == 0) return;
    char* subject = test_copy(m->subject);
    char* payload = test_copy(m->payload);
    char* reply = test_copy(m->reply);
    const char* what = subject + strlen("deliver.");
    char text[128];
    if (strcmp(what, "one") == 0) {
        char deliver[128] = "", shown[128] = "", ack[256] = "";
        int with_headers = 0, used = 0;
        sscanf(payload, "%127s %127s %255s %d %n", deliver, shown, ack, &with_headers, &used);
        nmk_message out;
        memset(&out, 0, sizeof out);
        out.subject = test_str(shown);
        if (strcmp(ack, "-") != 0) out.reply = test_str(ack);
        if (with_headers) out.headers = test_str(STREAM_HEADERS);
        out.payload = test_str(used > 0 ? payload + used : "");
        nmk_publish_result r;
        memset(&r, 0, sizeof r);
        r.struct_size = sizeof r;
        nmk_status s = h->publish_deliver(h->host, self->global, test_str(deliver), &out, 0, &r);
        snprintf(text, sizeof text, "status=%d routed=%d receivers=%u", (int)s, (int)r.routed, r.receivers);
        publish_text(self, reply, text);
    } else if (strcmp(what, "batch") == 0) {
        batch_job* job = (batch_job*)calloc(1, sizeof(batch_job));
        job->self = self;
        job->reply = test_copy(m->reply);
        sscanf(payload, "%127s %d", job->deliver, &job->count);
        h->post_blocking(h->host, run_batch, job);
    }
    free(subject);
    free(payload);
    free(reply);
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    if (host->struct_size < offsetof(nmk_host_api, publish_deliver_batch) + sizeof host->publish_deliver_batch) {
        test_error(error, "the kernel has no SDK 1.2 deliver calls");
        return NULL;
    }
    deliverer* self = (deliverer*)calloc(1, sizeof(deliverer));
    self->host = host;
    return self;
}

static int start(void* instance, nmk_error_buffer error) {
    deliverer* self = (deliverer*)instance;
    const nmk_host_api* h = self->host;
    if (h->account_handle(h->host, test_str(""), &self->global) != NMK_OK ||
        h->subscribe_ex(h->host, self->global, test_str("deliver.*"), test_str(""), on_request, self,
                        &self->requests) != NMK_OK) {
        test_error(error, "subscribe failed");
        return 1;
    }
    return 0;
}

static void stop(void* instance) {
    deliverer* self = (deliverer*)instance;
    self->host->unsubscribe(self->host->host, self->requests);
}

static void destroy(void* instance) { free(instance); }

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_deliver", "1.0.0",
    "SDK 1.2 deliver-subject probe", "", "", create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
