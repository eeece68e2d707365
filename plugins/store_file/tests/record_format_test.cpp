#include <gtest/gtest.h>

#include "record_format.hpp"

namespace store_file {
namespace {

TEST(RecordFormat, RoundTripsEveryField) {
    std::string bytes;
    encode_record(bytes, RecordKind::message, 42, -7, "orders.new", "NATS/1.0\r\nA: b\r\n\r\n", "payload");
    ASSERT_EQ(bytes.size(), record_size(10, 18, 7));
    RecordView record;
    ASSERT_EQ(decode_record(bytes, record), DecodeResult::ok);
    EXPECT_EQ(record.kind, RecordKind::message);
    EXPECT_EQ(record.sequence, 42u);
    EXPECT_EQ(record.time_ns, -7);
    EXPECT_EQ(record.subject, "orders.new");
    EXPECT_EQ(record.headers, "NATS/1.0\r\nA: b\r\n\r\n");
    EXPECT_EQ(record.payload, "payload");
    EXPECT_EQ(record.length, bytes.size());
}

TEST(RecordFormat, EveryFlippedByteIsCaught) {
    std::string bytes;
    encode_record(bytes, RecordKind::message, 1, 2, "a", "", "xyz");
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string damaged = bytes;
        damaged[i] ^= 0x10;
        RecordView record;
        EXPECT_NE(decode_record(damaged, record), DecodeResult::ok) << "byte " << i;
    }
}

TEST(RecordFormat, ShortOrImpossibleLengthsAreRefused) {
    std::string bytes;
    encode_record(bytes, RecordKind::tombstone, 9, 0, "", "", "");
    RecordView record;
    EXPECT_EQ(decode_record(std::string_view(bytes).substr(0, bytes.size() - 1), record), DecodeResult::bad_length);
    EXPECT_EQ(decode_record(std::string_view(bytes).substr(0, 10), record), DecodeResult::bad_length);
    std::string zero(64, '\0');
    EXPECT_EQ(decode_record(zero, record), DecodeResult::bad_length);
}

TEST(RecordFormat, BoundsCarryFirstLastAndTime) {
    std::string bytes;
    encode_bounds(bytes, 100, 250, 12345);
    RecordView record;
    ASSERT_EQ(decode_record(bytes, record), DecodeResult::ok);
    EXPECT_EQ(record.kind, RecordKind::bounds);
    EXPECT_EQ(bounds_first(record), 100u);
    EXPECT_EQ(record.sequence, 250u);
    EXPECT_EQ(record.time_ns, 12345);
}

TEST(RecordFormat, AccountedSizeIsNatsServersFileStoreMsgSize) {
    // fileStoreMsgSize in nats-server 2.9.10: 22 + subj + msg + 8, plus 4 + hdr with headers.
    EXPECT_EQ(accounted_size(3, 0, 5), 22u + 3 + 5 + 8);
    EXPECT_EQ(accounted_size(3, 12, 5), 22u + 3 + 4 + 12 + 5 + 8);
}

TEST(RecordFormat, TornRecordHasNoChecksum) {
    std::string bytes;
    encode_record(bytes, RecordKind::message, 1, 2, "a", "", "xyz");
    EXPECT_FALSE(checksum_missing(bytes));
    std::fill(bytes.end() - 8, bytes.end(), '\0');
    EXPECT_TRUE(checksum_missing(bytes));
}

}  // namespace
}  // namespace store_file
