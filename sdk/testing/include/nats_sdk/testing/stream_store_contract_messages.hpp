#pragma once
// StreamStoreContract, part 1: what one open stream does with its messages (append, load,
// filters, remove, purge, compact, truncate, state, subjects, times). Included by
// stream_store_contract.hpp; every expectation comes from ReferenceStream.

#include <cstdint>
#include <string>

#include "nats_sdk/testing/stream_store_contract_fixture.hpp"

namespace nats_sdk::testing {

TEST_P(StreamStoreContract, AFreshStreamIsEmptyAtSequenceZero) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "FRESH");
    const auto model = reference();
    const auto st = s->state();
    EXPECT_EQ(st.first_sequence, 0u) << "nats-server reports 0 and 0 for a stream that never held a message";
    EXPECT_EQ(st.last_sequence, 0u);
    EXPECT_EQ(st.corrupt, 0u);
    expect_same(*s, model, filters());
    EXPECT_EQ(s->sequence_for_time(0), 1u);
}

TEST_P(StreamStoreContract, AppendThenLoadReturnsEveryByte) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "BYTES");
    auto model = reference();
    const std::string binary("\0\x01\xff\r\n\0", 6);
    const std::string big(1 << 20, 'b');
    add(*s, model, 1, "orders.new", "hello");
    add(*s, model, 2, "orders.new", "", "NATS/1.0\r\nNats-Msg-Id: 42\r\n\r\n");
    add(*s, model, 3, "orders.eu.paid", binary, "NATS/1.0\r\nA: b\r\n\r\n");
    add(*s, model, 4, "big", big);
    const auto got = load(*s, 3);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->subject, "orders.eu.paid");
    EXPECT_EQ(got->headers, "NATS/1.0\r\nA: b\r\n\r\n");
    EXPECT_EQ(got->payload, binary);
    EXPECT_EQ(got->time_ns, time_of(3));
    EXPECT_EQ(load(*s, 4)->payload, big);
    EXPECT_EQ(s->state().bytes, GetParam().message_bytes("orders.new", "", "hello") +
                                    GetParam().message_bytes("orders.new", "NATS/1.0\r\nNats-Msg-Id: 42\r\n\r\n", "") +
                                    GetParam().message_bytes("orders.eu.paid", "NATS/1.0\r\nA: b\r\n\r\n", binary) +
                                    GetParam().message_bytes("big", "", big));
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, AppendRefusesASequenceNotAboveTheLast) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "ORDER");
    auto model = reference();
    std::string message;
    EXPECT_EQ(error_status([&] { s->append(0, time_of(0), "a", "", "x"); }, &message), NMK_STORE_INVALID_ARGUMENT);
    EXPECT_FALSE(message.empty()) << "an error carries the backend's message";
    add(*s, model, 5, "a");
    EXPECT_EQ(error_status([&] { s->append(5, time_of(5), "a", "", "x"); }), NMK_STORE_INVALID_ARGUMENT);
    EXPECT_EQ(error_status([&] { s->append(3, time_of(3), "a", "", "x"); }), NMK_STORE_INVALID_ARGUMENT);
    EXPECT_EQ(error_status([&] { s->append(6, time_of(6), "", "", "x"); }), NMK_STORE_INVALID_ARGUMENT)
        << "an empty subject";
    add(*s, model, 6, "a");
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, GapsInSequencesCountAsDeleted) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "GAPS");
    auto model = reference();
    add(*s, model, 10, "a.b");  // a mirror starting late: 1..9 are not "deleted"
    EXPECT_EQ(s->state().first_sequence, 10u);
    EXPECT_EQ(s->state().deleted, 0u);
    add(*s, model, 11, "a.c");
    add(*s, model, 15, "a.b");
    add(*s, model, 20, "a.d");
    EXPECT_EQ(s->state().deleted, 7u);
    EXPECT_EQ(describe(next(*s, 12, "")), describe(model.load(15)));
    expect_same(*s, model, {"", "a.b", "a.*"});
}

