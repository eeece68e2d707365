// nats_sdk/headers.hpp: nats-server's getHeader/setHeader on raw blocks, and the
// parsed Headers (nats.go's decodeHeadersMsg rules), with bad and huge input.
#include <string>

#include <gtest/gtest.h>

#include "nats_sdk/headers.hpp"

namespace nats_sdk {
namespace {

TEST(HeaderValue, FirstValueCaseSensitive) {
    const std::string block = "NATS/1.0\r\nK: 1\r\nNats-Msg-Id:   abc \r\nK: 2\r\nA: 3\r\n\r\n";
    EXPECT_EQ(header_value(block, "K").value_or("none"), "1");
    // nats-server's quirk: the first "A" in the bytes is the one in "NATS", so no value.
    EXPECT_FALSE(header_value(block, "A").has_value());
    EXPECT_EQ(header_value(block, header_names::msg_id).value_or("none"), "abc ");  // trailing kept
    EXPECT_FALSE(header_value(block, "nats-msg-id").has_value());
    EXPECT_FALSE(header_value(block, "Missing").has_value());
    EXPECT_FALSE(header_value("", "A").has_value());
    EXPECT_FALSE(header_value(block, "").has_value());
}

TEST(HeaderValue, NatsServersQuirks) {
    // Only the first occurrence of the key counts: here it sits inside another line.
    EXPECT_FALSE(header_value("NATS/1.0\r\nX-Nats-Msg-Id: 1\r\nNats-Msg-Id: 2\r\n\r\n", "Nats-Msg-Id").has_value());
    // A prefix of a longer key is not the key.
    EXPECT_FALSE(header_value("NATS/1.0\r\nNats-Msg-Id-X: 1\r\n\r\n", "Nats-Msg-Id").has_value());
    // Tabs after the colon are kept (only spaces are skipped); no CRLF: up to the end.
    EXPECT_EQ(header_value("NATS/1.0\r\nK:\tv\r\n\r\n", "K").value_or("none"), "\tv");
    EXPECT_EQ(header_value("NATS/1.0\r\nK: truncated", "K").value_or("none"), "truncated");
    EXPECT_EQ(header_value("NATS/1.0\r\nK:", "K").value_or("none"), "");
    EXPECT_FALSE(header_value("NATS/1.0\r\nK", "K").has_value());
}

TEST(SetHeader, AsNatsServersSetHeader) {
    EXPECT_EQ(set_header("", "Nats-Request-Info", "{\"acc\":\"B\"}"),
              "NATS/1.0\r\nNats-Request-Info: {\"acc\":\"B\"}\r\n\r\n");
    EXPECT_EQ(set_header("NATS/1.0\r\nX-Trace: 7\r\n\r\n", "Nats-Request-Info", "v"),
              "NATS/1.0\r\nX-Trace: 7\r\nNats-Request-Info: v\r\n\r\n");
    // An earlier value is removed, the new one goes last.
    EXPECT_EQ(set_header("NATS/1.0\r\nNats-Request-Info: old\r\nX-A: 1\r\n\r\n", "Nats-Request-Info", "new"),
              "NATS/1.0\r\nX-A: 1\r\nNats-Request-Info: new\r\n\r\n");
    EXPECT_EQ(set_header("NATS/1.0\r\nK: old\r\n\r\n", "K", "new"), "NATS/1.0\r\nK: new\r\n\r\n");
    // Only a whole key at the start of a line counts.
    EXPECT_EQ(set_header("NATS/1.0\r\nX-Nats-Request-Info: keep\r\n\r\n", "Nats-Request-Info", "v"),
              "NATS/1.0\r\nX-Nats-Request-Info: keep\r\nNats-Request-Info: v\r\n\r\n");
    // The status line stays; values are written like http.Header.Write.
    EXPECT_EQ(set_header("NATS/1.0 503\r\n\r\n", "K", " a\r\nb "), "NATS/1.0 503\r\nK: a  b\r\n\r\n");
}

TEST(Headers, ParsesStatusDescriptionAndRepeatedKeys) {
    std::string error;
    auto h = Headers::parse("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\n"
                            "Nats-Pending-Bytes: 10\r\nX: 1\r\nx: lower\r\nX:\t 2\r\n\r\n",
                            &error);
    ASSERT_TRUE(h) << error;
    EXPECT_EQ(h->status(), 408);
    EXPECT_EQ(h->description(), "Request Timeout");
    EXPECT_EQ(h->get(header_names::pending_messages).value_or(""), "3");
    EXPECT_EQ(h->values("X"), (std::vector<std::string_view>{"1", "2"}));
    EXPECT_EQ(h->values("x"), (std::vector<std::string_view>{"lower"}));
    EXPECT_FALSE(h->has("Missing"));
    EXPECT_EQ(h->fields().size(), 5u);
}

TEST(Headers, StatusOnlyAndPlainBlocks) {
    auto no_responders = Headers::parse(no_responders_block);
    ASSERT_TRUE(no_responders);
    EXPECT_EQ(no_responders->status(), 503);
    EXPECT_EQ(no_responders->description(), "");
    EXPECT_TRUE(no_responders->fields().empty());

    auto idle = Headers::parse("NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 5\r\nNats-Last-Stream: 9\r\n\r\n");
    ASSERT_TRUE(idle);
    EXPECT_EQ(idle->status(), 100);
    EXPECT_EQ(idle->description(), "Idle Heartbeat");
    EXPECT_EQ(idle->get(header_names::last_stream).value_or(""), "9");

    auto plain = Headers::parse("NATS/1.0\r\n\r\n");
    ASSERT_TRUE(plain);
    EXPECT_TRUE(plain->empty());

    // Blanks around the status are trimmed, as nats.go does.
    auto spaced = Headers::parse("NATS/1.0   404   No Messages  \r\n\r\n");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->status(), 404);
    EXPECT_EQ(spaced->description(), "No Messages");
}

TEST(Headers, RefusesBadBlocks) {
    const char* bad[] = {
        "",                                      // nothing
        "NATS/1.0",                              // no CRLF at all
        "NATS/1.0\r\n",                          // truncated: no blank line
        "NATS/1.0\r\nK: v\r\n",                  // truncated before the blank line
        "NATS/1.0\r\nK: v\n\n",                  // LF only
        "NATS/1.0\r\nK: v\r\n\r",                // blank line cut in half
        "NATS/1.0\r\nK: v\r\n\r\nextra",          // bytes after the block
        "HTTP/1.1\r\n\r\n",                      // wrong version
        "NATS/1.1\r\n\r\n",
        "NATS/1.0x\r\n\r\n",
        "NATS/1.0 50\r\n\r\n",                   // status too short
        "NATS/1.0 5o3\r\n\r\n",                  // not digits
        "NATS/1.0 5030\r\n\r\n",                 // four digits
        "NATS/1.0\r\nno colon here\r\n\r\n",     // a field without ':'
    };
    for (const char* b : bad) {
        std::string error;
        EXPECT_FALSE(Headers::parse(b, &error)) << '"' << b << '"';
        EXPECT_FALSE(error.empty()) << '"' << b << '"';
    }
    // An empty key is skipped, as nats.go does.
    auto h = Headers::parse("NATS/1.0\r\n: v\r\nK: w\r\n\r\n");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->fields().size(), 1u);
}

