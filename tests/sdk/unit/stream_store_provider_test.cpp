// The provider side of the stream store kind (kinds/stream_store_provider.hpp), called
// through its C table as JetStream's client would: exceptions become statuses and one-line
// messages, sync completes exactly once whatever the backend does, close_store closes the
// streams still open, and registration follows the kind's version rule.

#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/kinds/stream_store_provider.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

using namespace nats_sdk::store;
using nats_sdk::to_nmk;

// A stream whose every call runs `act` (which may throw), counting its own destruction.
struct ScriptedStream final : Stream {
    std::function<void()> act = [] {};
    std::function<void(const SyncDone&)> on_sync = [](const SyncDone& done) { done(NMK_STORE_OK, {}); };
    int* destroyed = nullptr;
    ~ScriptedStream() override {
        if (destroyed != nullptr) {
            ++*destroyed;
        }
    }
    void write_meta(std::string_view) override { act(); }
    void append(std::uint64_t, std::int64_t, std::string_view, std::string_view, std::string_view) override { act(); }
    void sync(SyncDone done) override {
        act();
        on_sync(done);
    }
    LoadResult load(std::uint64_t seq, const std::function<void(const MessageView&)>& found) override {
        act();
        if (seq != 7) {
            return seq == 9 ? LoadResult::corrupt : LoadResult::not_found;
        }
        found(MessageView{7, 70, "a.b", "NATS/1.0\r\n\r\n", "payload"});
        return LoadResult::found;
    }
    LoadResult load_next(std::uint64_t, std::string_view, const std::function<void(const MessageView&)>&) override {
        act();
        return LoadResult::not_found;
    }
    LoadResult load_last(std::string_view, const std::function<void(const MessageView&)>&) override {
        act();
        return LoadResult::not_found;
    }
    bool remove(std::uint64_t seq) override {
        act();
        return seq == 1;
    }
    std::uint64_t purge(std::string_view, std::uint64_t, std::uint64_t) override {
        act();
        return 3;
    }
    std::uint64_t compact(std::uint64_t) override {
        act();
        return 4;
    }
    void truncate(std::uint64_t) override { act(); }
    StreamState state() const override {
        act();
        StreamState s{};
        s.messages = 5;
        return s;
    }
    std::optional<SubjectState> subject_state(std::string_view subject) const override {
        act();
        return subject == "a.b" ? std::optional(SubjectState{2, 1, 7}) : std::nullopt;
    }
    void subjects_state(std::string_view, const std::function<void(std::string_view, const SubjectState&)>&) const override {
        act();
    }
    std::uint64_t sequence_for_time(std::int64_t) const override {
        act();
        return 11;
    }
    // Consumer records (1.1): "C" exists; every call is logged as "<op> <name>".
    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override {
        act();
        calls.push_back("put " + std::string(name) + " " + std::string(meta) + " " + std::string(state));
    }
    bool consumer_put_state(std::string_view name, std::string_view state) override {
        act();
        calls.push_back("put_state " + std::string(name) + " " + std::string(state));
        return name == "C";
    }
    void consumer_list(const std::function<void(const ConsumerRecordView&)>& found) override {
        act();
        found({"C", "meta", std::string_view("st\0ate", 6)});
    }
    bool consumer_delete(std::string_view name) override {
        act();
        calls.push_back("delete " + std::string(name));
        return name == "C";
    }
    std::vector<std::string> calls;
};

struct ScriptedStore final : Store {
    std::function<std::unique_ptr<Stream>()> make_stream;
    int* destroyed = nullptr;
    ~ScriptedStore() override {
        if (destroyed != nullptr) {
            ++*destroyed;
        }
    }
    void list_streams(const std::function<void(std::string_view, std::string_view, std::string_view)>& found) override {
        found("ACC", "S", "{}");
    }
    std::unique_ptr<Stream> open_stream(std::string_view, std::string_view) override { return make_stream(); }
    void delete_stream(std::string_view, std::string_view stream) override {
        if (stream == "MISSING") {
            throw StoreError(NMK_STORE_NOT_FOUND, "no such stream");
        }
    }
};

