#pragma once
// The stream store kind ("jetstream.store", kinds/stream_store.h) in C++.
//
// Both sides code against the abstract classes below:
//  - a backend (memory, file, a third party's) derives StoreBackend, Store and Stream and
//    registers them with register_stream_store_backend() (stream_store_provider.hpp),
//    which builds the C table and turns exceptions into statuses;
//  - JetStream looks a backend up with find_stream_store_backend()
//    (stream_store_client.hpp), which wraps the C table back into these classes.
// So a backend's unit tests, the contract suite (nats_sdk/testing/stream_store_contract.hpp)
// and JetStream all use one vocabulary. Thread and ownership rules are the C header's.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nats_sdk/error.hpp"
#include "nats_sdk/kinds/stream_store.h"

namespace nats_sdk::store {

inline constexpr std::string_view kind_name = NMK_STREAM_STORE_KIND;

// A failed store call. status() is the store's own status (never OK or NOT_FOUND:
// those are answers, not errors).
class StoreError : public Error {
public:
    StoreError(nmk_store_status status, std::string message)
        : Error(std::move(message), NMK_ERROR), store_status_(status) {}
    nmk_store_status store_status() const noexcept { return store_status_; }

private:
    nmk_store_status store_status_;
};

// A message as loaded: views valid only during the callback that receives it.
struct MessageView {
    std::uint64_t sequence = 0;
    std::int64_t time_ns = 0;
    std::string_view subject;
    std::string_view headers;
    std::string_view payload;
};

// A message that owns its bytes.
struct StoredMessage {
    std::uint64_t sequence = 0;
    std::int64_t time_ns = 0;
    std::string subject;
    std::string headers;
    std::string payload;

    static StoredMessage copy_of(const MessageView& m) {
        return {m.sequence, m.time_ns, std::string(m.subject), std::string(m.headers), std::string(m.payload)};
    }
};

using StreamState = nmk_stream_state;
using SubjectState = nmk_subject_state;

// Outcome of a load: the message (owned), nothing there, or a corrupt record.
enum class LoadResult { found, not_found, corrupt };

// The table sizes of each minor: a 1.0 table ends at sequence_for_time, a 1.1 table at
// consumer_delete. A table's struct_size says which members a user may read.
inline constexpr std::size_t table_size_1_0 =
    offsetof(nmk_stream_store_table, sequence_for_time) + sizeof(nmk_stream_store_table::sequence_for_time);
inline constexpr std::size_t table_size_1_1 =
    offsetof(nmk_stream_store_table, consumer_delete) + sizeof(nmk_stream_store_table::consumer_delete);

// A consumer record (1.1) as listed: views valid only during the callback that receives it.
struct ConsumerRecordView {
    std::string_view name;
    std::string_view meta;   // the consumer's config JSON, as JetStream wrote it
    std::string_view state;  // JetStream's encoded delivery state, as it wrote it
};

// Why `name` cannot name a consumer record (empty when it can): the rules of the C header,
// which are the file backend's for stream names (it becomes a directory name there).
inline std::string_view consumer_name_problem(std::string_view name) noexcept {
    if (name.empty()) return "a consumer record name must not be empty";
    if (name.front() == '.') return "a consumer record name must not start with '.'";
    if (name.find('/') != std::string_view::npos) return "a consumer record name must not contain '/'";
    if (name.find('\0') != std::string_view::npos) return "a consumer record name must not contain a NUL byte";
    return {};
}

// One stream. Calls are never concurrent (the caller serializes them); all may block.
class Stream {
public:
    virtual ~Stream() = default;

    // Durable and atomic before it returns.
    virtual void write_meta(std::string_view meta) = 0;
    // `sequence` must be above the last one and `subject` not empty (else
    // INVALID_ARGUMENT). Written, not yet durable.
    virtual void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject,
                        std::string_view headers, std::string_view payload) = 0;
    // Every append so far is durable when `done` runs (status OK), on any thread,
    // possibly before sync() returns. Called exactly once.
    using SyncDone = std::function<void(nmk_store_status status, std::string_view error)>;
    virtual void sync(SyncDone done) = 0;