TEST(Headers, InvalidUtf8AndHugeInputs) {
    auto h = Headers::parse("NATS/1.0\r\nK\xff: \xfe\xc3\r\n\r\n");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->get("K\xff").value_or(""), "\xfe\xc3");

    Headers big;
    const std::string value(1 << 20, 'v');
    for (int i = 0; i < 1000; ++i) big.add("K" + std::to_string(i), "x");
    big.add("Big", value);
    const std::string block = big.build();
    auto back = Headers::parse(block);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->fields().size(), 1001u);
    EXPECT_EQ(back->get("Big").value_or("").size(), value.size());
    EXPECT_EQ(header_value(block, "Big").value_or("").size(), value.size());
    // A huge block that never ends is refused, not read past its end.
    EXPECT_FALSE(Headers::parse("NATS/1.0\r\n" + std::string(1 << 20, 'k')));
}

TEST(Headers, BuildsBlocks) {
    EXPECT_EQ(Headers().build(), "NATS/1.0\r\n\r\n");
    EXPECT_EQ(Headers().set_status(503).build(), no_responders_block);
    EXPECT_EQ(Headers().set_status(408, "Request Timeout").build(), "NATS/1.0 408 Request Timeout\r\n\r\n");
    Headers h;
    h.add(header_names::msg_id, "id-1")
        .add(header_names::expected_stream, "ORDERS")
        .add(header_names::expected_last_sequence, "7")
        .add(header_names::expected_last_subject_sequence, "0")
        .add(header_names::expected_last_msg_id, "id-0")
        .add("Multi", "a")
        .add("Multi", "b");
    EXPECT_EQ(h.build(),
              "NATS/1.0\r\nNats-Msg-Id: id-1\r\nNats-Expected-Stream: ORDERS\r\nNats-Expected-Last-Sequence: 7\r\n"
              "Nats-Expected-Last-Subject-Sequence: 0\r\nNats-Expected-Last-Msg-Id: id-0\r\nMulti: a\r\nMulti: b\r\n\r\n");
    auto back = Headers::parse(h.build());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->fields(), h.fields());

    h.set("Multi", "c");
    EXPECT_EQ(h.values("Multi"), (std::vector<std::string_view>{"c"}));
    EXPECT_EQ(h.remove("Multi"), 1u);
    EXPECT_EQ(h.remove("Multi"), 0u);
    h.set("New", "n");
    EXPECT_EQ(h.fields().back().key, "New");
    // Values are written like http.Header.Write: newlines become spaces, ends trimmed.
    EXPECT_EQ(Headers().add("K", " a\r\nb\t").build(), "NATS/1.0\r\nK: a  b\r\n\r\n");
}

TEST(Headers, RefusesBadKeysAndStatuses) {
    Headers h;
    for (const char* key : {"", "a:b", "a b", "a\tb", "a\r\nb"}) {
        EXPECT_THROW(h.add(key, "v"), std::invalid_argument) << key;
        EXPECT_THROW(h.set(key, "v"), std::invalid_argument) << key;
    }
    EXPECT_THROW(h.set_status(99), std::invalid_argument);
    EXPECT_THROW(h.set_status(1000), std::invalid_argument);
    EXPECT_THROW(h.set_status(408, "a\r\nb"), std::invalid_argument);
}

}  // namespace
}  // namespace nats_sdk