struct ScriptedBackend final : StoreBackend {
    explicit ScriptedBackend(bool records = true) : records(records) {}
    std::function<std::unique_ptr<Store>()> make_store;
    bool records;
    std::unique_ptr<Store> open_store(std::string_view, std::string_view) override { return make_store(); }
    bool supports_consumer_records() const noexcept override { return records; }
};

class StreamStoreProvider : public ::testing::Test {
protected:
    void SetUp() override {
        backend->make_store = [this] {
            auto store = std::make_unique<ScriptedStore>();
            store->destroyed = &stores_destroyed;
            store->make_stream = [this] {
                auto stream = std::make_unique<ScriptedStream>();
                scripted = stream.get();
                stream->destroyed = &streams_destroyed;
                stream->act = [this] { act(); };
                stream->on_sync = [this](const Stream::SyncDone& done) { on_sync(done); };
                return stream;
            };
            return store;
        };
        ASSERT_EQ(t.open_store(t.backend, to_nmk("/tmp/x"), to_nmk("{}"), &store, buffer()), NMK_STORE_OK);
        ASSERT_EQ(t.open_stream(store, to_nmk("ACC"), to_nmk("S"), &stream, buffer()), NMK_STORE_OK);
    }
    void TearDown() override { t.close_store(store); }

    nmk_error_buffer buffer() { return {error, sizeof error}; }
    nmk_store_status append() {
        std::memset(error, 0, sizeof error);
        return t.append(stream, 1, 1, to_nmk("a"), to_nmk(""), to_nmk("p"), buffer());
    }

    std::shared_ptr<ScriptedBackend> backend = std::make_shared<ScriptedBackend>();
    StoreBackendRegistration registration{backend};
    const nmk_stream_store_table& t = *registration.table();
    std::function<void()> act = [] {};
    std::function<void(const Stream::SyncDone&)> on_sync = [](const Stream::SyncDone& done) { done(NMK_STORE_OK, {}); };
    int stores_destroyed = 0;
    int streams_destroyed = 0;
    void* store = nullptr;
    void* stream = nullptr;
    ScriptedStream* scripted = nullptr;
    char error[64] = {};
};

TEST_F(StreamStoreProvider, TheTableIsComplete) {
    EXPECT_EQ(t.struct_size, sizeof(nmk_stream_store_table));
    EXPECT_EQ(t.struct_size, table_size_1_1) << "a backend with consumer records gets a 1.1 table";
    EXPECT_EQ(registration.version(), (nats_sdk::KindVersion{1, 1}));
    EXPECT_EQ(t.backend, backend.get());
    const auto* first = reinterpret_cast<const unsigned char*>(&t.open_store);
    const auto* end = reinterpret_cast<const unsigned char*>(&t) + sizeof t;
    for (const auto* p = first; p < end; p += sizeof(void*)) {
        void* fn = nullptr;
        std::memcpy(&fn, p, sizeof fn);
        EXPECT_NE(fn, nullptr) << "member at offset " << (p - reinterpret_cast<const unsigned char*>(&t));
    }
}

TEST(StreamStoreProviderOneZero, ABackendWithoutConsumerRecordsGetsAOnePointZeroTable) {
    StoreBackendRegistration registration{std::make_shared<ScriptedBackend>(false)};
    const nmk_stream_store_table& t = *registration.table();
    EXPECT_EQ(t.struct_size, table_size_1_0);
    EXPECT_NE(t.sequence_for_time, nullptr);
    EXPECT_EQ(t.consumer_put, nullptr) << "nothing past the 1.0 members";
    EXPECT_EQ(t.consumer_delete, nullptr);
    EXPECT_EQ(registration.version(), (nats_sdk::KindVersion{1, 0}));
}

