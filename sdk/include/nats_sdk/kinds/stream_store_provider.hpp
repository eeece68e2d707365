#pragma once
// The provider side of the stream store kind: a backend written against the C++ classes of
// stream_store.hpp becomes an nmk_stream_store_table registered under a name.
//
//   class Plugin final : public nats_sdk::Plugin {
//       void start() override {
//           registration_ = nats_sdk::store::register_stream_store_backend(host(), "memory",
//                                                                           std::make_shared<MyBackend>());
//       }
//       nats_sdk::store::StoreBackendRegistration registration_;  // lives until destroy
//   };
//
// The table's trampolines call the virtuals and catch every exception: a StoreError becomes
// its status, std::bad_alloc NMK_STORE_NO_SPACE (JetStream answers "insufficient resources"),
// std::invalid_argument NMK_STORE_INVALID_ARGUMENT, anything else NMK_STORE_IO_ERROR; the
// message goes into the caller's error buffer. Nothing is thrown across the ABI.
//
// Handles. open_store hands out a StoreBox (the Store and the streams opened from it),
// open_stream a StreamBox. close_store destroys the streams still open before the Store,
// so a backend's Stream may refer to its Store.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "nats_sdk/error.hpp"
#include "nats_sdk/extension_kinds.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/kinds/stream_store.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk::store {

namespace provider_detail {

struct StreamBox;

struct StoreBox {
    std::unique_ptr<Store> store;
    std::mutex mutex;             // guards `open`: close_stream may run beside open_stream
    std::set<StreamBox*> open;    // streams not closed yet, destroyed by close_store
};

struct StreamBox {
    std::unique_ptr<Stream> stream;
    StoreBox* owner;
};

// The status and message for the exception being handled; call only inside a catch block.
inline nmk_store_status current_exception_status(nmk_error_buffer error) noexcept {
    try {
        throw;
    } catch (const StoreError& e) {
        const nmk_store_status status = e.store_status() == NMK_STORE_OK ? NMK_STORE_IO_ERROR : e.store_status();
        write_error(error, e.what());
        return status;
    } catch (const std::bad_alloc&) {
        write_error(error, "out of memory");
        return NMK_STORE_NO_SPACE;
    } catch (const std::invalid_argument& e) {
        write_error(error, e.what());
        return NMK_STORE_INVALID_ARGUMENT;
    } catch (const std::exception& e) {
        write_error(error, e.what());
        return NMK_STORE_IO_ERROR;
    } catch (...) {
        write_error(error, "unknown exception in the store backend");
        return NMK_STORE_IO_ERROR;
    }
}

// Runs `body` (returning nothing or a status); exceptions become a status.
template <class Body>
nmk_store_status guarded(nmk_error_buffer error, Body&& body) noexcept {
    try {
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            return NMK_STORE_OK;
        } else {
            return body();
        }
    } catch (...) {
        return current_exception_status(error);
    }
}

inline Stream& stream_of(void* handle) { return *static_cast<StreamBox*>(handle)->stream; }

inline void deliver(nmk_store_message_callback found, void* user, const MessageView& m) {
    const nmk_store_message message{m.sequence, m.time_ns, to_nmk(m.subject), to_nmk(m.headers), to_nmk(m.payload)};
    found(user, &message);
}

inline nmk_store_status load_status(LoadResult result) noexcept {
    switch (result) {
        case LoadResult::found: return NMK_STORE_OK;
        case LoadResult::not_found: return NMK_STORE_NOT_FOUND;
        case LoadResult::corrupt: return NMK_STORE_CORRUPT;
    }
    return NMK_STORE_IO_ERROR;
}

// sync's completion, called exactly once: by the backend, or with IO_ERROR when sync()
// threw first, or when the backend dropped every copy of `done` without calling it.
class SyncOnce {
public:
    SyncOnce(nmk_store_done_callback done, void* user) noexcept : done_(done), user_(user) {}
    SyncOnce(const SyncOnce&) = delete;
    SyncOnce& operator=(const SyncOnce&) = delete;
    ~SyncOnce() { fire(NMK_STORE_IO_ERROR, "the store backend dropped a sync completion without calling it"); }

