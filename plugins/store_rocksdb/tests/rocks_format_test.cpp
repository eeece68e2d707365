// The RocksDB store's record formats: what is written reads back, and a damaged or cut
// record is refused, never read as another message.
#include <gtest/gtest.h>

#include "plugins/store_rocksdb/rocks_format.hpp"

namespace nats::store_rocksdb {
namespace {

TEST(RocksFormat, MessageRecordsRoundTripAndRefuseDamage) {
    const std::string r = encode_message(1700000000000000001, "orders.new", "NATS/1.0\r\nA: b\r\n\r\n", "payload");
    const auto m = decode_message(r);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->time_ns, 1700000000000000001);
    EXPECT_EQ(m->subject, "orders.new");
    EXPECT_EQ(m->headers, "NATS/1.0\r\nA: b\r\n\r\n");
    EXPECT_EQ(m->payload, "payload");
    for (std::size_t i = 0; i < r.size(); ++i) {
        std::string damaged = r;
        damaged[i] ^= 0x20;
        EXPECT_FALSE(decode_message(damaged)) << "a flipped bit at " << i << " was not noticed";
    }
    EXPECT_FALSE(decode_message(r.substr(0, r.size() - 1)));
    EXPECT_FALSE(decode_message(""));
}

TEST(RocksFormat, KeysSortBySequenceWithinAStream) {
    EXPECT_LT(message_key(1, 2), message_key(1, 256));
    EXPECT_LT(message_key(1, ~std::uint64_t{0}), message_key(2, 0));
    EXPECT_EQ(read_u64_be(message_key(7, 9).substr(8)), 9u);
    EXPECT_LT(subject_key(1, "a", 5), subject_key(1, "a", 6));
    EXPECT_EQ(subject_key(1, "a", 5).rfind(subject_prefix(1, "a"), 0), 0u);
    EXPECT_NE(subject_key(1, "ab", 5).rfind(subject_prefix(1, "a"), 0), 0u) << "a\\0 is not a prefix of ab";
}

TEST(RocksFormat, SnapshotsAndConsumerRecordsRoundTrip) {
    StreamCounts c;
    c.messages = 3;
    c.bytes = 99;
    c.first = 4;
    c.last = 9;
    c.first_time_ns = 11;
    c.last_time_ns = 22;
    c.fresh = false;
    std::map<std::string, SubjectInfo, std::less<>> subjects{{"a", {2, 4, 9}}, {"b.c", {1, 6, 6}}};
    StreamCounts back;
    std::map<std::string, SubjectInfo, std::less<>> subjects_back;
    const std::string snapshot = encode_snapshot(c, subjects);
    ASSERT_TRUE(decode_snapshot(snapshot, back, subjects_back));
    EXPECT_EQ(back.last, 9u);
    EXPECT_EQ(back.bytes, 99u);
    EXPECT_FALSE(back.fresh);
    EXPECT_EQ(subjects_back.at("b.c").first, 6u);
    std::string damaged = snapshot;
    damaged[3] ^= 1;
    EXPECT_FALSE(decode_snapshot(damaged, back, subjects_back));

    std::string_view meta, state;
    const std::string record = encode_consumer("{\"durable\":\"x\"}", std::string("\x01\x02\x00", 3));
    ASSERT_TRUE(decode_consumer(record, meta, state));
    EXPECT_EQ(meta, "{\"durable\":\"x\"}");
    EXPECT_EQ(state, std::string_view("\x01\x02\x00", 3));
}

}  // namespace
}  // namespace nats::store_rocksdb