    // The message at `sequence`: `found` is called only for LoadResult::found.
    virtual LoadResult load(std::uint64_t sequence, const std::function<void(const MessageView&)>& found) = 0;
    // First at or after `start` matching `filter` (wildcards; empty: all); corrupt
    // records are skipped and counted, so never returns LoadResult::corrupt.
    virtual LoadResult load_next(std::uint64_t start, std::string_view filter,
                                 const std::function<void(const MessageView&)>& found) = 0;
    // Last message matching `filter` (empty: all).
    virtual LoadResult load_last(std::string_view filter, const std::function<void(const MessageView&)>& found) = 0;

    // false when no message is at `sequence`.
    virtual bool remove(std::uint64_t sequence) = 0;
    // nats-server 2.9 PurgeEx: matching `filter` (empty: all), below `below_sequence`
    // (0 or 1: no bound), keeping the newest `keep` of them (a bound with keep:
    // INVALID_ARGUMENT; no filter: see the C header). Returns how many went.
    virtual std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) = 0;
    // Removes everything below `sequence` (past the end: the stream starts there).
    virtual std::uint64_t compact(std::uint64_t sequence) = 0;
    // Removes everything above `sequence` (a stored message's); it becomes the last.
    virtual void truncate(std::uint64_t sequence) = 0;

    virtual StreamState state() const = 0;
    virtual std::optional<SubjectState> subject_state(std::string_view literal_subject) const = 0;
    virtual void subjects_state(std::string_view filter,
                                const std::function<void(std::string_view subject, const SubjectState&)>& found) const = 0;
    virtual std::uint64_t sequence_for_time(std::int64_t time_ns) const = 0;

    // ---- consumer records (1.1; see the C header for names and durability) ----
    // A backend that keeps them overrides all four and says so in
    // StoreBackend::supports_consumer_records(); the defaults throw StoreError with
    // NMK_STORE_UNSUPPORTED, which is what a user gets from a 1.0 backend.

    // Creates or replaces the record (both strings at once). Written, durable after sync.
    virtual void consumer_put(std::string_view name, std::string_view meta, std::string_view state);
    // Replaces the state of an existing record; false (nothing stored) when there is none.
    virtual bool consumer_put_state(std::string_view name, std::string_view state);
    // `found` once per record, in no set order.
    virtual void consumer_list(const std::function<void(const ConsumerRecordView&)>& found);
    // false when there was no such record.
    virtual bool consumer_delete(std::string_view name);
};

// One root directory's streams. Calls are never concurrent with each other.
class Store {
public:
    virtual ~Store() = default;

    virtual void list_streams(
        const std::function<void(std::string_view account, std::string_view stream, std::string_view meta)>& found) = 0;
    virtual std::unique_ptr<Stream> open_stream(std::string_view account, std::string_view stream) = 0;
    // The stream must be closed (its Stream destroyed). An unknown stream is no error.
    virtual void delete_stream(std::string_view account, std::string_view stream) = 0;
};

// The provider's entry point: one per registered backend.
class StoreBackend {
public:
    virtual ~StoreBackend() = default;
    // options: the JSON object described at open_store in the C header, as text (other
    // text: StoreError with NMK_STORE_INVALID_ARGUMENT).
    virtual std::unique_ptr<Store> open_store(std::string_view root_dir, std::string_view options_json) = 0;
    // true when its streams keep consumer records (jetstream.store 1.1): the provider then
    // registers a 1.1 table, else a 1.0 one; the client answers for the table it found.
    virtual bool supports_consumer_records() const noexcept { return false; }
};

namespace records_detail {
[[noreturn]] inline void no_consumer_records() {
    throw StoreError(NMK_STORE_UNSUPPORTED,
                     "this stream store keeps no consumer records (it implements jetstream.store 1.0)");
}
}  // namespace records_detail

inline void Stream::consumer_put(std::string_view, std::string_view, std::string_view) {
    records_detail::no_consumer_records();
}
inline bool Stream::consumer_put_state(std::string_view, std::string_view) { records_detail::no_consumer_records(); }
inline void Stream::consumer_list(const std::function<void(const ConsumerRecordView&)>&) {
    records_detail::no_consumer_records();
}
inline bool Stream::consumer_delete(std::string_view) { records_detail::no_consumer_records(); }

}  // namespace nats_sdk::store
