/*
 * The stream store: the extension kind "jetstream.store", version 1.1.
 *
 * JetStream (the plugin that declares this kind) keeps each stream's messages in a
 * store backend; memory, file and RocksDB backends, and third-party ones, register a
 * table of this shape under a name ("memory", "file", ...). The contract is the
 * narrowest set of operations a stream needs; everything a stream decides (sequence
 * numbers, time stamps, limits, dedup, retention) is JetStream's, so a backend only
 * stores, finds, removes and counts.
 *
 * The same ABI rules as abi.h: plain C, {pointer, size} strings, the table starts with
 * its struct_size and only grows at the end (a new minor of this kind). A backend
 * written for 1.0 registers NMK_KIND_VERSION(1, 0) with a table that ends at
 * sequence_for_time; one with consumer records (1.1) registers NMK_KIND_VERSION(1, 1) and
 * a table that ends at consumer_delete. A user reads a member only when struct_size
 * covers it: a 1.0 backend keeps loading, it just has no consumer records.
 *
 * Objects. A backend (`backend`, the provider's own instance) opens stores; a store is
 * one root directory (JetStream's `store_dir`/jetstream) with its options; a store
 * holds streams, each named by (account, stream).
 *
 * THREADS. Calls on one stream handle are never concurrent: the caller serializes them
 * (JetStream runs each stream on one serial queue). Different streams of one store may be
 * called from different threads at once. Store-level calls (open_stream, delete_stream,
 * list_streams, close_store) are not concurrent with each other. Every call may block on
 * disk: never call them from an I/O thread. `sync`'s completion runs on any thread,
 * possibly inside the `sync` call itself, and must not call back into the same stream.
 *
 * ERRORS. Every call that can fail returns an nmk_store_status and, for anything but OK
 * and NOT_FOUND, writes one line into `error` (truncated to its capacity; may be an
 * empty buffer).
 *
 * OWNERSHIP. Strings passed in are valid during the call only: the backend copies what it
 * keeps. A loaded message's views are valid only during the callback that receives it.
 */
#ifndef NATS_SDK_KINDS_STREAM_STORE_H
#define NATS_SDK_KINDS_STREAM_STORE_H

#include "nats_sdk/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NMK_STREAM_STORE_KIND "jetstream.store"
#define NMK_STREAM_STORE_MAJOR 1
#define NMK_STREAM_STORE_MINOR 1

typedef enum nmk_store_status {
    NMK_STORE_OK = 0,
    NMK_STORE_NOT_FOUND = 1,      /* no such message, stream or subject: not an error */
    NMK_STORE_CORRUPT = 2,        /* the record failed its checksum: reported, never served */
    NMK_STORE_NO_SPACE = 3,       /* the disk or quota is full: nothing was half-written */
    NMK_STORE_IO_ERROR = 4,       /* a read, write or sync failed: see error */
    NMK_STORE_INVALID_ARGUMENT = 5, /* e.g. a sequence not above the last one */
    NMK_STORE_CLOSED = 6,         /* the store stopped accepting writes (after a failed sync) */
    NMK_STORE_UNSUPPORTED = 7     /* (1.1) the backend lacks that part of the contract; a
                                   * backend never returns it, the C++ client reports it for a
                                   * 1.0 table's consumer records */
} nmk_store_status;

/* A stored message. OWNERSHIP: views valid during the callback only. */
typedef struct nmk_store_message {
    uint64_t sequence;
    int64_t time_ns;   /* Unix time in nanoseconds, as JetStream stamped it */
    nmk_str subject;
    nmk_str headers;   /* the whole "NATS/1.0\r\n...\r\n\r\n" block, empty when none */
    nmk_str payload;
} nmk_store_message;

typedef void (*nmk_store_message_callback)(void* user, const nmk_store_message* message);

/* What a stream holds, as nats-server's memstore reports it. A stream that never held
 * a message (and was never purged or compacted) has first_sequence 0 and last_sequence 0.
 * Once emptied (remove, purge, compact) first_sequence is last_sequence + 1, the next
 * sequence, and first_time_ns is 0; last_sequence and last_time_ns stay those of the
 * newest message stored (compact past the end moves last_sequence, not last_time_ns). */
typedef struct nmk_stream_state {
    uint64_t messages;
    uint64_t bytes;            /* the backend's own accounting of subject + headers + payload + overhead
                                * (nats-server: memory 16, file 30, 34 with headers) */
    uint64_t first_sequence;
    int64_t first_time_ns;
    uint64_t last_sequence;
    int64_t last_time_ns;
    uint64_t deleted;          /* sequences between first and last that hold no message */
    uint64_t subjects;         /* distinct subjects stored */
    uint64_t corrupt;          /* records found corrupt since open (never served) */
} nmk_stream_state;

