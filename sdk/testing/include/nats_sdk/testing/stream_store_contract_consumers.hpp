#pragma once
// StreamStoreContract, part 3: consumer records (jetstream.store 1.1). Included by
// stream_store_contract.hpp. A backend that keeps no consumer records (a 1.0 table:
// supports_consumer_records() is false) skips these tests; the SDK's own tests check that a
// 1.0 table answers NMK_STORE_UNSUPPORTED.

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "nats_sdk/testing/stream_store_contract_fixture.hpp"

namespace nats_sdk::testing {

// name -> (meta, state) of every record consumer_list reports.
using ConsumerRecords = std::map<std::string, std::pair<std::string, std::string>>;

inline ConsumerRecords listed_consumers(store::Stream& stream) {
    ConsumerRecords out;
    stream.consumer_list([&](const store::ConsumerRecordView& r) {
        const bool added =
            out.emplace(std::string(r.name), std::pair{std::string(r.meta), std::string(r.state)}).second;
        EXPECT_TRUE(added) << "consumer_list reported " << r.name << " twice";
    });
    return out;
}

// One line per record, so a mismatch prints readably (states are binary: shown by size and sum).
inline std::string describe_consumers(const ConsumerRecords& records) {
    std::string out;
    for (const auto& [name, record] : records) {
        std::uint64_t hash = 1469598103934665603ULL;
        for (const unsigned char c : record.second) {
            hash = (hash ^ c) * 1099511628211ULL;
        }
        out += name + " meta=" + record.first + " state=" + std::to_string(record.second.size()) + "B#" +
               std::to_string(hash) + "\n";
    }
    return out;
}

// A binary state as JetStream might encode one: sequences, NUL bytes and high bytes included.
inline std::string consumer_state_bytes(std::uint64_t delivered, std::size_t pending) {
    std::string out;
    out.push_back('\0');
    out.push_back(static_cast<char>(0xff));
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<char>((delivered >> (8 * i)) & 0xff));
    }
    for (std::size_t i = 0; i < pending; ++i) {
        out.push_back(static_cast<char>((delivered + i) & 0xff));
    }
    return out;
}

#define NATS_SDK_REQUIRE_CONSUMER_RECORDS()                                                    \
    if (!backend_->supports_consumer_records()) {                                              \
        GTEST_SKIP() << GetParam().name << " keeps no consumer records (jetstream.store 1.0)"; \
    }

TEST_P(StreamStoreContract, ConsumerRecordsArePutListedReplacedAndDeleted) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    auto store = open_store();
    auto s = store->open_stream("ACC", "ORDERS");
    EXPECT_TRUE(listed_consumers(*s).empty()) << "a new stream has no consumer records";

    ConsumerRecords model;
    s->consumer_put("DLC", R"({"durable_name":"DLC"})", consumer_state_bytes(1, 3));
    model["DLC"] = {R"({"durable_name":"DLC"})", consumer_state_bytes(1, 3)};
    s->consumer_put("other", R"({"durable_name":"other","ack_policy":"explicit"})", "");
    model["other"] = {R"({"durable_name":"other","ack_policy":"explicit"})", ""};
    s->consumer_put("empty", "", "");
    model["empty"] = {"", ""};
    EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model));

    s->consumer_put("DLC", R"({"durable_name":"DLC","max_deliver":5})", consumer_state_bytes(9, 1));
    model["DLC"] = {R"({"durable_name":"DLC","max_deliver":5})", consumer_state_bytes(9, 1)};
    EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model)) << "put replaces both strings";

    EXPECT_TRUE(s->consumer_put_state("other", consumer_state_bytes(42, 100)));
    model["other"].second = consumer_state_bytes(42, 100);
    EXPECT_TRUE(s->consumer_put_state("other", consumer_state_bytes(43, 10)));
    model["other"].second = consumer_state_bytes(43, 10);
    EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model))
        << "put_state replaces the state and keeps the meta";

    EXPECT_TRUE(s->consumer_delete("DLC"));
    model.erase("DLC");
    EXPECT_FALSE(s->consumer_delete("DLC")) << "deleting twice: the second finds nothing";
    EXPECT_FALSE(s->consumer_delete("never"));
    EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model));

    s->consumer_put("DLC", "again", "fresh");
    model["DLC"] = {"again", "fresh"};
    EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model)) << "a deleted name can come back";
}

