/* An authenticator: user "plug" with password "in" goes to account "PLUG";
 * user "later" is answered later from the blocking pool (allowed into PLUG);
 * user "never" is answered pending and never completed (the auth timeout ends it);
 * user "pass-on" is not ours (defer); anyone else is refused.
 * With {"needs_nonce": true} in its block it asks for a nonce in INFO. */
#include "test_plugin.h"

typedef struct auth {
    const nmk_host_api* host;
    nmk_authenticator table;
    int nonce;
} auth;

typedef struct pending {
    auth* self;
    uint64_t handle;
} pending;

static int needs_nonce(void* self) { return ((auth*)self)->nonce; }

static void answer_later(void* user) {
    pending* p = (pending*)user;
    nmk_auth_result result;
    memset(&result, 0, sizeof result);
    result.struct_size = sizeof result;
    result.decision = NMK_AUTH_ALLOW;
    result.account = test_str("PLUG");
    result.user = test_str("later");
    result.max_payload = -1;
    result.max_subscriptions = -1;
    p->self->host->complete_auth(p->self->host->host, p->handle, &result);
    free(p);
}

static void authenticate(void* user, const nmk_auth_request* request, nmk_auth_result* result) {
    auth* self = (auth*)user;
    char name[64] = "", pass[64] = "";
    char* connect = test_copy(request->connect_json);
    test_json_string(connect, "user", name, sizeof name);
    test_json_string(connect, "pass", pass, sizeof pass);
    free(connect);
    if (self->nonce && request->nonce.size == 0) {
        result->decision = NMK_AUTH_DENY;
        result->deny_reason = test_str("no nonce");
    } else if (strcmp(name, "plug") == 0 && strcmp(pass, "in") == 0) {
        result->decision = NMK_AUTH_ALLOW;
        result->account = test_str("PLUG");
        result->user = test_str("plug");
    } else if (strcmp(name, "later") == 0) {
        pending* p = (pending*)malloc(sizeof(pending));
        p->self = self;
        p->handle = request->pending_handle;
        result->decision = NMK_AUTH_PENDING;
        self->host->post_blocking(self->host->host, answer_later, p);
    } else if (strcmp(name, "never") == 0) {
        result->decision = NMK_AUTH_PENDING;
    } else if (strcmp(name, "pass-on") == 0) {
        result->decision = NMK_AUTH_DEFER;
    } else {
        result->decision = NMK_AUTH_DENY;
        result->deny_reason = test_str("unknown user");
    }
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    auth* self = (auth*)calloc(1, sizeof(auth));
    self->host = host;
    char* text = test_copy(config);
    self->nonce = strstr(text, "\"needs_nonce\":true") != NULL;
    free(text);
    self->table.struct_size = sizeof(nmk_authenticator);
    self->table.self = self;
    self->table.needs_nonce = needs_nonce;
    self->table.authenticate = authenticate;
    return self;
}
static int start(void* instance, nmk_error_buffer error) {
    auth* self = (auth*)instance;
    if (self->host->register_authenticator(self->host->host, test_str("test"), &self->table) != NMK_OK) {
        test_error(error, "register_authenticator failed");
        return 1;
    }
    return 0;
}
static void destroy(void* instance) { free(instance); }

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_auth", "1.0.0",
    "test authenticator", "authenticator", "", create, start, NULL, NULL, destroy};
TEST_PLUGIN_ENTRY(descriptor)
