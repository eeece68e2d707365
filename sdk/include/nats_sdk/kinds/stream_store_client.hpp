#pragma once
// The user side of the stream store kind (what JetStream uses): a registered
// nmk_stream_store_table wrapped back into the C++ classes of stream_store.hpp.
//
//   auto backend = nats_sdk::store::find_stream_store_backend(host(), "file");
//   if (!backend) throw nats_sdk::Error("no stream store \"file\" is loaded");
//   auto store = backend->open_store(store_dir, R"({"sync": "batch"})");
//   auto stream = store->open_stream("ACC", "ORDERS");
//   stream->append(1, now_ns, "orders.new", "", payload);
//
// Consumer records (1.1): backend->supports_consumer_records() says whether the table has
// them; on a 1.0 table the consumer_* calls throw StoreError with NMK_STORE_UNSUPPORTED
// without reaching the backend. JetStream then keeps its consumers another way.
//
// A failed call throws StoreError with the backend's status and its one-line message.
// NOT_FOUND is an answer, not an error: load* return LoadResult::not_found, remove
// returns false, subject_state nullopt, delete_stream of an unknown stream returns.
//
// Lifetimes. A Stream keeps its store open: the C store is closed when the Store and every
// Stream opened from it are gone, so destroying them in any order is safe. `keep_alive`
// (wrap_stream_store_table) is held until then too: the testing kit passes the loaded
// plugin there. Nothing here outlives the provider's registration by itself: JetStream
// must drop its stores before it returns from stop() (the provider stops after it).

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "nats_sdk/error.hpp"
#include "nats_sdk/extension_kinds.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/kinds/stream_store.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk::store {

namespace client_detail {

inline constexpr std::size_t error_capacity = 512;

// An error buffer on the caller's stack and the check that turns a status into StoreError.
class Call {
public:
    nmk_error_buffer buffer() noexcept { return {text_, sizeof text_}; }
    // Throws for anything but OK (and NOT_FOUND when `not_found_ok`).
    void check(nmk_store_status status, std::string_view what, bool not_found_ok = false) const {
        if (status == NMK_STORE_OK || (not_found_ok && status == NMK_STORE_NOT_FOUND)) {
            return;
        }
        std::string message(what);
        message += ": ";
        message += text_[0] != '\0' ? std::string_view(text_) : std::string_view(status_text(status));
        throw StoreError(status, std::move(message));
    }
    static const char* status_text(nmk_store_status status) noexcept {
        switch (status) {
            case NMK_STORE_OK: return "ok";
            case NMK_STORE_NOT_FOUND: return "not found";
            case NMK_STORE_CORRUPT: return "corrupt record";
            case NMK_STORE_NO_SPACE: return "no space left";
            case NMK_STORE_IO_ERROR: return "I/O error";
            case NMK_STORE_INVALID_ARGUMENT: return "invalid argument";
            case NMK_STORE_CLOSED: return "store closed";
            case NMK_STORE_UNSUPPORTED: return "not supported by this store";
        }
        return "unknown status";
    }

private:
    char text_[error_capacity] = {};
};

// A C callback's `user`: the caller's function, and the exception it threw, if any. The
// exception waits until the backend has returned: nothing is thrown through its frames.
template <class Fn>
struct Receiver {
    const Fn& fn;
    std::exception_ptr failure;

    void rethrow() const {
        if (failure) {
            std::rethrow_exception(failure);
        }
    }
};

using MessageFn = std::function<void(const MessageView&)>;

inline void on_message(void* user, const nmk_store_message* m) noexcept {
    auto* r = static_cast<Receiver<MessageFn>*>(user);
    if (r->failure || m == nullptr) {
        return;
    }
    try {
        r->fn(MessageView{m->sequence, m->time_ns, to_view(m->subject), to_view(m->headers), to_view(m->payload)});
    } catch (...) {
        r->failure = std::current_exception();
    }
}

inline LoadResult load_result(const Call& call, nmk_store_status status, const Receiver<MessageFn>& r,
                              std::string_view what) {
    r.rethrow();
    if (status == NMK_STORE_NOT_FOUND) {
        return LoadResult::not_found;
    }
    if (status == NMK_STORE_CORRUPT) {
        return LoadResult::corrupt;
    }
    call.check(status, what);
    return LoadResult::found;
}

// The C store, closed when its last owner (the Store or one of its Streams) goes.
struct StoreHandle {
    const nmk_stream_store_table* table;
    void* store;
    std::shared_ptr<const void> keep_alive;

