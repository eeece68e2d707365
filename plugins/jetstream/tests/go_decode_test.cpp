// Request JSON read as Go's encoding/json reads it into StreamConfig.
#include <gtest/gtest.h>

#include "stream/stream_config.hpp"

namespace nmk::jetstream {
namespace {

StreamConfig parse(const char* text) { return stream_config_from_json(nlohmann::ordered_json::parse(text)); }

TEST(GoDecode, NamesMatchCaseInsensitivelyAndTheLastWins) {
    const StreamConfig c = parse(R"({"NAME":"a","name":"b","Max_Msgs":5,"unknown":{"x":1}})");
    EXPECT_EQ(c.name, "b");
    EXPECT_EQ(c.max_msgs, 5);
}

TEST(GoDecode, NullLeavesTheZeroValue) {
    const StreamConfig c = parse(R"({"name":"a","subjects":null,"retention":null,"mirror":null,"max_age":null})");
    EXPECT_TRUE(c.subjects.empty());
    EXPECT_EQ(c.retention, Retention::limits);
    EXPECT_FALSE(c.mirror);
}

TEST(GoDecode, WrongTypesAndRangesAreErrors) {
    for (const char* bad : {R"({"name":5})", R"({"max_msgs":1.5})", R"({"max_msgs":"1"})", R"({"max_msg_size":3000000000})",
                            R"({"subjects":"a"})", R"({"retention":"forever"})", R"({"storage":"disk"})",
                            R"({"discard":"oldest"})", R"({"no_ack":1})", R"({"max_msgs":9223372036854775808})",
                            R"({"mirror":{"opt_start_seq":-1}})", R"({"mirror":{"opt_start_time":"yesterday"}})",
                            R"([1])"}) {
        EXPECT_THROW(parse(bad), std::invalid_argument) << bad;
    }
}

TEST(GoDecode, RoundTripWritesGoBytes) {
    StreamConfig c = parse(R"({"name":"S","subjects":["a.>"],"description":"<d>","republish":{"dest":"x.>","src":"a.>"}})");
    c.storage = Storage::memory;
    nats_sdk::GoJsonWriter w(false);
    write_stream_config(w, c);
    const std::string text = w.take();
    EXPECT_NE(text.find(R"("description":"\u003cd\u003e")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("republish":{"src":"a.\u003e","dest":"x.\u003e"})"), std::string::npos) << text;
    EXPECT_EQ(stream_config_from_json(nlohmann::ordered_json::parse(text)), c);
}

}  // namespace
}  // namespace nmk::jetstream
