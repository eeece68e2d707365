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