TEST_P(StreamStoreContract, ConsumerPutStateNeedsAnExistingRecord) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    auto store = open_store();
    auto s = store->open_stream("ACC", "ORDERS");
    EXPECT_FALSE(s->consumer_put_state("missing", "state"));
    EXPECT_TRUE(listed_consumers(*s).empty()) << "a refused put_state creates nothing";
    s->consumer_put("gone", "meta", "state");
    ASSERT_TRUE(s->consumer_delete("gone"));
    EXPECT_FALSE(s->consumer_put_state("gone", "state 2"));
    EXPECT_TRUE(listed_consumers(*s).empty());
}

TEST_P(StreamStoreContract, ConsumerRecordNamesAreChecked) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    auto store = open_store();
    auto s = store->open_stream("ACC", "ORDERS");
    using namespace std::string_view_literals;
    for (const std::string_view name : {""sv, "."sv, ".."sv, ".hidden"sv, "a/b"sv, "/"sv, "../x"sv, "a\0b"sv}) {
        const std::string shown = "\"" + std::string(name) + "\" (" + std::to_string(name.size()) + " bytes)";
        EXPECT_EQ(error_status([&] { s->consumer_put(name, "meta", "state"); }), NMK_STORE_INVALID_ARGUMENT)
            << "put " << shown;
        EXPECT_EQ(error_status([&] { s->consumer_put_state(name, "state"); }), NMK_STORE_INVALID_ARGUMENT)
            << "put_state " << shown;
        EXPECT_EQ(error_status([&] { s->consumer_delete(name); }), NMK_STORE_INVALID_ARGUMENT) << "delete " << shown;
    }
    EXPECT_TRUE(listed_consumers(*s).empty());
    for (const std::string_view name : {"a"sv, "a.b"sv, "ÉLAN-1_x"sv, "with space"sv, "x."sv}) {
        EXPECT_NO_THROW(s->consumer_put(name, "meta", "state")) << name;
    }
    EXPECT_EQ(listed_consumers(*s).size(), 5u);
}

TEST_P(StreamStoreContract, ConsumerRecordsBelongToTheirStreamAndOutliveItsMessages) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    auto store = open_store();
    auto a = store->open_stream("A", "S");
    auto b = store->open_stream("B", "S");
    a->consumer_put("C", "meta a", "state a");
    b->consumer_put("C", "meta b", "state b");
    EXPECT_TRUE(a->consumer_put_state("C", "state a2"));
    EXPECT_EQ(describe_consumers(listed_consumers(*a)), describe_consumers({{"C", {"meta a", "state a2"}}}));
    EXPECT_EQ(describe_consumers(listed_consumers(*b)), describe_consumers({{"C", {"meta b", "state b"}}}));

    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
        a->append(seq, time_of(seq), "a.x", "", "payload");
    }
    a->remove(2);
    a->purge("", 0, 0);
    a->compact(20);
    EXPECT_EQ(describe_consumers(listed_consumers(*a)), describe_consumers({{"C", {"meta a", "state a2"}}}))
        << "remove, purge and compact leave consumer records alone";

    a.reset();
    a = store->open_stream("A", "S");
    EXPECT_EQ(describe_consumers(listed_consumers(*a)), describe_consumers({{"C", {"meta a", "state a2"}}}))
        << "closing and reopening a stream keeps its records";
}

TEST_P(StreamStoreContract, DeleteStreamDeletesItsConsumerRecords) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    auto store = open_store();
    {
        auto s = store->open_stream("ACC", "GONE");
        s->write_meta(R"({"name":"GONE"})");
        s->append(1, time_of(1), "gone.x", "", "payload");
        s->consumer_put("C1", "meta", "state");
        s->consumer_put("C2", "meta", "state");
        ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
    }
    auto kept = store->open_stream("ACC", "KEPT");
    kept->consumer_put("C1", "kept meta", "kept state");
    store->delete_stream("ACC", "GONE");
    auto s = store->open_stream("ACC", "GONE");
    EXPECT_TRUE(listed_consumers(*s).empty()) << "a deleted stream comes back without consumers";
    EXPECT_FALSE(s->consumer_put_state("C1", "state"));
    EXPECT_EQ(listed_consumers(*kept).size(), 1u);
}

