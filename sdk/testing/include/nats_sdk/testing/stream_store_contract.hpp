#pragma once
// StreamStoreContract: the GoogleTest suite every stream store backend (kind
// "jetstream.store" 1.1, nats_sdk/kinds/stream_store.h) passes. Include this header in
// exactly one source file of a test program and instantiate it:
//
//   using nats_sdk::testing::StreamStoreContract;  // the macro needs the bare name
//   INSTANTIATE_TEST_SUITE_P(Mine, StreamStoreContract, ::testing::Values(
//       nats_sdk::testing::StreamStoreContractCase{
//           .name = "my_store",
//           .factory = [] { return nats_sdk::testing::load_stream_store_plugin(MY_STORE_PLUGIN, "{}", "mine"); },
//           .options_json = R"({"sync": "always"})",
//           .persistent = true,
//           .message_bytes = nats_sdk::testing::file_store_bytes,
//           .corrupt = flip_a_payload_byte}),
//       nats_sdk::testing::case_name);
//
// Each test gets a fresh backend from the factory and a fresh root directory. The
// expectations are nats-server 2.9.10's memstore answers (ReferenceStream), byte counts
// excepted: those come from the case's message_bytes. Part 1 (one stream's messages) is
// stream_store_contract_messages.hpp, part 3 (consumer records, skipped for a backend
// without them) stream_store_contract_consumers.hpp; this file has the rest: sync, metadata
// and the list of streams, deletion, separate streams, threads, reopening, corruption, bad
// options, and a long run of random operations checked against the model.

#include <atomic>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "nats_sdk/testing/case_name.hpp"
#include "nats_sdk/testing/stream_store_contract_consumers.hpp"
#include "nats_sdk/testing/stream_store_contract_fixture.hpp"
#include "nats_sdk/testing/stream_store_contract_messages.hpp"

namespace nats_sdk::testing {

// (account, stream) -> meta of every stream list_streams reports.
inline std::map<std::pair<std::string, std::string>, std::string> listed_streams(store::Store& store) {
    std::map<std::pair<std::string, std::string>, std::string> out;
    store.list_streams([&](std::string_view account, std::string_view stream, std::string_view meta) {
        const bool added = out.emplace(std::pair{std::string(account), std::string(stream)}, std::string(meta)).second;
        EXPECT_TRUE(added) << "list_streams reported " << account << "/" << stream << " twice";
    });
    return out;
}

TEST_P(StreamStoreContract, SyncCallsItsCompletionExactlyOnce) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "SYNC");
    auto outcome = sync_and_wait(*s);
    EXPECT_EQ(outcome.calls, 1) << "sync on an empty stream";
    EXPECT_EQ(outcome.status, NMK_STORE_OK) << outcome.error;
    for (std::uint64_t seq = 1; seq <= 100; ++seq) {
        s->append(seq, time_of(seq), "sync.x", "", "payload");
    }
    for (int round = 0; round < 3; ++round) {
        outcome = sync_and_wait(*s);
        EXPECT_EQ(outcome.calls, 1) << "round " << round;
        EXPECT_EQ(outcome.status, NMK_STORE_OK) << outcome.error;
        EXPECT_EQ(outcome.error, "");
    }
}

TEST_P(StreamStoreContract, MetaIsListedWithItsStream) {
    auto store = open_store();
    {
        auto orders = store->open_stream("ACC", "ORDERS");
        orders->write_meta(R"({"name":"ORDERS","subjects":["orders.>"]})");
        orders->write_meta(R"({"name":"ORDERS","subjects":["orders.>"],"max_msgs":10})");
        auto other = store->open_stream("OTHER", "ORDERS");
        other->write_meta(R"({"name":"ORDERS","description":"élan"})");
        const auto listed = listed_streams(*store);
        EXPECT_EQ(listed.at({"ACC", "ORDERS"}), R"({"name":"ORDERS","subjects":["orders.>"],"max_msgs":10})")
            << "write_meta replaces the metadata";
        EXPECT_EQ(listed.at({"OTHER", "ORDERS"}), R"({"name":"ORDERS","description":"élan"})");
    }
    const auto listed = listed_streams(*store);
    EXPECT_EQ(listed.size(), 2u) << "closing a stream does not remove it";
    EXPECT_EQ(listed.count({"ACC", "ORDERS"}), 1u);
}