    void fire(nmk_store_status status, std::string_view error) noexcept {
        if (!fired_.exchange(true)) {
            done_(user_, status, to_nmk(status == NMK_STORE_OK ? std::string_view{} : error));
        }
    }

private:
    nmk_store_done_callback done_;
    void* user_;
    std::atomic<bool> fired_{false};
};

// ---- the table's functions ----

inline nmk_store_status open_store(void* backend, nmk_str root_dir, nmk_str options_json, void** store,
                                   nmk_error_buffer error) noexcept {
    if (store == nullptr) {
        write_error(error, "open_store: no place for the store handle");
        return NMK_STORE_INVALID_ARGUMENT;
    }
    *store = nullptr;
    return guarded(error, [&] {
        auto box = std::make_unique<StoreBox>();
        box->store = static_cast<StoreBackend*>(backend)->open_store(to_view(root_dir), to_view(options_json));
        if (!box->store) {
            throw StoreError(NMK_STORE_IO_ERROR, "open_store returned no store");
        }
        *store = box.release();
    });
}

inline void close_store(void* store) noexcept {
    std::unique_ptr<StoreBox> box(static_cast<StoreBox*>(store));
    if (!box) {
        return;
    }
    try {
        for (StreamBox* stream : box->open) {
            delete stream;
        }
        box->open.clear();
        box->store.reset();
    } catch (...) {
        // Nothing to report to: closing never fails from the caller's view.
    }
}

inline nmk_store_status list_streams(void* store, nmk_stream_found_callback found, void* user,
                                     nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        static_cast<StoreBox*>(store)->store->list_streams(
            [&](std::string_view account, std::string_view stream, std::string_view meta) {
                found(user, to_nmk(account), to_nmk(stream), to_nmk(meta));
            });
    });
}

inline nmk_store_status open_stream(void* store, nmk_str account, nmk_str stream, void** handle,
                                    nmk_error_buffer error) noexcept {
    if (handle == nullptr) {
        write_error(error, "open_stream: no place for the stream handle");
        return NMK_STORE_INVALID_ARGUMENT;
    }
    *handle = nullptr;
    return guarded(error, [&] {
        auto* owner = static_cast<StoreBox*>(store);
        auto box = std::make_unique<StreamBox>();
        box->owner = owner;
        box->stream = owner->store->open_stream(to_view(account), to_view(stream));
        if (!box->stream) {
            throw StoreError(NMK_STORE_IO_ERROR, "open_stream returned no stream");
        }
        const std::lock_guard lock(owner->mutex);
        owner->open.insert(box.get());
        *handle = box.release();
    });
}

inline nmk_store_status delete_stream(void* store, nmk_str account, nmk_str stream, nmk_error_buffer error) noexcept {
    return guarded(error,
                   [&] { static_cast<StoreBox*>(store)->store->delete_stream(to_view(account), to_view(stream)); });
}

inline void close_stream(void* handle) noexcept {
    auto* box = static_cast<StreamBox*>(handle);
    if (box == nullptr) {
        return;
    }
    try {
        {
            const std::lock_guard lock(box->owner->mutex);
            box->owner->open.erase(box);
        }
        delete box;
    } catch (...) {
    }
}

inline nmk_store_status write_meta(void* handle, nmk_str meta, nmk_error_buffer error) noexcept {
    return guarded(error, [&] { stream_of(handle).write_meta(to_view(meta)); });
}

inline nmk_store_status append(void* handle, std::uint64_t sequence, std::int64_t time_ns, nmk_str subject,
                               nmk_str headers, nmk_str payload, nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        stream_of(handle).append(sequence, time_ns, to_view(subject), to_view(headers), to_view(payload));
    });
}

inline void sync(void* handle, nmk_store_done_callback done, void* user) noexcept {
    if (done == nullptr) {
        return;
    }
    std::shared_ptr<SyncOnce> once;
    try {
        once = std::make_shared<SyncOnce>(done, user);
    } catch (...) {
        done(user, NMK_STORE_NO_SPACE, to_nmk("out of memory"));
        return;
    }
    char text[256] = {};
    const nmk_error_buffer error{text, sizeof text};
    const nmk_store_status status = guarded(error, [&] {
        stream_of(handle).sync([once](nmk_store_status s, std::string_view e) { once->fire(s, e); });
    });
    if (status != NMK_STORE_OK) {
        once->fire(status, text);
    }
}