    StoreHandle(const nmk_stream_store_table* t, void* s, std::shared_ptr<const void> k)
        : table(t), store(s), keep_alive(std::move(k)) {}
    StoreHandle(const StoreHandle&) = delete;
    StoreHandle& operator=(const StoreHandle&) = delete;
    ~StoreHandle() { table->close_store(store); }
};

// Whether the table has the 1.1 members (struct_size covers them); table_problem has
// already refused a 1.1-sized table with one of them missing.
inline bool has_consumer_records(const nmk_stream_store_table& t) noexcept {
    return t.struct_size >= table_size_1_1;
}

class TableStream final : public Stream {
public:
    TableStream(std::shared_ptr<StoreHandle> store, void* handle) : store_(std::move(store)), handle_(handle) {}
    ~TableStream() override { t().close_stream(handle_); }

    void write_meta(std::string_view meta) override {
        Call call;
        call.check(t().write_meta(handle_, to_nmk(meta), call.buffer()), "write_meta");
    }
    void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                std::string_view payload) override {
        Call call;
        call.check(t().append(handle_, sequence, time_ns, to_nmk(subject), to_nmk(headers), to_nmk(payload),
                              call.buffer()),
                   "append");
    }
    void sync(SyncDone done) override {
        auto box = std::make_unique<SyncDone>(std::move(done));
        t().sync(handle_, &TableStream::on_synced, box.release());
    }

    LoadResult load(std::uint64_t sequence, const MessageFn& found) override {
        Call call;
        Receiver<MessageFn> r{found, {}};
        const auto status = t().load(handle_, sequence, &on_message, &r, call.buffer());
        return load_result(call, status, r, "load");
    }
    LoadResult load_next(std::uint64_t start, std::string_view filter, const MessageFn& found) override {
        Call call;
        Receiver<MessageFn> r{found, {}};
        const auto status = t().load_next(handle_, start, to_nmk(filter), &on_message, &r, call.buffer());
        return load_result(call, status, r, "load_next");
    }
    LoadResult load_last(std::string_view filter, const MessageFn& found) override {
        Call call;
        Receiver<MessageFn> r{found, {}};
        const auto status = t().load_last(handle_, to_nmk(filter), &on_message, &r, call.buffer());
        return load_result(call, status, r, "load_last");
    }