TEST_F(StreamStoreProvider, ConsumerRecordsPassThroughWithTheirNamesChecked) {
    ASSERT_NE(scripted, nullptr);
    EXPECT_EQ(t.consumer_put(stream, to_nmk("C"), to_nmk("{}"), to_nmk("s1"), buffer()), NMK_STORE_OK);
    EXPECT_EQ(t.consumer_put_state(stream, to_nmk("C"), to_nmk("s2"), buffer()), NMK_STORE_OK);
    EXPECT_EQ(t.consumer_put_state(stream, to_nmk("D"), to_nmk("s2"), buffer()), NMK_STORE_NOT_FOUND);
    EXPECT_EQ(t.consumer_delete(stream, to_nmk("C"), buffer()), NMK_STORE_OK);
    EXPECT_EQ(t.consumer_delete(stream, to_nmk("D"), buffer()), NMK_STORE_NOT_FOUND);
    const std::vector<std::string> expected = {"put C {} s1", "put_state C s2", "put_state D s2", "delete C",
                                               "delete D"};
    EXPECT_EQ(scripted->calls, expected);

    for (const char* bad : {"", ".", "..", ".x", "a/b"}) {
        EXPECT_EQ(t.consumer_put(stream, to_nmk(bad), to_nmk("{}"), to_nmk("s"), buffer()),
                  NMK_STORE_INVALID_ARGUMENT)
            << bad;
        EXPECT_NE(std::string(error), "") << "the refusal says why";
        EXPECT_EQ(t.consumer_put_state(stream, to_nmk(bad), to_nmk("s"), buffer()), NMK_STORE_INVALID_ARGUMENT);
        EXPECT_EQ(t.consumer_delete(stream, to_nmk(bad), buffer()), NMK_STORE_INVALID_ARGUMENT);
    }
    EXPECT_EQ(t.consumer_put(stream, nmk_str{"a\0b", 3}, to_nmk("{}"), to_nmk("s"), buffer()),
              NMK_STORE_INVALID_ARGUMENT);
    EXPECT_EQ(scripted->calls.size(), expected.size()) << "a bad name never reaches the backend";

    struct Listed {
        std::vector<std::string> rows;
    } listed;
    EXPECT_EQ(t.consumer_list(
                  stream,
                  [](void* user, nmk_str name, nmk_str meta, nmk_str state) {
                      static_cast<Listed*>(user)->rows.push_back(std::string(name.data, name.size) + "|" +
                                                                 std::string(meta.data, meta.size) + "|" +
                                                                 std::string(state.data, state.size));
                  },
                  &listed, buffer()),
              NMK_STORE_OK);
    ASSERT_EQ(listed.rows.size(), 1u);
    EXPECT_EQ(listed.rows[0], std::string("C|meta|st\0ate", 13)) << "binary state bytes pass whole";

    act = [] { throw StoreError(NMK_STORE_NO_SPACE, "disk full"); };
    EXPECT_EQ(t.consumer_put(stream, to_nmk("C"), to_nmk("{}"), to_nmk("s"), buffer()), NMK_STORE_NO_SPACE);
    EXPECT_STREQ(error, "disk full");
    act = [] { throw std::runtime_error("state file gone"); };
    EXPECT_EQ(t.consumer_put_state(stream, to_nmk("C"), to_nmk("s"), buffer()), NMK_STORE_IO_ERROR);
    EXPECT_EQ(t.consumer_list(stream, [](void*, nmk_str, nmk_str, nmk_str) {}, nullptr, buffer()),
              NMK_STORE_IO_ERROR);
}

TEST_F(StreamStoreProvider, ExceptionsBecomeStatusesWithTheirMessage) {
    act = [] { throw StoreError(NMK_STORE_NO_SPACE, "disk full"); };
    EXPECT_EQ(append(), NMK_STORE_NO_SPACE);
    EXPECT_STREQ(error, "disk full");
    act = [] { throw std::bad_alloc(); };
    EXPECT_EQ(append(), NMK_STORE_NO_SPACE);
    EXPECT_STREQ(error, "out of memory");
    act = [] { throw std::invalid_argument("bad sequence"); };
    EXPECT_EQ(append(), NMK_STORE_INVALID_ARGUMENT);
    EXPECT_STREQ(error, "bad sequence");
    act = [] { throw std::runtime_error("read failed"); };
    EXPECT_EQ(append(), NMK_STORE_IO_ERROR);
    EXPECT_STREQ(error, "read failed");
    act = [] { throw 42; };
    EXPECT_EQ(append(), NMK_STORE_IO_ERROR);
    EXPECT_NE(std::string(error).find("unknown exception"), std::string::npos);
    act = [] { throw StoreError(NMK_STORE_OK, "an error that says ok"); };
    EXPECT_EQ(append(), NMK_STORE_IO_ERROR);
    act = [] { throw std::runtime_error(std::string(500, 'x') + "tail"); };
    EXPECT_EQ(append(), NMK_STORE_IO_ERROR);
    EXPECT_EQ(std::strlen(error), sizeof error - 1) << "cut to the buffer, NUL-terminated";
}

