// The user side of the stream store kind (kinds/stream_store_client.hpp): a C table wrapped
// back into StoreBackend/Store/Stream. Tables are checked before use, statuses become
// StoreError or answers, the caller's exceptions wait until the backend returned, the C
// store closes after its last Stream, and find_stream_store_backend follows the versions.

#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/kinds/stream_store_client.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

using namespace nats_sdk::store;
using nats_sdk::to_nmk;
using nats_sdk::to_view;

// A plain C backend: one stream holding message 1 ("a.b"), closes counted.
struct CBackend {
    int stores_closed = 0;
    int streams_closed = 0;
    bool store_open = false;
    int calls_after_close = 0;
    bool inside_load = false;  // the caller's callback never throws through us
    std::map<std::string, std::pair<std::string, std::string>> records;  // consumer records (1.1)
};

nmk_store_status c_open_store(void* backend, nmk_str, nmk_str options, void** store, nmk_error_buffer error) {
    if (to_view(options) == "refuse") {
        nats_sdk::write_error(error, "options refused");
        return NMK_STORE_INVALID_ARGUMENT;
    }
    auto* b = static_cast<CBackend*>(backend);
    b->store_open = true;
    *store = b;
    return NMK_STORE_OK;
}
void c_close_store(void* store) {
    auto* b = static_cast<CBackend*>(store);
    ++b->stores_closed;
    b->store_open = false;
}
nmk_store_status c_list_streams(void*, nmk_stream_found_callback found, void* user, nmk_error_buffer) {
    found(user, to_nmk("ACC"), to_nmk("S"), to_nmk("{}"));
    found(user, to_nmk("ACC"), to_nmk("T"), to_nmk("{}"));
    return NMK_STORE_OK;
}
nmk_store_status c_open_stream(void* store, nmk_str, nmk_str stream, void** handle, nmk_error_buffer error) {
    if (to_view(stream) == "BROKEN") {
        nats_sdk::write_error(error, "checksum mismatch in index");
        return NMK_STORE_CORRUPT;
    }
    *handle = store;
    return NMK_STORE_OK;
}
nmk_store_status c_delete_stream(void*, nmk_str, nmk_str stream, nmk_error_buffer) {
    return to_view(stream) == "MISSING" ? NMK_STORE_NOT_FOUND : NMK_STORE_OK;
}
void c_close_stream(void* handle) {
    auto* b = static_cast<CBackend*>(handle);
    ++b->streams_closed;
    if (!b->store_open) {
        ++b->calls_after_close;
    }
}
nmk_store_status c_write_meta(void*, nmk_str, nmk_error_buffer) { return NMK_STORE_OK; }
nmk_store_status c_append(void*, std::uint64_t sequence, std::int64_t, nmk_str, nmk_str, nmk_str,
                          nmk_error_buffer error) {
    if (sequence == 0) {
        return NMK_STORE_INVALID_ARGUMENT;  // no message: the status's name is used
    }
    if (sequence == 13) {
        nats_sdk::write_error(error, "no space left on device");
        return NMK_STORE_NO_SPACE;
    }
    return NMK_STORE_OK;
}
void c_sync(void*, nmk_store_done_callback done, void* user) { done(user, NMK_STORE_OK, to_nmk("")); }
nmk_store_status c_load(void* handle, std::uint64_t sequence, nmk_store_message_callback found, void* user,
                        nmk_error_buffer) {
    if (sequence == 2) {
        return NMK_STORE_CORRUPT;
    }
    if (sequence != 1) {
        return NMK_STORE_NOT_FOUND;
    }
    const nmk_store_message m{1, 10, to_nmk("a.b"), to_nmk(""), to_nmk("one")};
    auto* b = static_cast<CBackend*>(handle);
    b->inside_load = true;
    found(user, &m);
    b->inside_load = false;
    return NMK_STORE_OK;
}
nmk_store_status c_load_next(void* h, std::uint64_t, nmk_str, nmk_store_message_callback found, void* user,
                             nmk_error_buffer e) {
    return c_load(h, 1, found, user, e);
}
nmk_store_status c_load_last(void*, nmk_str, nmk_store_message_callback, void*, nmk_error_buffer) {
    return NMK_STORE_NOT_FOUND;
}
nmk_store_status c_remove(void*, std::uint64_t sequence, nmk_error_buffer) {
    return sequence == 1 ? NMK_STORE_OK : NMK_STORE_NOT_FOUND;
}
nmk_store_status c_purge(void*, nmk_str, std::uint64_t, std::uint64_t, std::uint64_t* purged, nmk_error_buffer) {
    *purged = 6;
    return NMK_STORE_OK;
}
nmk_store_status c_compact(void*, std::uint64_t, std::uint64_t* purged, nmk_error_buffer) {
    *purged = 2;
    return NMK_STORE_OK;
}
nmk_store_status c_truncate(void*, std::uint64_t, nmk_error_buffer error) {
    nats_sdk::write_error(error, "sequence 5 holds no message");
    return NMK_STORE_INVALID_ARGUMENT;
}
void c_state(void*, nmk_stream_state* state) {
    *state = nmk_stream_state{};
    state->messages = 1;
    state->corrupt = 1;
}
nmk_store_status c_subject_state(void*, nmk_str subject, nmk_subject_state* state) {
    if (to_view(subject) != "a.b") {
        return NMK_STORE_NOT_FOUND;
    }
    *state = nmk_subject_state{1, 1, 1};
    return NMK_STORE_OK;
}
nmk_store_status c_subjects_state(void*, nmk_str, nmk_subject_state_callback found, void* user, nmk_error_buffer) {
    const nmk_subject_state s{1, 1, 1};
    found(user, to_nmk("a.b"), &s);
    found(user, to_nmk("c.d"), &s);
    return NMK_STORE_OK;
}
std::uint64_t c_sequence_for_time(void*, std::int64_t) { return 2; }