    bool remove(std::uint64_t sequence) override {
        Call call;
        const auto status = t().remove(handle_, sequence, call.buffer());
        call.check(status, "remove", true);
        return status == NMK_STORE_OK;
    }
    std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) override {
        Call call;
        std::uint64_t purged = 0;
        call.check(t().purge(handle_, to_nmk(filter), below_sequence, keep, &purged, call.buffer()), "purge");
        return purged;
    }
    std::uint64_t compact(std::uint64_t sequence) override {
        Call call;
        std::uint64_t purged = 0;
        call.check(t().compact(handle_, sequence, &purged, call.buffer()), "compact");
        return purged;
    }
    void truncate(std::uint64_t sequence) override {
        Call call;
        call.check(t().truncate(handle_, sequence, call.buffer()), "truncate");
    }

    StreamState state() const override {
        StreamState s{};
        t().state(handle_, &s);
        return s;
    }
    std::optional<SubjectState> subject_state(std::string_view literal_subject) const override {
        SubjectState s{};
        const auto status = t().subject_state(handle_, to_nmk(literal_subject), &s);
        if (status == NMK_STORE_NOT_FOUND) {
            return std::nullopt;
        }
        Call().check(status, "subject_state");
        return s;
    }
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const SubjectState&)>& found) const override {
        using Fn = std::function<void(std::string_view, const SubjectState&)>;
        Call call;
        Receiver<Fn> r{found, {}};
        const auto status = t().subjects_state(
            handle_, to_nmk(filter),
            [](void* user, nmk_str subject, const nmk_subject_state* s) noexcept {
                auto* rr = static_cast<Receiver<Fn>*>(user);
                if (rr->failure || s == nullptr) {
                    return;
                }
                try {
                    rr->fn(to_view(subject), *s);
                } catch (...) {
                    rr->failure = std::current_exception();
                }
            },
            &r, call.buffer());
        r.rethrow();
        call.check(status, "subjects_state");
    }
    std::uint64_t sequence_for_time(std::int64_t time_ns) const override {
        return t().sequence_for_time(handle_, time_ns);
    }

    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override {
        check_records();
        Call call;
        call.check(t().consumer_put(handle_, to_nmk(name), to_nmk(meta), to_nmk(state), call.buffer()),
                   "consumer_put");
    }
    bool consumer_put_state(std::string_view name, std::string_view state) override {
        check_records();
        Call call;
        const auto status = t().consumer_put_state(handle_, to_nmk(name), to_nmk(state), call.buffer());
        call.check(status, "consumer_put_state", true);
        return status == NMK_STORE_OK;
    }
    void consumer_list(const std::function<void(const ConsumerRecordView&)>& found) override {
        using Fn = std::function<void(const ConsumerRecordView&)>;
        check_records();
        Call call;
        Receiver<Fn> r{found, {}};
        const auto status = t().consumer_list(
            handle_,
            [](void* user, nmk_str name, nmk_str meta, nmk_str state) noexcept {
                auto* rr = static_cast<Receiver<Fn>*>(user);
                if (rr->failure) {
                    return;
                }
                try {
                    rr->fn(ConsumerRecordView{to_view(name), to_view(meta), to_view(state)});
                } catch (...) {
                    rr->failure = std::current_exception();
                }
            },
            &r, call.buffer());
        r.rethrow();
        call.check(status, "consumer_list");
    }
    bool consumer_delete(std::string_view name) override {
        check_records();
        Call call;
        const auto status = t().consumer_delete(handle_, to_nmk(name), call.buffer());
        call.check(status, "consumer_delete", true);
        return status == NMK_STORE_OK;
    }

private:
    const nmk_stream_store_table& t() const noexcept { return *store_->table; }
    // A 1.0 table: the base class's answer (NMK_STORE_UNSUPPORTED), without a call.
    void check_records() const {
        if (!has_consumer_records(t())) {
            records_detail::no_consumer_records();
        }
    }

    // The completion may run on any thread, maybe inside sync(); an exception from the
    // caller's function has nowhere to go and is dropped.
    static void on_synced(void* user, nmk_store_status status, nmk_str error) noexcept {
        std::unique_ptr<SyncDone> done(static_cast<SyncDone*>(user));
        try {
            if (*done) {
                (*done)(status, to_view(error));
            }
        } catch (...) {
        }
    }

    std::shared_ptr<StoreHandle> store_;
    void* handle_;
};

class TableStore final : public Store {
public:
    explicit TableStore(std::shared_ptr<StoreHandle> handle) : handle_(std::move(handle)) {}

    void list_streams(const std::function<void(std::string_view, std::string_view, std::string_view)>& found) override {
        using Fn = std::function<void(std::string_view, std::string_view, std::string_view)>;
        Call call;
        Receiver<Fn> r{found, {}};
        const auto status = handle_->table->list_streams(
            handle_->store,
            [](void* user, nmk_str account, nmk_str stream, nmk_str meta) noexcept {
                auto* rr = static_cast<Receiver<Fn>*>(user);
                if (rr->failure) {
                    return;
                }
                try {
                    rr->fn(to_view(account), to_view(stream), to_view(meta));
                } catch (...) {
                    rr->failure = std::current_exception();
                }
            },
            &r, call.buffer());
        r.rethrow();
        call.check(status, "list_streams");
    }
    std::unique_ptr<Stream> open_stream(std::string_view account, std::string_view stream) override {
        Call call;
        void* handle = nullptr;
        call.check(handle_->table->open_stream(handle_->store, to_nmk(account), to_nmk(stream), &handle, call.buffer()),
                   "open_stream");
        if (handle == nullptr) {
            throw StoreError(NMK_STORE_IO_ERROR, "open_stream: the backend gave no stream handle");
        }
        return std::make_unique<TableStream>(handle_, handle);
    }
    void delete_stream(std::string_view account, std::string_view stream) override {
        Call call;
        call.check(handle_->table->delete_stream(handle_->store, to_nmk(account), to_nmk(stream), call.buffer()),
                   "delete_stream", true);
    }

private:
    std::shared_ptr<StoreHandle> handle_;
};

