/* An authenticator that puts users into accounts, for the account tests in
 * builds without auth_users (NMK_PLUGINS). Its block maps user names to accounts:
 *   test_account_auth { users: { a: A, b: B }, no_auth_user: a }
 * A user's password is its own name. A CONNECT without "user" is admitted as
 * no_auth_user when one is set; anyone else is refused. */
#include "test_plugin.h"

#define MAX_USERS 32

typedef struct account_auth {
    nmk_authenticator table;
    const nmk_host_api* host;
    int count;
    char users[MAX_USERS][64];
    char accounts[MAX_USERS][64];
    char no_auth_user[64];
} account_auth;

/* {"users":{"a":"A",...}} in the plugin's block (nlohmann's compact dump). */
static void read_users(account_auth* self, const char* json) {
    const char* at = strstr(json, "\"users\":{");
    if (!at) return;
    at += strlen("\"users\":{");
    while (*at == '"' && self->count < MAX_USERS) {
        at = test_read_string(at + 1, self->users[self->count], sizeof self->users[0]);
        if (*at != ':' || at[1] != '"') break;
        at = test_read_string(at + 2, self->accounts[self->count], sizeof self->accounts[0]);
        ++self->count;
        if (*at == ',') ++at;
    }
}

static int index_of(account_auth* self, const char* user) {
    for (int i = 0; i < self->count; ++i)
        if (strcmp(self->users[i], user) == 0) return i;
    return -1;
}

static int needs_nonce(void* self) {
    (void)self;
    return 0;
}

static void authenticate(void* user, const nmk_auth_request* request, nmk_auth_result* result) {
    account_auth* self = (account_auth*)user;
    char* connect = test_copy(request->connect_json);
    char name[64], pass[64];
    test_json_string(connect, "user", name, sizeof name);
    test_json_string(connect, "pass", pass, sizeof pass);
    int has_user = strstr(connect, "\"user\"") != NULL;
    free(connect);
    if (!has_user && self->no_auth_user[0]) {
        snprintf(name, sizeof name, "%s", self->no_auth_user);
        snprintf(pass, sizeof pass, "%s", self->no_auth_user);
    }
    const int i = index_of(self, name);
    if (i < 0 || strcmp(name, pass) != 0) {
        result->decision = NMK_AUTH_DENY;
        result->deny_reason = test_str("unknown user or wrong password");
        return;
    }
    /* Views into the plugin's own table, which outlives the call. */
    result->decision = NMK_AUTH_ALLOW;
    result->account = test_str(self->accounts[i]);
    result->user = test_str(self->users[i]);
}

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    (void)error;
    account_auth* self = (account_auth*)calloc(1, sizeof(account_auth));
    self->host = host;
    char* text = test_copy(config);
    read_users(self, text);
    test_json_string(text, "no_auth_user", self->no_auth_user, sizeof self->no_auth_user);
    free(text);
    self->table.struct_size = sizeof(nmk_authenticator);
    self->table.self = self;
    self->table.needs_nonce = needs_nonce;
    self->table.authenticate = authenticate;
    return self;
}

static int start(void* instance, nmk_error_buffer error) {
    account_auth* self = (account_auth*)instance;
    if (self->host->register_authenticator(self->host->host, test_str("test_account_auth"), &self->table) != NMK_OK) {
        test_error(error, "register_authenticator failed");
        return 1;
    }
    return 0;
}

static void destroy(void* instance) { free(instance); }

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_account_auth", "1.0.0",
    "test authenticator mapping users to accounts", "authenticator", "", create, start, NULL, NULL, destroy};
TEST_PLUGIN_ENTRY(descriptor)