nmk_store_status c_consumer_put(void* handle, nmk_str name, nmk_str meta, nmk_str state, nmk_error_buffer error) {
    if (to_view(name) == "FULL") {
        nats_sdk::write_error(error, "disk full");
        return NMK_STORE_NO_SPACE;
    }
    static_cast<CBackend*>(handle)->records[std::string(to_view(name))] = {std::string(to_view(meta)),
                                                                          std::string(to_view(state))};
    return NMK_STORE_OK;
}
nmk_store_status c_consumer_put_state(void* handle, nmk_str name, nmk_str state, nmk_error_buffer) {
    auto& records = static_cast<CBackend*>(handle)->records;
    const auto it = records.find(std::string(to_view(name)));
    if (it == records.end()) {
        return NMK_STORE_NOT_FOUND;
    }
    it->second.second = std::string(to_view(state));
    return NMK_STORE_OK;
}
nmk_store_status c_consumer_list(void* handle, nmk_consumer_record_callback found, void* user, nmk_error_buffer) {
    for (const auto& [name, record] : static_cast<CBackend*>(handle)->records) {
        found(user, to_nmk(name), to_nmk(record.first), to_nmk(record.second));
    }
    return NMK_STORE_OK;
}
nmk_store_status c_consumer_delete(void* handle, nmk_str name, nmk_error_buffer) {
    return static_cast<CBackend*>(handle)->records.erase(std::string(to_view(name))) == 1 ? NMK_STORE_OK
                                                                                          : NMK_STORE_NOT_FOUND;
}

// A 1.0 backend's table: as one built against the 1.0 header, it ends at sequence_for_time.
nmk_stream_store_table c_table(CBackend* backend) {
    return nmk_stream_store_table{static_cast<std::uint32_t>(table_size_1_0),
                                  backend,
                                  c_open_store,
                                  c_close_store,
                                  c_list_streams,
                                  c_open_stream,
                                  c_delete_stream,
                                  c_close_stream,
                                  c_write_meta,
                                  c_append,
                                  c_sync,
                                  c_load,
                                  c_load_next,
                                  c_load_last,
                                  c_remove,
                                  c_purge,
                                  c_compact,
                                  c_truncate,
                                  c_state,
                                  c_subject_state,
                                  c_subjects_state,
                                  c_sequence_for_time,
                                  nullptr,  // 1.1's members: past a 1.0 table's struct_size
                                  nullptr,
                                  nullptr,
                                  nullptr};
}

// A 1.1 backend's table: the same with consumer records.
nmk_stream_store_table c_table_1_1(CBackend* backend) {
    nmk_stream_store_table t = c_table(backend);
    t.struct_size = sizeof(nmk_stream_store_table);
    t.consumer_put = c_consumer_put;
    t.consumer_put_state = c_consumer_put_state;
    t.consumer_list = c_consumer_list;
    t.consumer_delete = c_consumer_delete;
    return t;
}

class StreamStoreClient : public ::testing::Test {
protected:
    CBackend c;
    nmk_stream_store_table table = c_table(&c);
    std::shared_ptr<StoreBackend> backend = wrap_stream_store_table(&table);
};

