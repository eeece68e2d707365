/* A service: answers every request on "echo.>" in $G with its own payload. */
#include "test_plugin.h"

typedef struct echo {
    const nmk_host_api* host;
    uint64_t subscription;
} echo;

static void on_request(void* user, const nmk_message* m) {
    echo* self = (echo*)user;
    if (m->reply.size == 0) return;
    nmk_message answer;
    memset(&answer, 0, sizeof answer);
    answer.account = m->account;
    answer.subject = m->reply;
    answer.headers = m->headers;
    answer.payload = m->payload;
    self->host->publish(self->host->host, &answer);
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    echo* self = (echo*)calloc(1, sizeof(echo));
    self->host = host;
    return self;
}
static int start(void* instance, nmk_error_buffer error) {
    echo* self = (echo*)instance;
    if (self->host->subscribe(self->host->host, test_str("$G"), test_str("echo.>"), test_str(""), on_request, self,
                              &self->subscription) != NMK_OK) {
        test_error(error, "subscribe failed");
        return 1;
    }
    return 0;
}
static void stop(void* instance) {
    echo* self = (echo*)instance;
    self->host->unsubscribe(self->host->host, self->subscription);
}
static void destroy(void* instance) { free(instance); }

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_echo", "1.2.0",
    "echo service", "", "", create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