inline nmk_store_status load(void* handle, std::uint64_t sequence, nmk_store_message_callback found, void* user,
                             nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        return load_status(
            stream_of(handle).load(sequence, [&](const MessageView& m) { deliver(found, user, m); }));
    });
}

inline nmk_store_status load_next(void* handle, std::uint64_t start, nmk_str filter, nmk_store_message_callback found,
                                  void* user, nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        return load_status(stream_of(handle).load_next(start, to_view(filter),
                                                       [&](const MessageView& m) { deliver(found, user, m); }));
    });
}

inline nmk_store_status load_last(void* handle, nmk_str filter, nmk_store_message_callback found, void* user,
                                  nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        return load_status(
            stream_of(handle).load_last(to_view(filter), [&](const MessageView& m) { deliver(found, user, m); }));
    });
}

inline nmk_store_status remove(void* handle, std::uint64_t sequence, nmk_error_buffer error) noexcept {
    return guarded(error, [&] { return stream_of(handle).remove(sequence) ? NMK_STORE_OK : NMK_STORE_NOT_FOUND; });
}

inline nmk_store_status purge(void* handle, nmk_str filter, std::uint64_t below_sequence, std::uint64_t keep,
                              std::uint64_t* purged, nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        const std::uint64_t count = stream_of(handle).purge(to_view(filter), below_sequence, keep);
        if (purged != nullptr) {
            *purged = count;
        }
    });
}

inline nmk_store_status compact(void* handle, std::uint64_t sequence, std::uint64_t* purged,
                                nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        const std::uint64_t count = stream_of(handle).compact(sequence);
        if (purged != nullptr) {
            *purged = count;
        }
    });
}

inline nmk_store_status truncate(void* handle, std::uint64_t sequence, nmk_error_buffer error) noexcept {
    return guarded(error, [&] { stream_of(handle).truncate(sequence); });
}

inline void state(void* handle, nmk_stream_state* out) noexcept {
    if (out == nullptr) {
        return;
    }
    try {
        *out = stream_of(handle).state();
    } catch (...) {
        *out = nmk_stream_state{};
    }
}

inline nmk_store_status subject_state(void* handle, nmk_str subject, nmk_subject_state* out) noexcept {
    return guarded(nmk_error_buffer{nullptr, 0}, [&] {
        const auto found = stream_of(handle).subject_state(to_view(subject));
        if (!found) {
            return NMK_STORE_NOT_FOUND;
        }
        if (out != nullptr) {
            *out = *found;
        }
        return NMK_STORE_OK;
    });
}

inline nmk_store_status subjects_state(void* handle, nmk_str filter, nmk_subject_state_callback found, void* user,
                                       nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        stream_of(handle).subjects_state(to_view(filter), [&](std::string_view subject, const SubjectState& s) {
            found(user, to_nmk(subject), &s);
        });
    });
}

// 0 (never a sequence) when the backend failed.
inline std::uint64_t sequence_for_time(void* handle, std::int64_t time_ns) noexcept {
    try {
        return stream_of(handle).sequence_for_time(time_ns);
    } catch (...) {
        return 0;
    }
}

// ---- 1.1: consumer records ----

// Refuses a bad record name before the backend sees it, so every backend agrees.
inline void check_consumer_name(nmk_str name) {
    if (const std::string_view problem = consumer_name_problem(to_view(name)); !problem.empty()) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, std::string(problem));
    }
}

inline nmk_store_status consumer_put(void* handle, nmk_str name, nmk_str meta, nmk_str state,
                                     nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        check_consumer_name(name);
        stream_of(handle).consumer_put(to_view(name), to_view(meta), to_view(state));
    });
}

inline nmk_store_status consumer_put_state(void* handle, nmk_str name, nmk_str state,
                                           nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        check_consumer_name(name);
        return stream_of(handle).consumer_put_state(to_view(name), to_view(state)) ? NMK_STORE_OK
                                                                                   : NMK_STORE_NOT_FOUND;
    });
}

