// go_quote (strconv.Quote, fmt's %q), go_time_quote (the time package's quote()),
// decode_go_rune (utf8.DecodeRuneInString) and go_is_print (strconv.IsPrint).
#include <string>

#include <gtest/gtest.h>

#include "nats_sdk/go_quote.hpp"

namespace nats_sdk {
namespace {

std::string bytes(std::string_view s) { return std::string(s); }

TEST(GoQuote, AsciiAndBackslashEscapes) {
    EXPECT_EQ(go_quote(""), R"("")");
    EXPECT_EQ(go_quote("orders.new"), R"("orders.new")");
    EXPECT_EQ(go_quote("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(go_quote("'single'"), R"("'single'")");
    EXPECT_EQ(go_quote("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
    EXPECT_EQ(go_quote(bytes(std::string_view("\x00\x01\x1f\x7f", 4))), R"("\x00\x01\x1f\x7f")");
}

TEST(GoQuote, PrintableRunesStayAsTheyAre) {
    EXPECT_EQ(go_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");                // U+00E9
    EXPECT_EQ(go_quote("\xe6\x97\xa5\xe6\x9c\xac"), "\"\xe6\x97\xa5\xe6\x9c\xac\"");  // CJK
    EXPECT_EQ(go_quote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");      // U+1F600, a symbol
    EXPECT_EQ(go_quote("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");              // a real U+FFFD is printable
    EXPECT_EQ(go_quote("\xc2\xa1"), "\"\xc2\xa1\"");                      // U+00A1, first printable Latin-1
}

TEST(GoQuote, NonPrintableRunesAsUnicodeEscapes) {
    EXPECT_EQ(go_quote("\xc2\x80"), R"("\u0080")");          // C1 control
    EXPECT_EQ(go_quote("\xc2\x9f"), R"("\u009f")");
    EXPECT_EQ(go_quote("\xc2\xa0"), R"("\u00a0")");          // no-break space (Zs)
    EXPECT_EQ(go_quote("\xc2\xad"), R"("\u00ad")");          // soft hyphen (Cf)
    EXPECT_EQ(go_quote("\xe2\x80\x8b"), R"("\u200b")");      // zero width space (Cf)
    EXPECT_EQ(go_quote("\xe2\x80\xa8"), R"("\u2028")");      // line separator (Zl)
    EXPECT_EQ(go_quote("\xe3\x80\x80"), R"("\u3000")");      // ideographic space (Zs)
    EXPECT_EQ(go_quote("\xef\xbb\xbf"), R"("\ufeff")");      // BOM (Cf)
    EXPECT_EQ(go_quote("\xee\x80\x80"), R"("\ue000")");      // private use (Co)
    EXPECT_EQ(go_quote("\xf3\xa0\x80\x81"), R"("\U000e0001")");  // language tag (Cf)
    EXPECT_EQ(go_quote("\xf4\x8f\xbf\xbf"), R"("\U0010ffff")");  // noncharacter
}

TEST(GoQuote, InvalidUtf8BytesAsHexEscapes) {
    EXPECT_EQ(go_quote("\xff"), R"("\xff")");
    EXPECT_EQ(go_quote("a\xfe" "b"), R"("a\xfeb")");
    EXPECT_EQ(go_quote("\xc3"), R"("\xc3")");                    // truncated
    EXPECT_EQ(go_quote("\xc3("), R"("\xc3(")");                  // bad continuation
    EXPECT_EQ(go_quote("\xe6\x97"), R"("\xe6\x97")");            // truncated 3-byte form
    EXPECT_EQ(go_quote("\xc0\xaf"), R"("\xc0\xaf")");            // overlong '/'
    EXPECT_EQ(go_quote("\xe0\x80\xaf"), R"("\xe0\x80\xaf")");    // overlong 3-byte form
    EXPECT_EQ(go_quote("\xed\xa0\x80"), R"("\xed\xa0\x80")");    // surrogate U+D800
    EXPECT_EQ(go_quote("\xf4\x90\x80\x80"), R"("\xf4\x90\x80\x80")");  // past U+10FFFF
    EXPECT_EQ(go_quote("\x80\xbf"), R"("\x80\xbf")");            // lone continuations
    // A bad byte does not swallow the valid rune after it.
    EXPECT_EQ(go_quote("\xe6\xc3\xa9"), "\"\\xe6\xc3\xa9\"");
}

TEST(GoQuote, HugeInputs) {
    const std::string bad(1 << 20, '\xff');
    const std::string quoted = go_quote(bad);
    ASSERT_EQ(quoted.size(), 4 * bad.size() + 2);
    EXPECT_EQ(quoted.substr(0, 9), R"("\xff\xff)");
    const std::string plain(1 << 20, 'a');
    EXPECT_EQ(go_quote(plain), '"' + plain + '"');
    std::string out = "prefix ";
    append_go_quote(out, "x");
    EXPECT_EQ(out, R"(prefix "x")");
}

TEST(GoTimeQuote, EscapesEveryNonAsciiByte) {
    EXPECT_EQ(go_time_quote("1h"), R"("1h")");
    EXPECT_EQ(go_time_quote("a\"b\\"), R"("a\"b\\")");
    EXPECT_EQ(go_time_quote("5\xc2\xb5s"), R"("5\xc2\xb5s")");  // valid UTF-8 too
    EXPECT_EQ(go_time_quote("1\xff"), R"("1\xff")");
    EXPECT_EQ(go_time_quote("\n\x7f"), "\"\\x0a\x7f\"");         // controls as \x, DEL kept
    EXPECT_EQ(go_time_quote("\xef\xbf\xbd"), R"("\xef\xbf\xbd")");
}

TEST(DecodeGoRune, WidthsAndErrors) {
    EXPECT_EQ(decode_go_rune("a", 0).rune, U'a');
    EXPECT_EQ(decode_go_rune("\xc3\xa9", 0).rune, U'\u00e9');
    EXPECT_EQ(decode_go_rune("\xc3\xa9", 0).width, 2u);
    EXPECT_EQ(decode_go_rune("\xf0\x9f\x98\x80", 0).rune, U'\U0001F600');
    EXPECT_EQ(decode_go_rune("\xf0\x9f\x98\x80", 0).width, 4u);
    for (const char* bad : {"\xff", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf5\x80\x80\x80"}) {
        const auto d = decode_go_rune(bad, 0);
        EXPECT_EQ(d.rune, go_rune_error) << go_quote(bad);
        EXPECT_EQ(d.width, 1u) << go_quote(bad);
    }
}

TEST(GoIsPrint, Boundaries) {
    EXPECT_TRUE(go_is_print(U' '));
    EXPECT_TRUE(go_is_print(U'~'));
    EXPECT_FALSE(go_is_print(0x7F));
    EXPECT_FALSE(go_is_print(0xA0));
    EXPECT_TRUE(go_is_print(0xA1));
    EXPECT_FALSE(go_is_print(0xAD));
    EXPECT_TRUE(go_is_print(0xFF));
    EXPECT_TRUE(go_is_print(0x100));
    EXPECT_FALSE(go_is_print(0x2000));  // en quad (Zs)
    EXPECT_TRUE(go_is_print(0x4E00));
    EXPECT_FALSE(go_is_print(0xD800));
    EXPECT_FALSE(go_is_print(0x10FFFF));
}

}  // namespace
}  // namespace nats_sdk