TEST_P(StreamStoreContract, LoadNextAndLoadLastFollowFiltersAndWildcards) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "FILTERS");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(next(*s, 0, "orders.*")->sequence, 1u);
    EXPECT_EQ(next(*s, 2, "orders.*")->sequence, 5u);
    EXPECT_EQ(next(*s, 0, "*.eu.*")->sequence, 2u);
    EXPECT_EQ(last(*s, "orders.>")->sequence, 11u);
    EXPECT_EQ(last(*s, "orders.eu.paid")->sequence, 8u);
    EXPECT_FALSE(next(*s, 13, "").has_value());
    EXPECT_FALSE(last(*s, "none.here").has_value());
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, RemoveDeletesOneMessage) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "REMOVE");
    auto model = reference();
    fill_orders(*s, model);
    for (const std::uint64_t seq : {5u, 5u, 4u, 99u, 1u, 12u, 2u}) {
        EXPECT_EQ(s->remove(seq), model.remove(seq)) << "remove(" << seq << ")";
        expect_same(*s, model, filters());
    }
    EXPECT_EQ(s->state().last_sequence, 12u) << "removing the last message keeps last_sequence";
    for (const std::uint64_t seq : {3u, 6u, 7u, 8u, 10u, 11u}) {
        EXPECT_TRUE(s->remove(seq));
        model.remove(seq);
    }
    const auto st = s->state();
    EXPECT_EQ(st.messages, 0u);
    EXPECT_EQ(st.first_sequence, 13u) << "an emptied stream starts at last + 1";
    EXPECT_EQ(st.first_time_ns, 0);
    EXPECT_EQ(st.last_time_ns, time_of(12));
    expect_same(*s, model, filters());
    add(*s, model, 13, "after");
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, PurgeRemovesEverythingAndKeepsTheNextSequence) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "PURGE");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(s->purge("", 0, 0), 10u);
    model.purge("", 0, 0);
    expect_same(*s, model, filters());
    EXPECT_EQ(s->state().first_sequence, 13u);
    add(*s, model, 13, "orders.new");
    EXPECT_EQ(s->purge(">", 1, 0), 1u) << "'>' and below 1 mean everything, as in nats-server";
    model.purge(">", 1, 0);
    expect_same(*s, model, filters());

    auto fresh = store->open_stream("ACC", "PURGE_FRESH");
    auto empty = reference();
    EXPECT_EQ(fresh->purge("", 0, 0), 0u);
    empty.purge("", 0, 0);
    EXPECT_EQ(fresh->state().first_sequence, 1u) << "nats-server: purging an empty stream sets first to last + 1";
    expect_same(*fresh, empty, {""});
}

TEST_P(StreamStoreContract, PurgeBySubjectFilter) {
    auto store = open_store();
    int i = 0;
    for (const std::string filter : {"orders.*", "orders.>", "*.eu.*", "orders.new", "none.here"}) {
        auto s = store->open_stream("ACC", "FILTER" + std::to_string(i++));
        auto model = reference();
        fill_orders(*s, model);
        EXPECT_EQ(s->purge(filter, 0, 0), *model.purge(filter, 0, 0)) << "purge('" << filter << "')";
        expect_same(*s, model, filters());
    }
}

TEST_P(StreamStoreContract, PurgeBelowASequence) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "BELOW");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(s->purge("orders.*", 8, 0), 2u);  // 1 and 5 (orders.eu.paid has three tokens)
    model.purge("orders.*", 8, 0);
    expect_same(*s, model, filters());
    EXPECT_EQ(s->purge("stock.>", 1, 0), 3u) << "below 1 is no bound, as in nats-server";
    model.purge("stock.>", 1, 0);
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, PurgeKeepsTheNewestOfTheMatchingMessages) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "KEEP");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(s->purge("orders.new", 0, 5), 0u) << "keep above the count purges nothing";
    EXPECT_EQ(s->purge("orders.>", 0, 2), 5u);
    model.purge("orders.>", 0, 2);
    expect_same(*s, model, filters());
    // No filter: nats-server compacts at last - keep + 1, so with gaps fewer may stay.
    s->remove(11);
    model.remove(11);
    EXPECT_EQ(s->purge("", 0, 3), *model.purge("", 0, 3));
    expect_same(*s, model, filters());
    EXPECT_EQ(s->purge("", 0, 100), 0u);
}