TEST_P(StreamStoreContract, ConsumerRecordsSurviveAReopenedStore) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    if (!GetParam().persistent) {
        GTEST_SKIP() << GetParam().name << " does not persist";
    }
    const std::string big_state = consumer_state_bytes(7, 1 << 20);
    ConsumerRecords synced;
    {
        auto store = open_store();
        auto s = store->open_stream("ACC", "DURABLE");
        s->write_meta(R"({"name":"DURABLE"})");
        s->consumer_put("A", R"({"durable_name":"A"})", consumer_state_bytes(1, 0));
        s->consumer_put("B", R"({"durable_name":"B"})", consumer_state_bytes(1, 0));
        s->consumer_put("BIG", R"({"durable_name":"BIG"})", big_state);
        s->consumer_put("GONE", "meta", "state");
        for (std::uint64_t delivered = 2; delivered <= 50; ++delivered) {
            ASSERT_TRUE(s->consumer_put_state("A", consumer_state_bytes(delivered, delivered % 7)));
            if (delivered % 10 == 0) {
                ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);  // a state put on both sides of a sync
            }
        }
        s->consumer_put("B", R"({"durable_name":"B","description":"changed"})", consumer_state_bytes(3, 2));
        ASSERT_TRUE(s->consumer_delete("GONE"));
        ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
        synced = listed_consumers(*s);
        ASSERT_EQ(synced.size(), 3u);
        ASSERT_EQ(synced.at("BIG").second, big_state);
        ASSERT_EQ(synced.at("A").second, consumer_state_bytes(50, 50 % 7));
    }
    {
        auto store = open_store();
        auto s = store->open_stream("ACC", "DURABLE");
        EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(synced));
        // Puts after the last completed sync: each record is the synced one or the newer one.
        ASSERT_TRUE(s->consumer_put_state("A", consumer_state_bytes(51, 1)));
        s->consumer_put("B", "newer meta", "newer state");
    }
    auto store = open_store();
    auto s = store->open_stream("ACC", "DURABLE");
    const auto after = listed_consumers(*s);
    ASSERT_EQ(after.size(), 3u) << describe_consumers(after);
    const std::pair<std::string, std::string> newer_a{synced.at("A").first, consumer_state_bytes(51, 1)};
    EXPECT_TRUE(after.at("A") == synced.at("A") || after.at("A") == newer_a) << describe_consumers(after);
    const std::pair<std::string, std::string> newer_b{"newer meta", "newer state"};
    EXPECT_TRUE(after.at("B") == synced.at("B") || after.at("B") == newer_b)
        << "never the meta of one put with the state of another: " << describe_consumers(after);
    EXPECT_EQ(after.at("BIG"), synced.at("BIG"));
    EXPECT_FALSE(s->consumer_put_state("GONE", "state")) << "a synced delete stays deleted";
}

TEST_P(StreamStoreContract, ANonPersistentStoreStartsWithoutConsumerRecords) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    if (GetParam().persistent) {
        GTEST_SKIP() << GetParam().name << " persists";
    }
    {
        auto store = open_store();
        store->open_stream("ACC", "VOLATILE")->consumer_put("C", "meta", "state");
    }
    auto store = open_store();
    EXPECT_TRUE(listed_consumers(*store->open_stream("ACC", "VOLATILE")).empty());
}

TEST_P(StreamStoreContract, RandomConsumerRecordOperationsMatchAModel) {
    NATS_SDK_REQUIRE_CONSUMER_RECORDS();
    std::mt19937_64 rng(20261207);
    auto pick = [&](std::uint64_t n) { return rng() % n; };
    auto store = open_store();
    auto s = store->open_stream("ACC", "RANDOM");
    ConsumerRecords model;
    for (int op = 0; op < 600; ++op) {
        const std::string name = "C" + std::to_string(pick(6));
        const std::uint64_t roll = pick(100);
        if (roll < 20) {
            const std::string meta = R"({"durable_name":")" + name + R"(","op":)" + std::to_string(op) + "}";
            const std::string state = consumer_state_bytes(static_cast<std::uint64_t>(op), pick(300));
            s->consumer_put(name, meta, state);
            model[name] = {meta, state};
        } else if (roll < 80) {
            const std::string state = consumer_state_bytes(static_cast<std::uint64_t>(op), pick(300));
            const bool exists = model.count(name) == 1;
            ASSERT_EQ(s->consumer_put_state(name, state), exists) << "op " << op << " put_state " << name;
            if (exists) {
                model[name].second = state;
            }
        } else if (roll < 90) {
            ASSERT_EQ(s->consumer_delete(name), model.erase(name) == 1) << "op " << op << " delete " << name;
        } else {
            ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
        }
        if (op % 50 == 49) {
            ASSERT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model)) << "after op " << op;
        }
    }
    if (GetParam().persistent) {
        ASSERT_EQ(sync_and_wait(*s).status, NMK_STORE_OK);
        s.reset();
        store.reset();
        store = open_store();
        s = store->open_stream("ACC", "RANDOM");
    }
    EXPECT_EQ(describe_consumers(listed_consumers(*s)), describe_consumers(model));
}

#undef NATS_SDK_REQUIRE_CONSUMER_RECORDS

}  // namespace nats_sdk::testing
