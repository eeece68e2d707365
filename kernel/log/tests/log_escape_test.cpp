// The log formatter's escaping: client bytes must not forge a line or reach the
// terminal as control bytes, and ordinary text must stay byte for byte the same.
#include <gtest/gtest.h>

#include <string>

#include "kernel/log/log_escape.hpp"

namespace nats::log {
namespace {

TEST(LogEscape, OrdinaryTextUnchanged) {
    for (const std::string text : {"", "127.0.0.1:4222 - cid:5 - <<- [PUB foo.bar 5]", "tab\there",
                                   "Subject \"a\\\"b\"", "caf\xc3\xa9 \xef\xbf\xbd \xf0\x9f\x98\x80"}) {
        EXPECT_TRUE(is_log_safe(text)) << text;
        EXPECT_EQ(log_safe(text), text);
    }
}

TEST(LogEscape, LineBreaksCannotForgeALine) {
    const std::string forged = "a\r\n[1] 2026/01/01 00:00:00.000000 [INF] forged";
    EXPECT_FALSE(is_log_safe(forged));
    EXPECT_EQ(log_safe(forged), "a\\r\\n[1] 2026/01/01 00:00:00.000000 [INF] forged");
    EXPECT_EQ(log_safe("\n"), "\\n");
}

TEST(LogEscape, ControlBytesInGoSpelling) {
    EXPECT_EQ(log_safe(std::string("\x1b[31m\a\b\f\v\x01\x7f", 11)), "\\x1b[31m\\a\\b\\f\\v\\x01\\x7f");
    EXPECT_EQ(log_safe(std::string("a\0b", 3)), "a\\x00b");
}

TEST(LogEscape, InvalidUtf8ByteByByte) {
    EXPECT_EQ(log_safe("a\xb5"), "a\\xb5");
    EXPECT_EQ(log_safe("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(log_safe("\xc3"), "\\xc3");              // truncated sequence
    EXPECT_EQ(log_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(LogEscape, UnprintableRunesEscaped) {
    EXPECT_EQ(log_safe("\xc2\x85"), "\\u0085");      // NEL, a C1 control
    EXPECT_EQ(log_safe("\xc2\x9b" "31m"), "\\u009b31m");  // CSI
    EXPECT_EQ(log_safe("\xe2\x80\xa8"), "\\u2028");  // line separator
    EXPECT_EQ(log_safe("\xf3\xa0\x80\x81"), "\\U000e0001");
}

}  // namespace
}  // namespace nats::log