// Pins the layout on LP64: 1.0 up to sequence_for_time, 1.1's members after it.
TEST(StreamStoreTableLayout, IsFrozenForOnePointZeroAndOnePointOne) {
    static_assert(offsetof(nmk_stream_store_table, backend) == 8);
    static_assert(offsetof(nmk_stream_store_table, open_store) == 16);
    static_assert(offsetof(nmk_stream_store_table, close_stream) == 56);
    static_assert(offsetof(nmk_stream_store_table, append) == 72);
    static_assert(offsetof(nmk_stream_store_table, sequence_for_time) == 168);
    static_assert(table_size_1_0 == 176);
    static_assert(sizeof(nmk_stream_state) == 72);
    static_assert(sizeof(nmk_store_message) == 64);
    static_assert(NMK_STORE_CLOSED == 6);
    static_assert(offsetof(nmk_stream_store_table, consumer_put) == 176);
    static_assert(offsetof(nmk_stream_store_table, consumer_put_state) == 184);
    static_assert(offsetof(nmk_stream_store_table, consumer_list) == 192);
    static_assert(offsetof(nmk_stream_store_table, consumer_delete) == 200);
    static_assert(table_size_1_1 == 208);
    static_assert(NMK_STORE_UNSUPPORTED == 7);
    static_assert(NMK_STREAM_STORE_MINOR == 1);
    EXPECT_EQ(sizeof(nmk_stream_store_table), table_size_1_1);
}

TEST_F(StreamStoreClient, AOnePointZeroTableHasNoConsumerRecords) {
    EXPECT_FALSE(backend->supports_consumer_records());
    auto store = backend->open_store("/x", "{}");
    auto s = store->open_stream("ACC", "S");
    for (const auto& call : std::vector<std::function<void()>>{
             [&] { s->consumer_put("C", "{}", "state"); }, [&] { s->consumer_put_state("C", "state"); },
             [&] { s->consumer_list([](const ConsumerRecordView&) {}); }, [&] { s->consumer_delete("C"); }}) {
        try {
            call();
            FAIL() << "a 1.0 table answered a consumer record call";
        } catch (const StoreError& e) {
            EXPECT_EQ(e.store_status(), NMK_STORE_UNSUPPORTED);
            EXPECT_NE(std::string(e.what()).find("1.0"), std::string::npos) << e.what();
        }
    }
    EXPECT_EQ(s->state().messages, 1u) << "everything of 1.0 still works";
}

TEST(StreamStoreClientOnePointOne, ConsumerRecordsGoThroughTheTable) {
    CBackend c;
    const nmk_stream_store_table table = c_table_1_1(&c);
    auto backend = wrap_stream_store_table(&table);
    EXPECT_TRUE(backend->supports_consumer_records());
    auto store = backend->open_store("/x", "{}");
    auto s = store->open_stream("ACC", "S");
    s->consumer_put("C", "{}", std::string("s\0", 2));
    EXPECT_TRUE(s->consumer_put_state("C", "s2"));
    EXPECT_FALSE(s->consumer_put_state("D", "s2")) << "NOT_FOUND is an answer";
    s->consumer_put("E", "meta e", "");
    std::vector<std::string> rows;
    s->consumer_list([&](const ConsumerRecordView& r) {
        rows.push_back(std::string(r.name) + "|" + std::string(r.meta) + "|" + std::string(r.state));
    });
    EXPECT_EQ(rows, (std::vector<std::string>{"C|{}|s2", "E|meta e|"}));
    EXPECT_TRUE(s->consumer_delete("C"));
    EXPECT_FALSE(s->consumer_delete("C"));
    try {
        s->consumer_put("FULL", "{}", "");
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.store_status(), NMK_STORE_NO_SPACE);
        EXPECT_STREQ(e.what(), "consumer_put: disk full");
    }
    EXPECT_THROW(s->consumer_list([](const ConsumerRecordView&) { throw std::runtime_error("stop"); }),
                 std::runtime_error)
        << "the caller's exception waits until the backend returned";
}

TEST(StreamStoreClientOnePointOne, RefusesAOnePointOneSizedTableWithoutItsFunctions) {
    CBackend c;
    nmk_stream_store_table table = c_table_1_1(&c);
    table.consumer_list = nullptr;
    EXPECT_THROW(wrap_stream_store_table(&table), StoreError);
    nmk_stream_store_table old = c_table(&c);
    old.consumer_list = nullptr;  // past its struct_size: never read
    EXPECT_NO_THROW(wrap_stream_store_table(&old));
}

TEST_F(StreamStoreClient, RefusesTablesThatAreTooSmallOrIncomplete) {
    nmk_stream_store_table small = table;
    small.struct_size = table_size_1_0 - 8;
    EXPECT_THROW(wrap_stream_store_table(&small), StoreError);
    nmk_stream_store_table holed = table;
    holed.truncate = nullptr;
    EXPECT_THROW(wrap_stream_store_table(&holed), StoreError);
    EXPECT_THROW(wrap_stream_store_table(nullptr), StoreError);
}