inline nmk_store_status consumer_list(void* handle, nmk_consumer_record_callback found, void* user,
                                      nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        stream_of(handle).consumer_list([&](const ConsumerRecordView& r) {
            found(user, to_nmk(r.name), to_nmk(r.meta), to_nmk(r.state));
        });
    });
}

inline nmk_store_status consumer_delete(void* handle, nmk_str name, nmk_error_buffer error) noexcept {
    return guarded(error, [&] {
        check_consumer_name(name);
        return stream_of(handle).consumer_delete(to_view(name)) ? NMK_STORE_OK : NMK_STORE_NOT_FOUND;
    });
}

}  // namespace provider_detail

// The C table of one backend, and the backend it calls. Move-only; the table's address
// does not change when the registration moves. Keep it as a plugin member: the kernel
// uses the table until the plugin's stop() returned (the owner, JetStream, stops first).
class StoreBackendRegistration {
public:
    StoreBackendRegistration() = default;
    // The table alone, not registered: for tests that drive a backend through the ABI
    // without a host (nats_sdk/testing/stream_store_contract.hpp).
    explicit StoreBackendRegistration(std::shared_ptr<StoreBackend> backend)
        : backend_(std::move(backend)), table_(std::make_unique<nmk_stream_store_table>()) {
        if (!backend_) {
            throw std::invalid_argument("a stream store registration needs a backend");
        }
        namespace p = provider_detail;
        auto& t = *table_;
        // A backend without consumer records gets a 1.0 table: users never read past it.
        const bool records = backend_->supports_consumer_records();
        t.struct_size = static_cast<std::uint32_t>(records ? table_size_1_1 : table_size_1_0);
        t.backend = backend_.get();
        t.open_store = p::open_store;
        t.close_store = p::close_store;
        t.list_streams = p::list_streams;
        t.open_stream = p::open_stream;
        t.delete_stream = p::delete_stream;
        t.close_stream = p::close_stream;
        t.write_meta = p::write_meta;
        t.append = p::append;
        t.sync = p::sync;
        t.load = p::load;
        t.load_next = p::load_next;
        t.load_last = p::load_last;
        t.remove = p::remove;
        t.purge = p::purge;
        t.compact = p::compact;
        t.truncate = p::truncate;
        t.state = p::state;
        t.subject_state = p::subject_state;
        t.subjects_state = p::subjects_state;
        t.sequence_for_time = p::sequence_for_time;
        if (records) {
            t.consumer_put = p::consumer_put;
            t.consumer_put_state = p::consumer_put_state;
            t.consumer_list = p::consumer_list;
            t.consumer_delete = p::consumer_delete;
        }
    }
    StoreBackendRegistration(StoreBackendRegistration&&) noexcept = default;
    StoreBackendRegistration& operator=(StoreBackendRegistration&&) noexcept = default;

    // OWNERSHIP: valid while this registration lives (null when default-constructed).
    const nmk_stream_store_table* table() const noexcept { return table_.get(); }
    const std::shared_ptr<StoreBackend>& backend() const noexcept { return backend_; }
    // The kind version the table implements: 1.1 with consumer records, else 1.0.
    KindVersion version() const noexcept {
        const bool records = table_ && table_->struct_size >= table_size_1_1;
        return KindVersion{NMK_STREAM_STORE_MAJOR, static_cast<std::uint16_t>(records ? 1 : 0)};
    }
    explicit operator bool() const noexcept { return table_ != nullptr; }

private:
    std::shared_ptr<StoreBackend> backend_;
    std::unique_ptr<nmk_stream_store_table> table_;
};

// Registers `backend` as the stream store `name` ("memory", "file", ...) of kind
// jetstream.store 1.1, or 1.0 when it keeps no consumer records. The kind must be declared already (JetStream declares it when it
// is created, before any plugin starts): call this from start(). Throws nats_sdk::Error
// (NMK_NOT_FOUND when the kind is not declared, NMK_UNSUPPORTED for another major).
inline StoreBackendRegistration register_stream_store_backend(const Host& host, std::string_view name,
                                                              std::shared_ptr<StoreBackend> backend) {
    StoreBackendRegistration registration(std::move(backend));
    register_extension(host, kind_name, registration.version(), name, *registration.table());
    return registration;
}

}  // namespace nats_sdk::store