TEST_F(StreamStoreProvider, CallsWithoutAnErrorBufferSurviveThrows) {
    act = [] { throw std::runtime_error("broken"); };
    nmk_stream_state state{};
    state.messages = 99;
    t.state(stream, &state);
    EXPECT_EQ(state.messages, 0u) << "a failed state() reads as empty";
    nmk_subject_state subject{};
    EXPECT_EQ(t.subject_state(stream, to_nmk("a.b"), &subject), NMK_STORE_IO_ERROR);
    EXPECT_EQ(t.sequence_for_time(stream, 5), 0u);
    EXPECT_EQ(t.append(stream, 1, 1, to_nmk("a"), to_nmk(""), to_nmk("p"), nmk_error_buffer{nullptr, 0}),
              NMK_STORE_IO_ERROR);
}

TEST_F(StreamStoreProvider, AnswersPassThrough) {
    std::string seen;
    auto on_message = [](void* user, const nmk_store_message* m) {
        *static_cast<std::string*>(user) = std::to_string(m->sequence) + " " + std::to_string(m->time_ns) + " " +
                                           std::string(m->subject.data, m->subject.size) + " " +
                                           std::string(m->payload.data, m->payload.size);
    };
    EXPECT_EQ(t.load(stream, 7, on_message, &seen, buffer()), NMK_STORE_OK);
    EXPECT_EQ(seen, "7 70 a.b payload");
    EXPECT_EQ(t.load(stream, 8, on_message, &seen, buffer()), NMK_STORE_NOT_FOUND);
    EXPECT_EQ(t.load(stream, 9, on_message, &seen, buffer()), NMK_STORE_CORRUPT);
    EXPECT_EQ(t.remove(stream, 1, buffer()), NMK_STORE_OK);
    EXPECT_EQ(t.remove(stream, 2, buffer()), NMK_STORE_NOT_FOUND);
    std::uint64_t purged = 0;
    EXPECT_EQ(t.purge(stream, to_nmk(""), 0, 0, &purged, buffer()), NMK_STORE_OK);
    EXPECT_EQ(purged, 3u);
    EXPECT_EQ(t.compact(stream, 3, &purged, buffer()), NMK_STORE_OK);
    EXPECT_EQ(purged, 4u);
    nmk_subject_state subject{};
    EXPECT_EQ(t.subject_state(stream, to_nmk("a.b"), &subject), NMK_STORE_OK);
    EXPECT_EQ(subject.last_sequence, 7u);
    EXPECT_EQ(t.subject_state(stream, to_nmk("x"), &subject), NMK_STORE_NOT_FOUND);
    EXPECT_EQ(t.sequence_for_time(stream, 5), 11u);
    EXPECT_EQ(t.delete_stream(store, to_nmk("ACC"), to_nmk("MISSING"), buffer()), NMK_STORE_NOT_FOUND);
}

struct SyncCalls {
    int calls = 0;
    nmk_store_status status = NMK_STORE_OK;
    std::string error;
    static void done(void* user, nmk_store_status status, nmk_str error) {
        auto* self = static_cast<SyncCalls*>(user);
        ++self->calls;
        self->status = status;
        self->error.assign(error.data == nullptr ? "" : std::string(error.data, error.size));
    }
};