/* Per-subject counts; subject views valid during the callback only. */
typedef struct nmk_subject_state {
    uint64_t messages;
    uint64_t first_sequence;
    uint64_t last_sequence;
} nmk_subject_state;

typedef void (*nmk_subject_state_callback)(void* user, nmk_str subject, const nmk_subject_state* state);

/* One stream found by list_streams, with the metadata last written by write_meta. */
typedef void (*nmk_stream_found_callback)(void* user, nmk_str account, nmk_str stream, nmk_str meta);

/* `sync`'s completion: status NMK_STORE_OK means every append made before the sync
 * call is durable. error is empty on OK. */
typedef void (*nmk_store_done_callback)(void* user, nmk_store_status status, nmk_str error);

/* One consumer record found by consumer_list. OWNERSHIP: views valid during the callback only. */
typedef void (*nmk_consumer_record_callback)(void* user, nmk_str name, nmk_str meta, nmk_str state);

typedef struct nmk_stream_store_table {
    uint32_t struct_size;
    void* backend; /* passed back as the first argument of open_store */

    /* ---- stores ---- */
    /* Opens (creating if needed) the store rooted at root_dir (may be empty for a backend
     * without files). options_json is a JSON object: {"sync": "always"|"batch"|"<Go duration>"}
     * ("batch", the default: appends are durable when a sync completes, many appends
     * share one fsync; a duration: nats-server's lazy mode, the backend syncs on that
     * interval and sync() completes at once; "always": every append syncs before it
     * returns), plus backend-specific keys; unknown keys are ignored. Text that is not a
     * JSON object: NMK_STORE_INVALID_ARGUMENT. */
    nmk_store_status (*open_store)(void* backend, nmk_str root_dir, nmk_str options_json, void** store,
                                   nmk_error_buffer error);
    /* Closes every stream still open, syncs, frees the store. */
    void (*close_store)(void* store);
    /* Calls found() for every stream the store holds (recovery at start-up). */
    nmk_store_status (*list_streams)(void* store, nmk_stream_found_callback found, void* user,
                                     nmk_error_buffer error);
    /* Opens (creating if needed) a stream. Recovery of its data happens here. */
    nmk_store_status (*open_stream)(void* store, nmk_str account, nmk_str stream, void** handle,
                                    nmk_error_buffer error);
    /* Removes a stream and all its data for good. The stream must be closed. A stream
     * the store does not hold: OK or NOT_FOUND (both mean it is gone). */
    nmk_store_status (*delete_stream)(void* store, nmk_str account, nmk_str stream, nmk_error_buffer error);

    /* ---- one stream (handle from open_stream) ---- */
    void (*close_stream)(void* handle);
    /* Replaces the stream's metadata (JetStream's config JSON): durable before it returns,
     * all or nothing (write new, sync, rename, sync the directory). */
    nmk_store_status (*write_meta)(void* handle, nmk_str meta, nmk_error_buffer error);

    /* Stores a message at `sequence`, which must be above the last one (a gap leaves
     * deleted sequences: a mirror skipping messages). Written, not yet durable: see sync.
     * A sequence not above last_sequence (0 included) or an empty subject:
     * NMK_STORE_INVALID_ARGUMENT, nothing stored. */
    nmk_store_status (*append)(void* handle, uint64_t sequence, int64_t time_ns, nmk_str subject, nmk_str headers,
                               nmk_str payload, nmk_error_buffer error);
    /* Makes every append made so far durable, then calls done (once). */
    void (*sync)(void* handle, nmk_store_done_callback done, void* user);

    /* The message at `sequence`: OK and found() called, NOT_FOUND, or CORRUPT. */
    nmk_store_status (*load)(void* handle, uint64_t sequence, nmk_store_message_callback found, void* user,
                             nmk_error_buffer error);
    /* The first message at or after `start` whose subject matches `filter` (a subject
     * with wildcards; empty matches all). Corrupt records are skipped and counted. */
    nmk_store_status (*load_next)(void* handle, uint64_t start, nmk_str filter, nmk_store_message_callback found,
                                  void* user, nmk_error_buffer error);
    /* The last message whose subject matches `filter` (empty matches all). */
    nmk_store_status (*load_last)(void* handle, nmk_str filter, nmk_store_message_callback found, void* user,
                                  nmk_error_buffer error);

    /* Removes one message: OK, or NOT_FOUND when there is none at `sequence`. */
    nmk_store_status (*remove)(void* handle, uint64_t sequence, nmk_error_buffer error);
    /* nats-server 2.9's PurgeEx. `purged` gets the count.
     *  - below_sequence > 1 and keep > 0 together: NMK_STORE_INVALID_ARGUMENT.
     *  - filter empty or ">": with neither bound, everything (first becomes
     *    last_sequence + 1); with below_sequence > 1, compact(below_sequence); with keep,
     *    compact(last_sequence - keep + 1) unless keep >= messages (then nothing), so
     *    with gaps fewer than `keep` may stay, as in nats-server.
     *  - otherwise the messages matching `filter` (wildcards), those below
     *    below_sequence when it is > 1 (0 and 1: no bound), or all but the newest `keep`
     *    of them. */
    nmk_store_status (*purge)(void* handle, nmk_str filter, uint64_t below_sequence, uint64_t keep,
                              uint64_t* purged, nmk_error_buffer error);
    /* Removes every message below `sequence`. first_sequence becomes the first message
     * at or after `sequence` (last_sequence + 1 when none); for a `sequence` beyond
     * last_sequence, first_sequence becomes `sequence` and last_sequence `sequence` - 1
     * (the stream then starts there). 0 removes everything, as purge. */
    nmk_store_status (*compact)(void* handle, uint64_t sequence, uint64_t* purged, nmk_error_buffer error);
    /* Removes every message above `sequence`, which should hold a message (nats-server
     * requires it); last_sequence becomes `sequence` and last_time_ns its time. */
    nmk_store_status (*truncate)(void* handle, uint64_t sequence, nmk_error_buffer error);

    /* Counts, cheap (no scan). */
    void (*state)(void* handle, nmk_stream_state* state);
    /* The state of one literal subject, cheap: NOT_FOUND when none is stored. */
    nmk_store_status (*subject_state)(void* handle, nmk_str subject, nmk_subject_state* state);
    /* found() for every distinct subject matching `filter` (empty: all), in no set order. */
    nmk_store_status (*subjects_state)(void* handle, nmk_str filter, nmk_subject_state_callback found, void* user,
                                       nmk_error_buffer error);
    /* The first sequence whose time is at or after time_ns (last_sequence + 1 when none). */
    uint64_t (*sequence_for_time)(void* handle, int64_t time_ns);

    /* ---- 1.1: consumer records (read only when struct_size covers them) ----
     * JetStream keeps each consumer of a stream as a named record of two opaque byte
     * strings: `meta` (its config JSON, rarely changed) and `state` (delivered and ack
     * floor sequences, pending and redelivered messages, in JetStream's own encoding,
     * changed often). The backend only stores them.
     *
     * Names: not empty, not starting with '.', no '/' and no NUL byte (as the file backend
     * refuses stream names): anything else is NMK_STORE_INVALID_ARGUMENT.
     * Durability: like appends, a put or delete is written, not yet durable; the stream's
     * next completed `sync` makes it durable (the same group commit; "always": before it
     * returns). A crash leaves each record as it was at some put no older than the last
     * completed sync: the old record or the new one, never a torn one or meta of one put
     * with state of another. delete_stream deletes the stream's records; purge, compact and
     * truncate do not touch them. */

    /* Creates the record `name` or replaces both of its strings. */
    nmk_store_status (*consumer_put)(void* handle, nmk_str name, nmk_str meta, nmk_str state, nmk_error_buffer error);
    /* Replaces only the state of an existing record (the frequent, cheap path):
     * NMK_STORE_NOT_FOUND, nothing stored, when there is no record `name`. */
    nmk_store_status (*consumer_put_state)(void* handle, nmk_str name, nmk_str state, nmk_error_buffer error);
    /* Calls found() once for every record, in no set order. A record the backend finds
     * damaged (both copies of a file backend's state failing their checksum) is logged and
     * left out, never reported as a record. */
    nmk_store_status (*consumer_list)(void* handle, nmk_consumer_record_callback found, void* user,
                                      nmk_error_buffer error);
    /* Removes the record: OK, or NOT_FOUND when there is none. */
    nmk_store_status (*consumer_delete)(void* handle, nmk_str name, nmk_error_buffer error);
} nmk_stream_store_table;

#ifdef __cplusplus
}
#endif

#endif /* NATS_SDK_KINDS_STREAM_STORE_H */