TEST_P(StreamStoreContract, DeleteStreamRemovesItsData) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "GONE");
    s->write_meta(R"({"name":"GONE"})");
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
        s->append(seq, time_of(seq), "gone.x", "", "payload");
    }
    auto kept = store->open_stream("ACC", "KEPT");
    kept->write_meta(R"({"name":"KEPT"})");
    kept->append(1, time_of(1), "kept.x", "", "payload");
    s.reset();
    store->delete_stream("ACC", "GONE");
    const auto listed = listed_streams(*store);
    EXPECT_EQ(listed.count({"ACC", "GONE"}), 0u);
    EXPECT_EQ(listed.count({"ACC", "KEPT"}), 1u);
    s = store->open_stream("ACC", "GONE");
    const auto st = s->state();
    EXPECT_EQ(st.messages, 0u);
    EXPECT_EQ(st.first_sequence, 0u) << "a deleted stream comes back as a new one";
    EXPECT_EQ(st.last_sequence, 0u);
    EXPECT_EQ(kept->state().messages, 1u);
}

TEST_P(StreamStoreContract, DeletingAnUnknownStreamIsNotAnError) {
    auto store = open_store();
    EXPECT_NO_THROW(store->delete_stream("ACC", "NEVER_CREATED"));
}

TEST_P(StreamStoreContract, StreamsAreSeparate) {
    auto store = open_store();
    auto a = store->open_stream("A", "S");
    auto b = store->open_stream("B", "S");
    auto c = store->open_stream("A", "T");
    auto ma = reference();
    auto mb = reference();
    auto mc = reference();
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
        add(*a, ma, seq, "a.x");
    }
    add(*c, mc, 7, "c.x");
    expect_same(*a, ma, {"", "a.x", "c.x"});
    expect_same(*b, mb, {"", "a.x", "c.x"});
    expect_same(*c, mc, {"", "a.x", "c.x"});
}

