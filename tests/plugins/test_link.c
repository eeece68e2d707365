/* A loopback link for the integration tests. It registers a link, announces
 * remote interest in "remote.>" ($G), and reports on subjects in $G:
 *   local interest changes -> "link.interest": "+ <account> <subject>" / "- ..."
 *   messages for "remote.>" -> "link.got": "<subject> <payload>"
 * A message to "link.inject.<subject>" is handed to link_publish(<subject>),
 * as if it came from the other side (it must not come back to the link). */
#include "test_plugin.h"

typedef struct link_plugin {
    const nmk_host_api* host;
    nmk_link_callbacks callbacks;
    uint64_t link;
    uint64_t remote;
    uint64_t inject;
} link_plugin;

static void on_local_interest(void* user, const nmk_interest* interest, int added) {
    link_plugin* self = (link_plugin*)user;
    char text[512];
    snprintf(text, sizeof text, "%c %.*s %.*s", added ? '+' : '-', (int)interest->account.size, interest->account.data,
             (int)interest->subject.size, interest->subject.data);
    test_publish(self->host, "$G", test_str("link.interest"), test_str(text));
}

static void on_message(void* user, uint64_t remote_interest_id, const nmk_message* m) {
    link_plugin* self = (link_plugin*)user;
    if (remote_interest_id != self->remote) return;
    char text[512];
    snprintf(text, sizeof text, "%.*s %.*s", (int)m->subject.size, m->subject.data, (int)m->payload.size,
             m->payload.data);
    test_publish(self->host, "$G", test_str("link.got"), test_str(text));
}

static void on_inject(void* user, const nmk_message* m) {
    link_plugin* self = (link_plugin*)user;
    const size_t prefix = strlen("link.inject.");
    nmk_message out;
    memset(&out, 0, sizeof out);
    out.account = test_str("$G");
    out.subject.data = m->subject.data + prefix;
    out.subject.size = m->subject.size - prefix;
    out.payload = m->payload;
    self->host->link_publish(self->host->host, self->link, &out);
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    link_plugin* self = (link_plugin*)calloc(1, sizeof(link_plugin));
    self->host = host;
    self->callbacks.struct_size = sizeof(nmk_link_callbacks);
    self->callbacks.self = self;
    self->callbacks.on_local_interest = on_local_interest;
    self->callbacks.on_message = on_message;
    return self;
}
static int start(void* instance, nmk_error_buffer error) {
    link_plugin* self = (link_plugin*)instance;
    const nmk_host_api* host = self->host;
    nmk_interest remote = {test_str("$G"), test_str("remote.>"), test_str(""), 1};
    if (host->register_link(host->host, test_str("loopback"), &self->callbacks, &self->link) != NMK_OK ||
        host->add_remote_interest(host->host, self->link, &remote, &self->remote) != NMK_OK ||
        host->subscribe(host->host, test_str("$G"), test_str("link.inject.>"), test_str(""), on_inject, self,
                        &self->inject) != NMK_OK) {
        test_error(error, "link setup failed");
        return 1;
    }
    return 0;
}
static void destroy(void* instance) { free(instance); }

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_link", "1.0.0",
    "loopback link", "link", "", create, start, NULL, NULL, destroy};
TEST_PLUGIN_ENTRY(descriptor)
