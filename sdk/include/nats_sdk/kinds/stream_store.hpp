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
};

}  // namespace nats_sdk::store