TEST_F(StreamStoreProvider, SyncCompletesExactlyOnce) {
    SyncCalls twice;
    on_sync = [](const Stream::SyncDone& done) {
        done(NMK_STORE_OK, "ignored on OK");
        done(NMK_STORE_IO_ERROR, "second call");
    };
    t.sync(stream, &SyncCalls::done, &twice);
    EXPECT_EQ(twice.calls, 1);
    EXPECT_EQ(twice.status, NMK_STORE_OK);
    EXPECT_EQ(twice.error, "") << "OK carries no error text";

    SyncCalls thrown;
    act = [] { throw std::runtime_error("fsync failed"); };
    t.sync(stream, &SyncCalls::done, &thrown);
    EXPECT_EQ(thrown.calls, 1);
    EXPECT_EQ(thrown.status, NMK_STORE_IO_ERROR);
    EXPECT_EQ(thrown.error, "fsync failed");
    act = [] {};

    SyncCalls dropped;
    on_sync = [](const Stream::SyncDone&) {};
    t.sync(stream, &SyncCalls::done, &dropped);
    EXPECT_EQ(dropped.calls, 1) << "a completion the backend drops still completes";
    EXPECT_EQ(dropped.status, NMK_STORE_IO_ERROR);

    SyncCalls later;
    Stream::SyncDone kept;
    on_sync = [&kept](const Stream::SyncDone& done) { kept = done; };
    t.sync(stream, &SyncCalls::done, &later);
    EXPECT_EQ(later.calls, 0) << "pending while the backend holds it";
    kept(NMK_STORE_CLOSED, "store closed");
    kept = nullptr;
    EXPECT_EQ(later.calls, 1);
    EXPECT_EQ(later.status, NMK_STORE_CLOSED);
}

TEST_F(StreamStoreProvider, CloseStoreClosesTheStreamsStillOpen) {
    void* second = nullptr;
    ASSERT_EQ(t.open_stream(store, to_nmk("ACC"), to_nmk("T"), &second, buffer()), NMK_STORE_OK);
    t.close_stream(second);
    EXPECT_EQ(streams_destroyed, 1);
    t.close_store(store);
    store = nullptr;
    EXPECT_EQ(streams_destroyed, 2) << "the stream left open went with its store";
    EXPECT_EQ(stores_destroyed, 1);
}

TEST_F(StreamStoreProvider, OpenFailuresLeaveNoHandle) {
    backend->make_store = [] () -> std::unique_ptr<Store> { throw StoreError(NMK_STORE_IO_ERROR, "cannot lock the directory"); };
    void* other = reinterpret_cast<void*>(1);
    EXPECT_EQ(t.open_store(t.backend, to_nmk("/x"), to_nmk("{}"), &other, buffer()), NMK_STORE_IO_ERROR);
    EXPECT_EQ(other, nullptr);
    EXPECT_STREQ(error, "cannot lock the directory");
    EXPECT_EQ(t.open_store(t.backend, to_nmk("/x"), to_nmk("{}"), nullptr, buffer()), NMK_STORE_INVALID_ARGUMENT);
}

TEST(StreamStoreRegistration, RegistersUnderTheKindAtTheVersionItImplements) {
    nats_sdk::testing::FakeHost fake;
    nats_sdk::Host host{fake.api(), "provider_test"};
    auto backend = std::make_shared<ScriptedBackend>();
    EXPECT_THROW(register_stream_store_backend(host, "scripted", backend), nats_sdk::Error) << "kind not declared";
    host.declare_kind(kind_name, nats_sdk::KindVersion{1, 4}.packed());
    auto registration = register_stream_store_backend(host, "scripted", backend);
    nats_sdk::KindVersion provider;
    const auto* found =
        nats_sdk::find_extension<nmk_stream_store_table>(host, kind_name, {1, 0}, "scripted", &provider);
    EXPECT_EQ(found, registration.table());
    EXPECT_EQ(provider, (nats_sdk::KindVersion{1, 1})) << "with consumer records";
    StoreBackendRegistration moved = std::move(registration);
    EXPECT_EQ(moved.table(), found) << "the table does not move with its registration";

    auto old = register_stream_store_backend(host, "old", std::make_shared<ScriptedBackend>(false));
    EXPECT_NE(nats_sdk::find_extension<nmk_stream_store_table>(host, kind_name, {1, 1}, "old", &provider), nullptr);
    EXPECT_EQ(provider, (nats_sdk::KindVersion{1, 0})) << "without consumer records";
}

TEST(StreamStoreRegistration, AnotherMajorIsRefused) {
    nats_sdk::testing::FakeHost fake;
    nats_sdk::Host host{fake.api(), "provider_test"};
    host.declare_kind(kind_name, nats_sdk::KindVersion{2, 0}.packed());
    try {
        register_stream_store_backend(host, "scripted", std::make_shared<ScriptedBackend>());
        FAIL() << "registered 1.0 into a 2.0 kind";
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_UNSUPPORTED);
    }
}

}  // namespace