TEST_P(StreamStoreContract, PurgeRefusesABoundWithKeep) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "MISMATCH");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(error_status([&] { s->purge("orders.*", 5, 1); }), NMK_STORE_INVALID_ARGUMENT);
    EXPECT_EQ(error_status([&] { s->purge("", 5, 1); }), NMK_STORE_INVALID_ARGUMENT);
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, PurgeWithoutFilterBelowASequenceCompacts) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "PCOMPACT");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(s->purge("", 6, 0), 4u);
    model.purge("", 6, 0);
    expect_same(*s, model, filters());
    EXPECT_EQ(s->purge("", 40, 0), 6u);
    model.purge("", 40, 0);
    EXPECT_EQ(s->state().first_sequence, 40u);
    EXPECT_EQ(s->state().last_sequence, 39u);
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, CompactRemovesEverythingBelow) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "COMPACT");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(s->compact(1), 0u);
    EXPECT_EQ(s->compact(3), 2u);
    model.compact(3);
    expect_same(*s, model, filters());
    EXPECT_EQ(s->compact(4), 1u) << "compact onto a deleted sequence: first becomes the next message";
    model.compact(4);
    EXPECT_EQ(s->state().first_sequence, 5u);
    expect_same(*s, model, filters());
    EXPECT_EQ(s->compact(2), 0u);
    EXPECT_EQ(s->compact(20), 7u) << "past the end: everything goes and the stream starts there";
    model.compact(20);
    EXPECT_EQ(s->state().first_sequence, 20u);
    EXPECT_EQ(s->state().last_sequence, 19u);
    EXPECT_EQ(s->state().last_time_ns, time_of(12));
    EXPECT_EQ(error_status([&] { s->append(19, time_of(19), "a", "", "x"); }), NMK_STORE_INVALID_ARGUMENT);
    add(*s, model, 20, "orders.new");
    expect_same(*s, model, filters());
    add(*s, model, 21, "orders.new");
    EXPECT_EQ(s->compact(0), 2u) << "compact(0) purges";
    model.compact(0);
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, TruncateRemovesEverythingAbove) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "TRUNCATE");
    auto model = reference();
    fill_orders(*s, model);
    s->truncate(12);
    expect_same(*s, model, filters());
    s->truncate(7);
    model.truncate(7);
    EXPECT_EQ(s->state().last_sequence, 7u);
    EXPECT_EQ(s->state().last_time_ns, time_of(7));
    expect_same(*s, model, filters());
    add(*s, model, 8, "orders.x");
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, SubjectStateFollowsRemovals) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "SUBJECTS");
    auto model = reference();
    fill_orders(*s, model);
    auto st = s->subject_state("orders.new");
    ASSERT_TRUE(st.has_value());
    EXPECT_EQ(st->messages, 3u);
    EXPECT_EQ(st->first_sequence, 1u);
    EXPECT_EQ(st->last_sequence, 10u);
    s->remove(1);
    model.remove(1);
    EXPECT_EQ(s->subject_state("orders.new")->first_sequence, 5u);
    s->remove(10);
    model.remove(10);
    EXPECT_EQ(s->subject_state("orders.new")->last_sequence, 5u);
    s->remove(5);
    model.remove(5);
    EXPECT_FALSE(s->subject_state("orders.new").has_value());
    EXPECT_FALSE(s->subject_state("orders.*").has_value()) << "subject_state takes a literal subject";
    EXPECT_EQ(s->state().subjects, 5u);
    expect_same(*s, model, filters());
}

TEST_P(StreamStoreContract, SequenceForTimeFindsTheFirstAtOrAfter) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "TIMES");
    auto model = reference();
    fill_orders(*s, model);
    EXPECT_EQ(s->sequence_for_time(0), 1u);
    EXPECT_EQ(s->sequence_for_time(time_of(5)), 5u);
    EXPECT_EQ(s->sequence_for_time(time_of(4)), 5u) << "4 is a gap: the next message";
    EXPECT_EQ(s->sequence_for_time(time_of(5) + 1), 6u);
    EXPECT_EQ(s->sequence_for_time(time_of(12)), 12u);
    EXPECT_EQ(s->sequence_for_time(time_of(12) + 1), 13u);
    s->remove(1);
    EXPECT_EQ(s->sequence_for_time(0), 2u);
}

TEST_P(StreamStoreContract, StateCountsBytesSubjectsAndTimes) {
    auto store = open_store();
    auto s = store->open_stream("ACC", "STATE");
    auto model = reference();
    for (std::uint64_t seq = 1; seq <= 300; ++seq) {
        const std::string subject = "state." + std::to_string(seq % 7);
        add(*s, model, seq, subject, std::string(seq % 50, 'p'), seq % 3 == 0 ? "NATS/1.0\r\nK: v\r\n\r\n" : "");
    }
    for (std::uint64_t seq = 2; seq <= 300; seq += 3) {
        s->remove(seq);
        model.remove(seq);
    }
    const auto st = s->state();
    EXPECT_EQ(st.messages, 200u);
    EXPECT_EQ(st.deleted, 100u);
    EXPECT_EQ(st.subjects, 7u);
    EXPECT_EQ(st.first_time_ns, time_of(1));
    EXPECT_EQ(st.last_time_ns, time_of(300));
    expect_same(*s, model, {"", "state.*", "state.3"});
}

}  // namespace nats_sdk::testing