TEST_P(StreamStoreContract, AReopenedStreamKeepsItsMessages) {
    auto store = open_store();
    auto model = reference();
    {
        auto s = store->open_stream("ACC", "AGAIN");
        fill_orders(*s, model);
        s->remove(5);
        model.remove(5);
    }
    auto s = store->open_stream("ACC", "AGAIN");
    expect_same(*s, model, filters());
    add(*s, model, 13, "orders.new");
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, DifferentStreamsWorkFromDifferentThreadsAtOnce) {
    auto store = open_store();
    constexpr int threads = 4;
    constexpr std::uint64_t per_thread = 2000;
    std::vector<std::unique_ptr<store::Stream>> streams;
    for (int i = 0; i < threads; ++i) {
        streams.push_back(store->open_stream("ACC", "THREAD" + std::to_string(i)));
    }
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&, i] {
            auto& s = *streams[static_cast<std::size_t>(i)];
            try {
                for (std::uint64_t seq = 1; seq <= per_thread; ++seq) {
                    s.append(seq, time_of(seq), "t." + std::to_string(i) + "." + std::to_string(seq % 10), "",
                             std::string(seq % 40, 'x'));
                    if (seq % 100 == 0 && s.load(seq - 50, [](const store::MessageView&) {}) != store::LoadResult::found) {
                        ++failures;
                    }
                }
                s.remove(per_thread / 2);
            } catch (...) {
                ++failures;
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    EXPECT_EQ(failures.load(), 0);
    for (int i = 0; i < threads; ++i) {
        const auto st = streams[static_cast<std::size_t>(i)]->state();
        EXPECT_EQ(st.messages, per_thread - 1);
        EXPECT_EQ(st.last_sequence, per_thread);
        EXPECT_EQ(st.subjects, 10u);
    }
}

TEST_P(StreamStoreContract, OpenStoreRefusesOptionsThatAreNotAnObject) {
    for (const char* options : {"not json", "[1, 2]", "42", "{\"sync\":", "\"text\""}) {
        std::string message;
        EXPECT_EQ(error_status([&] { backend_->open_store(dir_.path().string(), options); }, &message),
                  NMK_STORE_INVALID_ARGUMENT)
            << "options " << options;
    }
}

TEST_P(StreamStoreContract, AReopenedStoreKeepsEverything) {
    if (!GetParam().persistent) {
        GTEST_SKIP() << GetParam().name << " does not persist";
    }
    auto model = reference();
    auto purged = reference();
    {
        auto store = open_store();
        auto s = store->open_stream("ACC", "DURABLE");
        s->write_meta(R"({"name":"DURABLE"})");
        fill_orders(*s, model);
        s->remove(5);
        model.remove(5);
        s->purge("stock.>", 0, 0);
        model.purge("stock.>", 0, 0);
        add(*s, model, 13, "orders.new", "with headers", "NATS/1.0\r\nNats-Msg-Id: 1\r\n\r\n");
        auto p = store->open_stream("ACC", "PURGED");
        p->write_meta(R"({"name":"PURGED"})");
        for (std::uint64_t seq = 1; seq <= 3; ++seq) {
            add(*p, purged, seq, "p.x");
        }
        p->purge("", 0, 0);
        purged.purge("", 0, 0);
        p->compact(10);
        purged.compact(10);
        EXPECT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
        EXPECT_EQ(sync_and_wait(*p).status, NMK_STORE_OK);
    }
    auto store = open_store();
    const auto listed = listed_streams(*store);
    ASSERT_EQ(listed.count({"ACC", "DURABLE"}), 1u);
    EXPECT_EQ(listed.at({"ACC", "DURABLE"}), R"({"name":"DURABLE"})");
    EXPECT_EQ(listed.at({"ACC", "PURGED"}), R"({"name":"PURGED"})");
    auto s = store->open_stream("ACC", "DURABLE");
    expect_same(*s, model, filters());
    EXPECT_EQ(s->state().corrupt, 0u);
    auto p = store->open_stream("ACC", "PURGED");
    EXPECT_EQ(p->state().first_sequence, 10u);
    EXPECT_EQ(p->state().last_sequence, 9u);
    expect_same(*p, purged, {""});
    add(*p, purged, 10, "p.x");
    expect_same(*p, purged, {""});
}

TEST_P(StreamStoreContract, ANonPersistentStoreStartsEmpty) {
    if (GetParam().persistent) {
        GTEST_SKIP() << GetParam().name << " persists";
    }
    {
        auto store = open_store();
        auto s = store->open_stream("ACC", "VOLATILE");
        s->write_meta(R"({"name":"VOLATILE"})");
        s->append(1, time_of(1), "v.x", "", "payload");
    }
    auto store = open_store();
    EXPECT_TRUE(listed_streams(*store).empty());
    EXPECT_EQ(store->open_stream("ACC", "VOLATILE")->state().messages, 0u);
}

TEST_P(StreamStoreContract, ACorruptRecordIsNeverServed) {
    if (!GetParam().corrupt) {
        GTEST_SKIP() << GetParam().name << " gives no way to corrupt a record";
    }
    std::vector<store::StoredMessage> written;
    {
        auto store = open_store();
        auto s = store->open_stream("ACC", "CORRUPT");
        for (std::uint64_t seq = 1; seq <= 5; ++seq) {
            const std::string subject = "c." + std::to_string(seq % 2);
            const std::string payload = "message number " + std::to_string(seq);
            s->append(seq, time_of(seq), subject, "", payload);
            written.push_back({seq, time_of(seq), subject, "", payload});
        }
        ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
    }
    GetParam().corrupt(dir_.path(), "ACC", "CORRUPT", 3);
    auto store = open_store();
    auto s = store->open_stream("ACC", "CORRUPT");
    int served = 0;
    const auto result = s->load(3, [&](const store::MessageView&) { ++served; });
    EXPECT_NE(result, store::LoadResult::found) << "the corrupt record was served";
    EXPECT_EQ(served, 0);
    for (const auto& m : written) {
        if (m.sequence != 3) {
            EXPECT_EQ(describe(load(*s, m.sequence)), describe(&m)) << "an intact record is readable";
        }
    }
    EXPECT_EQ(describe(next(*s, 3, "")), describe(&written[3])) << "load_next skips the corrupt record";
    EXPECT_EQ(describe(next(*s, 2, "c.1")), describe(&written[4]));
    EXPECT_GE(s->state().corrupt, 1u) << "the corrupt record is counted";
}

TEST_P(StreamStoreContract, RandomOperationsMatchTheReference) {
    std::mt19937_64 rng(20261207);
    auto pick = [&](std::uint64_t n) { return n == 0 ? 0 : rng() % n; };
    const char* const subjects[] = {"orders.new", "orders.eu.paid", "orders.us.paid", "stock.eu.x",
                                    "stock.new",  "orders.x",       "kv.a",           "kv.b.c"};
    auto store = open_store();
    auto s = store->open_stream("ACC", "RANDOM");
    auto model = reference();
    for (int op = 0; op < 1500; ++op) {
        const auto st = model.state();
        const std::uint64_t roll = pick(100);
        std::string what;
        if (roll < 55) {
            const std::uint64_t seq = st.last_sequence + 1 + (pick(10) == 0 ? 1 + pick(3) : 0);
            const std::string payload(pick(64), static_cast<char>('a' + pick(26)));
            const char* headers = pick(4) == 0 ? "NATS/1.0\r\nNats-Msg-Id: r\r\n\r\n" : "";
            what = "append " + std::to_string(seq);
            add(*s, model, seq, subjects[pick(8)], payload, headers);
        } else if (roll < 70) {
            const std::uint64_t seq = st.first_sequence + pick(st.last_sequence - st.first_sequence + 3) - 1;
            what = "remove " + std::to_string(seq);
            ASSERT_EQ(s->remove(seq), model.remove(seq)) << what;
        } else if (roll < 78) {
            const std::string& filter = filters()[pick(filters().size())];
            const std::uint64_t mode = pick(3);
            const std::uint64_t below = mode == 1 ? st.first_sequence + pick(st.messages + 2) : 0;
            const std::uint64_t keep = mode == 2 ? 1 + pick(5) : 0;
            what = "purge '" + filter + "' below " + std::to_string(below) + " keep " + std::to_string(keep);
            ASSERT_EQ(s->purge(filter, below, keep), *model.purge(filter, below, keep)) << what;
        } else if (roll < 82) {
            const std::uint64_t seq = st.first_sequence + pick(st.messages + 3);
            what = "compact " + std::to_string(seq);
            ASSERT_EQ(s->compact(seq), model.compact(seq)) << what;
        } else if (roll < 85 && st.messages > 0) {
            auto it = model.messages().begin();
            std::advance(it, static_cast<std::ptrdiff_t>(pick(st.messages)));
            const std::uint64_t seq = it->first;
            what = "truncate " + std::to_string(seq);
            s->truncate(seq);
            model.truncate(seq);
        } else {
            const std::uint64_t seq = pick(st.last_sequence + 2);
            const std::string& filter = filters()[pick(filters().size())];
            what = "loads at " + std::to_string(seq) + " '" + filter + "'";
            ASSERT_EQ(describe(load(*s, seq)), describe(model.load(seq))) << what;
            ASSERT_EQ(describe(next(*s, seq, filter)), describe(model.load_next(seq, filter))) << what;
            ASSERT_EQ(describe(last(*s, filter)), describe(model.load_last(filter))) << what;
        }
        ASSERT_EQ(describe(s->state()), describe(model.state())) << "after op " << op << ": " << what;
        if (op % 250 == 249) {
            expect_same(*s, model, filters());
        }
    }
    if (GetParam().persistent) {
        ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
        s.reset();
        store.reset();  // one store per root at a time
        store = open_store();
        s = store->open_stream("ACC", "RANDOM");
        expect_same(*s, model, filters());
    }
}

}  // namespace nats_sdk::testing
