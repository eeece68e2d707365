// MessageLog's own layout: what the contract suite cannot see (gaps that cost nothing,
// tombstones squeezed out, the many-subjects path of wildcard filters, failed appends that
// change nothing). The semantics themselves are the contract suite's.

#include <malloc.h>

#include <cstdint>
#include <ctime>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/sanitizers.hpp"

#include "plugins/store_memory/message_log.hpp"

namespace nats::store_memory {
namespace {

using nats_sdk::store::LoadResult;
using nats_sdk::store::MessageView;
using nats_sdk::store::StoreError;

// The sequence found, 0 when none.
std::uint64_t next_sequence(const MessageLog& log, std::uint64_t start, std::string_view filter) {
    std::uint64_t seen = 0;
    const auto result = log.load_next(start, filter, [&](const MessageView& m) { seen = m.sequence; });
    return result == LoadResult::found ? seen : 0;
}

std::uint64_t last_sequence(const MessageLog& log, std::string_view filter) {
    std::uint64_t seen = 0;
    const auto result = log.load_last(filter, [&](const MessageView& m) { seen = m.sequence; });
    return result == LoadResult::found ? seen : 0;
}

TEST(MessageLog, AHugeGapCostsNoEntries) {
    MessageLog log;
    log.append(1, 10, "a", "", "x");
    log.append(1'000'000'000'000ULL, 20, "b", "", "y");
    EXPECT_EQ(log.entries(), 2u);
    EXPECT_EQ(log.state().deleted, 1'000'000'000'000ULL - 2);
    EXPECT_EQ(next_sequence(log, 2, ""), 1'000'000'000'000ULL);
    std::string payload;
    EXPECT_EQ(log.load(1'000'000'000'000ULL, [&](const MessageView& m) { payload = m.payload; }), LoadResult::found);
    EXPECT_EQ(payload, "y");
    EXPECT_EQ(log.load(999, [](const MessageView&) {}), LoadResult::not_found);
    EXPECT_EQ(log.sequence_for_time(15), 1'000'000'000'000ULL);
}

TEST(MessageLog, TombstonesAreSqueezedOutPastHalf) {
    MessageLog log;
    for (std::uint64_t seq = 1; seq <= 10'000; ++seq) {
        log.append(seq, static_cast<std::int64_t>(seq), "s." + std::to_string(seq % 3), "", "p");
    }
    for (std::uint64_t seq = 2; seq < 10'000; seq += 2) {
        ASSERT_TRUE(log.remove(seq));
    }
    EXPECT_LE(log.tombstones() * 2, log.entries() + 2) << "tombstones stay under half the entries";
    for (std::uint64_t seq = 1; seq <= 10'000; seq += 997) {
        const bool held = seq % 2 == 1 || seq == 10'000;
        EXPECT_EQ(log.load(seq, [](const MessageView&) {}), held ? LoadResult::found : LoadResult::not_found) << seq;
    }
    EXPECT_EQ(next_sequence(log, 2, ""), 3u);
    EXPECT_EQ(log.sequence_for_time(2), 3u);
    EXPECT_EQ(log.state().messages, 5001u);
    EXPECT_EQ(log.state().deleted, 4999u);
}

TEST(MessageLog, ManySubjectsUseThePerRecordMatch) {
    MessageLog log;
    for (std::uint64_t seq = 1; seq <= 1000; ++seq) {  // 1000 subjects: past the 256 of a selection set
        log.append(seq, static_cast<std::int64_t>(seq), "kv.bucket." + std::to_string(seq), "", "v");
    }
    log.append(1001, 1001, "other.x", "", "v");
    EXPECT_EQ(next_sequence(log, 500, "kv.bucket.*"), 500u);
    EXPECT_EQ(last_sequence(log, "kv.>"), 1000u);
    EXPECT_EQ(last_sequence(log, "other.*"), 1001u);
    EXPECT_EQ(next_sequence(log, 0, "none.*"), 0u);
    EXPECT_EQ(log.purge("kv.bucket.*", 0, 10), 990u);
    EXPECT_EQ(log.state().subjects, 11u);
    EXPECT_EQ(next_sequence(log, 0, "kv.>"), 991u);
}

TEST(MessageLog, SubjectBoundsFollowBatchedRemovals) {
    MessageLog log;
    for (std::uint64_t seq = 1; seq <= 60; ++seq) {
        log.append(seq, static_cast<std::int64_t>(seq), "t." + std::to_string(seq % 6), "", "p");
    }
    EXPECT_EQ(log.compact(20), 19u);  // t.0 kept 24.., t.1 kept 25.., ... t.2 kept 20..
    EXPECT_EQ(log.subject_state("t.2")->first_sequence, 20u);
    EXPECT_EQ(log.subject_state("t.1")->first_sequence, 25u);
    log.truncate(50);
    EXPECT_EQ(log.subject_state("t.3")->last_sequence, 45u);
    EXPECT_EQ(log.subject_state("t.2")->last_sequence, 50u);
    EXPECT_EQ(log.purge("t.2", 0, 1), 5u);
    EXPECT_EQ(log.subject_state("t.2")->first_sequence, 50u);
    EXPECT_EQ(log.subject_state("t.2")->messages, 1u);
}

TEST(MessageLog, ARefusedAppendChangesNothing) {
    MessageLog log;
    log.append(3, 30, "a", "h", "p");
    const auto before = log.state();
    EXPECT_THROW(log.append(3, 31, "a", "", ""), StoreError);
    EXPECT_THROW(log.append(4, 31, "", "", ""), StoreError);
    const auto after = log.state();
    EXPECT_EQ(after.messages, before.messages);
    EXPECT_EQ(after.bytes, before.bytes);
    EXPECT_EQ(after.last_sequence, 3u);
    EXPECT_EQ(after.subjects, 1u);
    EXPECT_EQ(before.bytes, memory_message_bytes(1, 1, 1));
}

TEST(MessageLog, TruncateAboveTheLastIsRefused) {
    MessageLog log;
    log.append(1, 1, "a", "", "");
    try {
        log.truncate(2);
        FAIL() << "truncate above the last sequence was accepted";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.store_status(), NMK_STORE_INVALID_ARGUMENT);
    }
}

// A million 128-byte messages: every one loads back, and the heap per stored message stays
// under 200 bytes (not checked under ASan, whose allocator pads every block). The CPU time
// of each phase is printed, not asserted: speed is measured by benchmarks (about 0.6 s and
// 0.02 s on these machines).
TEST(MessageLog, AMillionMessagesFitInLittleHeap) {
    const std::size_t heap_before = ::mallinfo2().uordblks;
    MessageLog log;
    const std::string payload(128, 'x');
    auto cpu_ms = [] { return static_cast<double>(std::clock()) * 1000.0 / CLOCKS_PER_SEC; };
    const double start = cpu_ms();
    for (std::uint64_t seq = 1; seq <= 1'000'000; ++seq) {
        log.append(seq, static_cast<std::int64_t>(seq), "bench.subject", "", payload);
    }
    const double appended = cpu_ms();
    // Heap per stored message: the 16-byte entry, the 24-byte record head and the 128 bytes,
    // in malloc's chunks. By our count nats-server 2.9.10's memstore spends about 280: a
    // 112-byte StoreMsg, its 128-byte buffer, a map slot and the subject string, before
    // Go's GC headroom.
    const double heap_per_message = static_cast<double>(::mallinfo2().uordblks - heap_before) / 1e6;
    if (!nats::test_support::sanitized_build) EXPECT_LT(heap_per_message, 200.0);
    std::uint64_t bytes = 0;
    for (std::uint64_t seq = 1; seq <= 1'000'000; ++seq) {
        log.load(seq, [&](const MessageView& m) { bytes += m.payload.size(); });
    }
    const double loaded = cpu_ms();
    EXPECT_EQ(bytes, 128'000'000u);
    std::cout << "1M appends " << static_cast<int>(appended - start) << " ms CPU, 1M loads "
              << static_cast<int>(loaded - appended) << " ms CPU, " << heap_per_message << " heap bytes per message\n";
}

}  // namespace
}  // namespace nats::store_memory
