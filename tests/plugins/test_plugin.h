/*
 * Shared bits of the test plugins: the entry point and small helpers, in
 * plain C against the ABI header only (as a third party would write them).
 */
#ifndef NMK_TEST_PLUGIN_H
#define NMK_TEST_PLUGIN_H

#include <nats_sdk/abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_EXPORT __attribute__((visibility("default")))

/* Exports the entry symbol returning `descriptor`. */
#define TEST_PLUGIN_ENTRY(descriptor) \
    TEST_EXPORT const nmk_plugin_descriptor* nmk_plugin_entry(void) { return &(descriptor); }

static inline nmk_str test_str(const char* s) {
    nmk_str out = {s, strlen(s)};
    return out;
}

static inline void test_error(nmk_error_buffer error, const char* text) {
    if (error.capacity == 0) return;
    snprintf(error.data, error.capacity, "%s", text);
}

static inline void test_log(const nmk_host_api* host, const char* text) {
    host->log(host->host, NMK_LOG_INFO, test_str(text));
}

/* A NUL-terminated copy of a view (free() it). */
static inline char* test_copy(nmk_str s) {
    char* out = (char*)malloc(s.size + 1);
    if (s.size) memcpy(out, s.data, s.size);
    out[s.size] = '\0';
    return out;
}

/* Publishes `payload` to `subject` in `account` ("" = $G). */
static inline nmk_status test_publish(const nmk_host_api* host, const char* account, nmk_str subject,
                                      nmk_str payload) {
    nmk_message m;
    memset(&m, 0, sizeof m);
    m.account = test_str(account);
    m.subject = subject;
    m.payload = payload;
    return host->publish(host->host, &m);
}

/* 1 when the view is exactly `text`. */
static inline int test_is(nmk_str s, const char* text) {
    return s.size == strlen(text) && memcmp(s.data, text, s.size) == 0;
}

/* 1 when the view starts with `prefix` and has more after it. */
static inline int test_starts(nmk_str s, const char* prefix) {
    return s.size > strlen(prefix) && memcmp(s.data, prefix, strlen(prefix)) == 0;
}

/* Answers a request: `text` to its reply subject in $G. */
static inline nmk_status test_reply(const nmk_host_api* host, nmk_str reply, const char* text) {
    return test_publish(host, "", reply, test_str(text));
}

/* Answers a failed call with "status <n>", which the integration tests match. */
static inline nmk_status test_reply_status(const nmk_host_api* host, nmk_str reply, nmk_status status) {
    char text[32];
    snprintf(text, sizeof text, "status %d", (int)status);
    return test_reply(host, reply, text);
}

/* Collects what the host writes through an nmk_http_response_writer (query_json,
 * account_config): the body, cut to fit, always NUL-terminated. 64 KiB: large enough
 * for the monitoring JSON of a test server, small enough for a thread-local. */
typedef struct test_buffer {
    char data[65536];
    size_t size;
} test_buffer;

static inline void test_buffer_status(void* ctx, int status) {}
static inline void test_buffer_type(void* ctx, nmk_str type) {}
static inline void test_buffer_append(void* ctx, nmk_str bytes) {
    test_buffer* b = (test_buffer*)ctx;
    size_t n = bytes.size;
    if (n > sizeof b->data - 1 - b->size) n = sizeof b->data - 1 - b->size;
    if (n) memcpy(b->data + b->size, bytes.data, n);
    b->size += n;
    b->data[b->size] = '\0';
}

static inline void test_buffer_clear(test_buffer* b) {
    b->size = 0;
    b->data[0] = '\0';
}

/* Empties `b` and returns a writer filling it. */
static inline nmk_http_response_writer test_buffer_writer(test_buffer* b) {
    test_buffer_clear(b);
    nmk_http_response_writer writer = {b, test_buffer_status, test_buffer_type, test_buffer_append};
    return writer;
}

/* The collected body as a view. */
static inline nmk_str test_buffer_view(const test_buffer* b) {
    nmk_str out = {b->data, b->size};
    return out;
}

/* Copies the JSON string starting at `at` (just after its opening quote) into
 * `out`, cut to `capacity`; returns where the string ends. Enough for the flat
 * JSON the tests send (no escapes). */
static inline const char* test_read_string(const char* at, char* out, size_t capacity) {
    size_t n = 0;
    while (*at && *at != '"') {
        if (n + 1 < capacity) out[n++] = *at;
        ++at;
    }
    out[n] = '\0';
    return *at ? at + 1 : at;
}

/* The string value of "key" in `json` (blanks allowed around the colon) into
 * `out` ("" when absent or not a string); 1 when found. */
static inline int test_json_string(const char* json, const char* key, char* out, size_t capacity) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    out[0] = '\0';
    const char* at = strstr(json, pattern);
    if (!at) return 0;
    at += strlen(pattern);
    while (*at == ' ') ++at;
    if (*at++ != ':') return 0;
    while (*at == ' ') ++at;
    if (*at != '"') return 0;
    test_read_string(at + 1, out, capacity);
    return 1;
}

#endif
