// The stream snapshot format (api/snapshot_format.*): what is written is read back
// exactly, and every damaged form (any flipped byte, any truncation, trailing bytes, a
// newer version, a nats-server tarball) is refused with FormatError, never misread.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "api/snapshot_format.hpp"

namespace nmk::jetstream::snapshot {
namespace {

using nats_sdk::store::MessageView;
using nats_sdk::store::StoredMessage;

StreamRecord sample_record() {
    StreamRecord r;
    r.config = nlohmann::ordered_json::parse(R"({"name":"ORDERS","subjects":["orders.>"],"storage":"file"})");
    r.created_ns = 1'700'000'000'000'000'000;
    r.first_sequence = 3;
    r.last_sequence = 9;
    r.last_time_ns = 1'700'000'000'000'000'900;
    return r;
}

std::vector<StoredMessage> sample_messages() {
    return {{3, 100, "orders.a", "", "first"},
            {5, 200, "orders.b", "NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n", "with headers"},
            {6, 300, "orders.c", "", ""},
            {8, 400, "orders.a", "", std::string(5000, 'z')}};
}

std::string encode(const std::vector<StoredMessage>& messages, const StreamRecord& record = sample_record(),
                   std::string_view consumer = {}) {
    std::string out;
    Encoder e;
    e.begin(out, record);
    for (const auto& m : messages) e.message(out, MessageView{m.sequence, m.time_ns, m.subject, m.headers, m.payload});
    if (!consumer.empty()) e.consumer(out, consumer);
    e.end(out);
    return out;
}

struct Decoded {
    StreamRecord record;
    std::vector<StoredMessage> messages;
    std::vector<std::string> consumers;
};

Decoded decode(const std::string& bytes) {
    std::size_t at = 0;
    Decoder d([&](char* into, std::size_t n) {
        // Small reads, so records straddle them as they straddle chunks.
        n = std::min({n, bytes.size() - at, std::size_t{7}});
        std::copy_n(bytes.data() + at, n, into);
        at += n;
        return n;
    });
    Decoded out;
    out.record = d.begin();
    StoredMessage m;
    std::string consumer;
    for (;;) {
        const auto item = d.next(m, consumer);
        if (item == Decoder::Item::end) break;
        if (item == Decoder::Item::message) out.messages.push_back(m);
        else out.consumers.push_back(consumer);
    }
    return out;
}

TEST(SnapshotFormat, RoundTripKeepsSequencesGapsAndBytes) {
    const auto messages = sample_messages();
    const Decoded d = decode(encode(messages));
    EXPECT_EQ(d.record.config, sample_record().config);
    EXPECT_EQ(d.record.created_ns, sample_record().created_ns);
    EXPECT_EQ(d.record.first_sequence, 3u);
    EXPECT_EQ(d.record.last_sequence, 9u);
    EXPECT_EQ(d.record.last_time_ns, sample_record().last_time_ns);
    ASSERT_EQ(d.messages.size(), messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_EQ(d.messages[i].sequence, messages[i].sequence);
        EXPECT_EQ(d.messages[i].time_ns, messages[i].time_ns);
        EXPECT_EQ(d.messages[i].subject, messages[i].subject);
        EXPECT_EQ(d.messages[i].headers, messages[i].headers);
        EXPECT_EQ(d.messages[i].payload, messages[i].payload);
    }
}

TEST(SnapshotFormat, AnEmptyStreamHasOnlyItsRecords) {
    StreamRecord r = sample_record();
    r.first_sequence = 10;  // purged: first is last + 1
    const Decoded d = decode(encode({}, r));
    EXPECT_TRUE(d.messages.empty());
    EXPECT_EQ(d.record.first_sequence, 10u);
}

TEST(SnapshotFormat, ConsumerRecordsComeAfterTheMessages) {
    const Decoded d = decode(encode(sample_messages(), sample_record(), R"({"name":"C1"})"));
    ASSERT_EQ(d.consumers.size(), 1u);
    EXPECT_EQ(d.consumers[0], R"({"name":"C1"})");
}

TEST(SnapshotFormat, EveryFlippedByteIsRefused) {
    const std::string good = encode(sample_messages());
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        EXPECT_THROW(decode(bad), FormatError) << "byte " << i;
    }
}

TEST(SnapshotFormat, EveryTruncationIsRefused) {
    const std::string good = encode(sample_messages());
    for (std::size_t n = 0; n < good.size(); ++n) {
        EXPECT_THROW(decode(good.substr(0, n)), FormatError) << "length " << n;
    }
}

// A corrupt record length (up to the 256 MiB bound) in a small snapshot: the body is read
// in steps of at most 1 MiB as its bytes arrive, so an upload of a few bytes cannot make
// the server allocate 200 MiB before the truncation is seen (fuzz_jetstream_api's note).
TEST(SnapshotFormat, ACorruptLengthCostsOnlyWhatTheSnapshotHolds) {
    std::string bad = encode(sample_messages());
    ASSERT_EQ(bad[16], 'S');  // the stream record after the 16-byte header
    const std::uint32_t claimed = 200u << 20;
    std::memcpy(bad.data() + 17, &claimed, sizeof claimed);
    std::size_t at = 0, largest_read = 0;
    Decoder d([&](char* into, std::size_t n) {
        largest_read = std::max(largest_read, n);
        n = std::min(n, bad.size() - at);
        std::copy_n(bad.data() + at, n, into);
        at += n;
        return n;
    });
    EXPECT_THROW(d.begin(), FormatError);
    EXPECT_LE(largest_read, std::size_t{1} << 20);
}

TEST(SnapshotFormat, TrailingBytesAreRefused) {
    EXPECT_THROW(decode(encode(sample_messages()) + "x"), FormatError);
    // A whole second snapshot appended is no better.
    EXPECT_THROW(decode(encode(sample_messages()) + encode(sample_messages())), FormatError);
}

TEST(SnapshotFormat, ANewerVersionIsRefusedByName) {
    std::string bytes = encode(sample_messages());
    bytes[8] = 2;
    try {
        decode(bytes);
        FAIL() << "accepted";
    } catch (const FormatError& e) {
        EXPECT_STREQ(e.what(), "snapshot format version 2 is not supported (this server reads 1)");
    }
}

TEST(SnapshotFormat, NatsServerSnapshotsAndGarbageAreNamed) {
    const auto reason = [](const std::string& bytes) {
        try {
            decode(bytes);
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(reason(std::string("\xff\x06\x00\x00S2sTwO", 10) + "rest"),
              "snapshot is a nats-server snapshot (its block files), which this server cannot read");
    EXPECT_EQ(reason("garbage that is long enough"), "not a stream snapshot");
    EXPECT_EQ(reason(""), "snapshot is empty");
}

TEST(SnapshotFormat, MessagesOutsideTheStreamBoundsAreRefused) {
    StreamRecord r = sample_record();
    r.last_sequence = 7;  // message 8 lies beyond it
    EXPECT_THROW(decode(encode(sample_messages(), r)), FormatError);
    std::vector<StoredMessage> backwards = {{5, 1, "a", "", ""}, {4, 1, "a", "", ""}};
    EXPECT_THROW(decode(encode(backwards)), FormatError);
}

}  // namespace
}  // namespace nmk::jetstream::snapshot