class TableBackend final : public StoreBackend {
public:
    TableBackend(const nmk_stream_store_table* table, std::shared_ptr<const void> keep_alive)
        : table_(table), keep_alive_(std::move(keep_alive)) {}

    std::unique_ptr<Store> open_store(std::string_view root_dir, std::string_view options_json) override {
        Call call;
        void* store = nullptr;
        call.check(table_->open_store(table_->backend, to_nmk(root_dir), to_nmk(options_json), &store, call.buffer()),
                   "open_store");
        if (store == nullptr) {
            throw StoreError(NMK_STORE_IO_ERROR, "open_store: the backend gave no store handle");
        }
        return std::make_unique<TableStore>(std::make_shared<StoreHandle>(table_, store, keep_alive_));
    }
    bool supports_consumer_records() const noexcept override { return has_consumer_records(*table_); }

private:
    const nmk_stream_store_table* table_;
    std::shared_ptr<const void> keep_alive_;
};

// Why `table` cannot be used (as a 1.0 table, or as a 1.1 one when its size says 1.1);
// empty when it can.
inline std::string table_problem(const nmk_stream_store_table* table) {
    if (table == nullptr) {
        return "no table";
    }
    if (table->struct_size < table_size_1_0) {
        return "the table has " + std::to_string(table->struct_size) + " bytes, jetstream.store 1.0 needs " +
               std::to_string(table_size_1_0);
    }
    const auto& t = *table;
    const bool complete = t.open_store && t.close_store && t.list_streams && t.open_stream && t.delete_stream &&
                          t.close_stream && t.write_meta && t.append && t.sync && t.load && t.load_next &&
                          t.load_last && t.remove && t.purge && t.compact && t.truncate && t.state &&
                          t.subject_state && t.subjects_state && t.sequence_for_time;
    if (!complete) {
        return "the table lacks a function of jetstream.store 1.0";
    }
    const bool records_complete =
        t.consumer_put && t.consumer_put_state && t.consumer_list && t.consumer_delete;
    if (has_consumer_records(t) && !records_complete) {
        return "the table has the size of jetstream.store 1.1 but lacks a consumer record function";
    }
    return std::string();
}

}  // namespace client_detail

// The table as a StoreBackend. OWNERSHIP: `table` must outlive every store opened from the
// result; `keep_alive` is held until the last of them is closed. Throws StoreError
// (NMK_STORE_INVALID_ARGUMENT) for a table too small for 1.0 or with a function missing
// (of 1.0, or of 1.1 when its struct_size covers 1.1).
inline std::shared_ptr<StoreBackend> wrap_stream_store_table(const nmk_stream_store_table* table,
                                                             std::shared_ptr<const void> keep_alive = {}) {
    if (const std::string problem = client_detail::table_problem(table); !problem.empty()) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "stream store table: " + problem);
    }
    return std::make_shared<client_detail::TableBackend>(table, std::move(keep_alive));
}

// The stream store registered as `name` (empty: the first), or nullptr when there is none or
// it registered another major of jetstream.store. `provider` gets the version it implements.
// Throws StoreError as wrap_stream_store_table for a broken table.
inline std::shared_ptr<StoreBackend> find_stream_store_backend(const Host& host, std::string_view name,
                                                               KindVersion* provider = nullptr) {
    const auto* table = find_extension<nmk_stream_store_table>(
        host, kind_name, KindVersion{NMK_STREAM_STORE_MAJOR, NMK_STREAM_STORE_MINOR}, name, provider);
    if (table == nullptr) {
        return nullptr;
    }
    return wrap_stream_store_table(table);
}

}  // namespace nats_sdk::store
