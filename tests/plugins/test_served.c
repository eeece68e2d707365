/* A plugin that serves its own top-level key and flags (SDK 1.1):
 *
 *   greeter { text: "hi", times: 2, loud: true }
 *   --greeting <text> (-gr)   -> greeter.text
 *   --greet_times <n>         -> greeter.times
 *   --greet_loud              -> greeter.loud
 *
 * It answers requests on "served.config" with the config JSON it was created
 * with, so a test sees what reached it. validate() (and create()) refuse
 * text "bad", naming the key the way abi.h's convention asks. */
#include "test_plugin.h"

typedef struct served {
    const nmk_host_api* host;
    char* config;
    uint64_t subscription;
} served;

static int refused(nmk_str config, nmk_error_buffer error) {
    char* text = test_copy(config);
    const int bad = strstr(text, "\"text\":\"bad\"") != NULL;
    free(text);
    if (bad) test_error(error, "config key 'greeter.text' must not be \"bad\"");
    return bad;
}

static int validate(nmk_str config, nmk_error_buffer error) { return refused(config, error); }

static void on_request(void* user, const nmk_message* m) {
    served* self = (served*)user;
    if (m->reply.size == 0) return;
    test_publish(self->host, "", m->reply, test_str(self->config));
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    if (refused(config, error)) return NULL;
    served* self = (served*)calloc(1, sizeof(served));
    self->host = host;
    self->config = test_copy(config);
    return self;
}
static int start(void* instance, nmk_error_buffer error) {
    served* self = (served*)instance;
    if (self->host->subscribe(self->host->host, test_str("$G"), test_str("served.config"), test_str(""), on_request,
                              self, &self->subscription) != NMK_OK) {
        test_error(error, "subscribe failed");
        return 1;
    }
    return 0;
}
static void stop(void* instance) {
    served* self = (served*)instance;
    self->host->unsubscribe(self->host->host, self->subscription);
}
static void destroy(void* instance) {
    served* self = (served*)instance;
    free(self->config);
    free(self);
}

static const nmk_plugin_flag flags[] = {
    {"--greeting,-gr", NMK_FLAG_STRING, "greeter.text", "Greeting text"},
    {"--greet_times", NMK_FLAG_INT, "greeter.times", "How many times"},
    {"--greet_loud", NMK_FLAG_BOOL, "greeter.loud", "Greet loudly"},
};

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_served", "1.0.0",
    "serves the greeter key and flags", "", "", create, start, NULL, stop, destroy,
    "greeter", flags, sizeof flags / sizeof flags[0], validate};
TEST_PLUGIN_ENTRY(descriptor)