TEST_F(StreamStoreClient, StatusesBecomeErrorsOrAnswers) {
    auto store = backend->open_store("/x", "{}");
    auto s = store->open_stream("ACC", "S");
    try {
        s->append(13, 1, "a", "", "p");
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.store_status(), NMK_STORE_NO_SPACE);
        EXPECT_STREQ(e.what(), "append: no space left on device");
    }
    try {
        s->append(0, 1, "a", "", "p");
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_STREQ(e.what(), "append: invalid argument") << "no text from the backend: the status's name";
    }
    EXPECT_THROW(s->truncate(5), StoreError);
    EXPECT_THROW(store->open_stream("ACC", "BROKEN"), StoreError);
    EXPECT_THROW(backend->open_store("/x", "refuse"), StoreError);
    EXPECT_NO_THROW(store->delete_stream("ACC", "MISSING")) << "NOT_FOUND: already gone";

    std::string payload;
    EXPECT_EQ(s->load(1, [&](const MessageView& m) { payload = m.payload; }), LoadResult::found);
    EXPECT_EQ(payload, "one");
    EXPECT_EQ(s->load(2, [](const MessageView&) {}), LoadResult::corrupt);
    EXPECT_EQ(s->load(3, [](const MessageView&) {}), LoadResult::not_found);
    EXPECT_EQ(s->load_last("x", [](const MessageView&) {}), LoadResult::not_found);
    EXPECT_TRUE(s->remove(1));
    EXPECT_FALSE(s->remove(2));
    EXPECT_EQ(s->purge("", 0, 0), 6u);
    EXPECT_EQ(s->compact(3), 2u);
    EXPECT_EQ(s->state().corrupt, 1u);
    EXPECT_TRUE(s->subject_state("a.b").has_value());
    EXPECT_FALSE(s->subject_state("x").has_value());
    EXPECT_EQ(s->sequence_for_time(0), 2u);
    int subjects = 0;
    s->subjects_state("", [&](std::string_view, const SubjectState&) { ++subjects; });
    EXPECT_EQ(subjects, 2);
    int synced = 0;
    s->sync([&](nmk_store_status status, std::string_view) { synced += status == NMK_STORE_OK ? 1 : 100; });
    EXPECT_EQ(synced, 1);
}

TEST_F(StreamStoreClient, TheCallersExceptionWaitsUntilTheBackendReturned) {
    auto store = backend->open_store("/x", "{}");
    auto s = store->open_stream("ACC", "S");
    EXPECT_THROW(s->load(1, [](const MessageView&) { throw std::runtime_error("consumer gone"); }), std::runtime_error);
    EXPECT_FALSE(c.inside_load) << "the backend finished its call before the exception went on";
    int listed = 0;
    EXPECT_THROW(store->list_streams([&](std::string_view, std::string_view, std::string_view) {
        ++listed;
        throw std::logic_error("stop");
    }),
                 std::logic_error);
    EXPECT_EQ(listed, 1) << "no further callback after the caller threw";
    EXPECT_THROW(s->subjects_state("", [](std::string_view, const SubjectState&) { throw 7; }), int);
}

TEST_F(StreamStoreClient, TheCStoreClosesAfterItsLastStream) {
    auto store = backend->open_store("/x", "{}");
    auto s = store->open_stream("ACC", "S");
    store.reset();
    EXPECT_EQ(c.stores_closed, 0) << "a Stream keeps its store open";
    s.reset();
    EXPECT_EQ(c.streams_closed, 1);
    EXPECT_EQ(c.stores_closed, 1);
    EXPECT_EQ(c.calls_after_close, 0) << "the stream was closed before its store";
}

TEST(StreamStoreFind, FollowsTheKindsVersion) {
    nats_sdk::testing::FakeHost fake;
    nats_sdk::Host host{fake.api(), "client_test"};
    EXPECT_EQ(find_stream_store_backend(host, "memory"), nullptr) << "kind not declared";
    host.declare_kind(kind_name, nats_sdk::KindVersion{1, 0}.packed());
    EXPECT_EQ(find_stream_store_backend(host, "memory"), nullptr) << "nothing registered";
    CBackend c;
    const nmk_stream_store_table table = c_table(&c);
    nats_sdk::register_extension(host, kind_name, {1, 0}, "memory", table);
    nats_sdk::KindVersion provider;
    auto backend = find_stream_store_backend(host, "memory", &provider);
    ASSERT_NE(backend, nullptr);
    EXPECT_EQ(provider, (nats_sdk::KindVersion{1, 0}));
    EXPECT_NE(find_stream_store_backend(host, ""), nullptr) << "empty name: the first registered";
    EXPECT_EQ(find_stream_store_backend(host, "file"), nullptr);
    auto store = backend->open_store("", "{}");
    EXPECT_EQ(store->open_stream("ACC", "S")->state().messages, 1u);
}

}  // namespace
