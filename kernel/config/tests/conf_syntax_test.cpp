// The config language: every construct nats-server's conf package accepts, and
// the errors it gives for bad input, with file:line:col.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string_view>

#include "kernel/config/conf_value.hpp"

namespace nats::config {
namespace {

Value parse(const std::string& text) { return parse_config_string(text, "t.conf"); }

// The message of the ConfigError the text raises, or "" when it parses.
std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ConfSyntax, KeySeparatorsColonEqualsAndSpace) {
    const Value v = parse("a: 1\nb = 2\nc 3\nd:4\ne=5\n");
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_EQ(v.find("b")->as_int(), 2);
    EXPECT_EQ(v.find("c")->as_int(), 3);
    EXPECT_EQ(v.find("d")->as_int(), 4);
    EXPECT_EQ(v.find("e")->as_int(), 5);
}

TEST(ConfSyntax, KeysKeepFileOrderAndLookupIgnoresCase) {
    const Value v = parse("zeta: 1\nAlpha: 2\nmid: 3\n");
    const Map& m = v.as_map();
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].first, "zeta");
    EXPECT_EQ(m[1].first, "Alpha");
    EXPECT_EQ(m[2].first, "mid");
    EXPECT_EQ(v.find("ALPHA")->as_int(), 2);
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(ConfSyntax, LaterKeyReplacesEarlier) {
    const Value v = parse("port: 1\nport: 2\n");
    EXPECT_EQ(v.as_map().size(), 1u);
    EXPECT_EQ(v.find("port")->as_int(), 2);
}

TEST(ConfSyntax, SemicolonsAndCommasEndTopLevelValues) {
    const Value v = parse("a: 1; b: 2, c: x;\n");
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_EQ(v.find("b")->as_int(), 2);
    EXPECT_EQ(v.find("c")->as_string(), "x");
}

TEST(ConfSyntax, TopLevelBracesAreIgnoredLikeJson) {
    const Value v = parse("{\n  \"port\": 4222,\n  \"debug\": true\n}\n");
    EXPECT_EQ(v.find("port")->as_int(), 4222);
    EXPECT_TRUE(v.find("debug")->as_bool());
}

TEST(ConfSyntax, QuotedKeys) {
    const Value v = parse("\"a b\": 1\n'c:d' = 2\nm { \"x y\": 3, 'z': 4 }\n");
    EXPECT_EQ(v.find("a b")->as_int(), 1);
    EXPECT_EQ(v.find("c:d")->as_int(), 2);
    EXPECT_EQ(v.find("m")->find("x y")->as_int(), 3);
    EXPECT_EQ(v.find("m")->find("z")->as_int(), 4);
}

TEST(ConfSyntax, Comments) {
    const Value v = parse("# hash\n// slashes\na: 1 # trailing\nb: 2 // trailing\nc: foo#notacomment\n");
    EXPECT_EQ(v.as_map().size(), 3u);
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_EQ(v.find("b")->as_int(), 2);
    EXPECT_EQ(v.find("c")->as_string(), "foo#notacomment");
}

TEST(ConfSyntax, NestedMaps) {
    const Value v = parse("outer {\n  inner: { x: 1, y: \"two\" }\n  z = 3\n}\nsame_line = {a=1; b=2}\n");
    const Value* inner = v.find("outer")->find("inner");
    ASSERT_NE(inner, nullptr);
    EXPECT_EQ(inner->find("x")->as_int(), 1);
    EXPECT_EQ(inner->find("y")->as_string(), "two");
    EXPECT_EQ(v.find("outer")->find("z")->as_int(), 3);
    EXPECT_EQ(v.find("same_line")->find("b")->as_int(), 2);
}

TEST(ConfSyntax, MapValueMayStartOnNextLine) {
    const Value v = parse("m {\n  a =\n    5\n  b\n  6\n}\n");
    EXPECT_EQ(v.find("m")->find("a")->as_int(), 5);
    EXPECT_EQ(v.find("m")->find("b")->as_int(), 6);
}

TEST(ConfSyntax, TrailingCommaInMapAndArray) {
    const Value v = parse("m = {b=1, c=2,}\na = [1, 2,]\n");
    EXPECT_EQ(v.find("m")->as_map().size(), 2u);
    EXPECT_EQ(v.find("a")->as_array().size(), 2u);
}

TEST(ConfSyntax, ArraysCommaAndNewlineSeparated) {
    const Value v = parse("a = [1, 'two', \"three\", four, true, 1.5]\n"
                          "b = [\n  1 # one\n  2 // two\n  3,\n  {k: v}\n  [x, y]\n]\n"
                          "c = []\n");
    const Array& a = v.find("a")->as_array();
    ASSERT_EQ(a.size(), 6u);
    EXPECT_EQ(a[0].as_int(), 1);
    EXPECT_EQ(a[1].as_string(), "two");
    EXPECT_EQ(a[2].as_string(), "three");
    EXPECT_EQ(a[3].as_string(), "four");
    EXPECT_TRUE(a[4].as_bool());
    EXPECT_DOUBLE_EQ(a[5].as_double(), 1.5);
    const Array& b = v.find("b")->as_array();
    ASSERT_EQ(b.size(), 5u);
    EXPECT_EQ(b[2].as_int(), 3);
    EXPECT_EQ(b[3].find("k")->as_string(), "v");
    EXPECT_EQ(b[4].as_array()[1].as_string(), "y");
    EXPECT_TRUE(v.find("c")->as_array().empty());
}

// nats-server 2.9.10 rejects "[1,2]" (a number only ends at ']' after a blank);
// we accept it on purpose.
TEST(ConfSyntax, NumberRightBeforeArrayEnd) {
    const Value v = parse("a = [1,2]\nb = [1k]\nc = [1.5]\n");
    EXPECT_EQ(v.find("a")->as_array()[1].as_int(), 2);
    EXPECT_EQ(v.find("b")->as_array()[0].as_int(), 1000);
    EXPECT_DOUBLE_EQ(v.find("c")->as_array()[0].as_double(), 1.5);
}

TEST(ConfSyntax, DoubleQuotedStringEscapes) {
    const Value v = parse(R"(s = "tab\there\nnl \"q\" back\\slash \x41\x62 \r")");
    EXPECT_EQ(v.find("s")->as_string(), "tab\there\nnl \"q\" back\\slash Ab \r");
}

TEST(ConfSyntax, SingleQuotedStringsAreRaw) {
    const Value v = parse(R"(s = 'no \n escapes "here"')");
    EXPECT_EQ(v.find("s")->as_string(), R"(no \n escapes "here")");
}

TEST(ConfSyntax, QuotedStringsCanSpanLines) {
    const Value v = parse("s = \"a\nb\"\nt = 'c\nd'\n");
    EXPECT_EQ(v.find("s")->as_string(), "a\nb");
    EXPECT_EQ(v.find("t")->as_string(), "c\nd");
}

TEST(ConfSyntax, BareStrings) {
    const Value v = parse("a = hello\nb = nats://127.0.0.1:4222\nc = 127.0.0.1:4222\nd = 1abc\ne = 0.0.0.0\n"
                          "f = a\\tb\ng = localhost:-1\n");
    EXPECT_EQ(v.find("a")->as_string(), "hello");
    EXPECT_EQ(v.find("b")->as_string(), "nats://127.0.0.1:4222");
    EXPECT_EQ(v.find("c")->as_string(), "127.0.0.1:4222");
    EXPECT_EQ(v.find("d")->as_string(), "1abc");
    EXPECT_EQ(v.find("e")->as_string(), "0.0.0.0");
    EXPECT_EQ(v.find("f")->as_string(), "a\tb");
    EXPECT_EQ(v.find("g")->as_string(), "localhost:-1");
}

TEST(ConfSyntax, EmptyValueAtEndOfInputIsEmptyString) {
    const Value v = parse("a =");
    EXPECT_EQ(v.find("a")->as_string(), "");
}

TEST(ConfSyntax, KeyWithoutValueAtEndIsIgnored) {
    const Value v = parse("a: 1\nlonely");
    EXPECT_EQ(v.as_map().size(), 1u);
}

TEST(ConfSyntax, Booleans) {
    const Value v = parse("a: true\nb: FALSE\nc: yes\nd: No\ne: on\nf: off\ng: \"true\"\n");
    EXPECT_TRUE(v.find("a")->as_bool());
    EXPECT_FALSE(v.find("b")->as_bool());
    EXPECT_TRUE(v.find("c")->as_bool());
    EXPECT_FALSE(v.find("d")->as_bool());
    EXPECT_TRUE(v.find("e")->as_bool());
    EXPECT_FALSE(v.find("f")->as_bool());
    EXPECT_EQ(v.find("g")->as_string(), "true");  // quoted stays a string
}

TEST(ConfSyntax, IntegersAndFloats) {
    const Value v = parse("a: 42\nb: -7\nc: 3.25\nd: -0.5\ne: 007\n");
    EXPECT_EQ(v.find("a")->as_int(), 42);
    EXPECT_EQ(v.find("b")->as_int(), -7);
    EXPECT_DOUBLE_EQ(v.find("c")->as_double(), 3.25);
    EXPECT_DOUBLE_EQ(v.find("d")->as_double(), -0.5);
    EXPECT_EQ(v.find("e")->as_int(), 7);
    EXPECT_TRUE(v.find("c")->is_double());
    EXPECT_DOUBLE_EQ(v.find("a")->as_double(), 42.0);  // integers convert
}

// conf/parse.go: a bare letter is a power of 1000, with b/i/ib a power of 1024.
TEST(ConfSyntax, SizeSuffixes) {
    const Value v = parse(
        "k1: 1k\nk2: 1K\nkb: 1kb\nki: 1Ki\nkib: 1KiB\nm1: 2m\nmb: 2MB\ng1: 1g\ngb: 1GB\nt1: 1t\ntb: 1TB\n"
        "p1: 1p\npb: 1PB\ne1: 1e\neb: 1EB\nneg: -1MB\n");
    EXPECT_EQ(v.find("k1")->as_int(), 1000);
    EXPECT_EQ(v.find("k2")->as_int(), 1000);
    EXPECT_EQ(v.find("kb")->as_int(), 1024);
    EXPECT_EQ(v.find("ki")->as_int(), 1024);
    EXPECT_EQ(v.find("kib")->as_int(), 1024);
    EXPECT_EQ(v.find("m1")->as_int(), 2'000'000);
    EXPECT_EQ(v.find("mb")->as_int(), 2 * 1024 * 1024);
    EXPECT_EQ(v.find("g1")->as_int(), 1'000'000'000);
    EXPECT_EQ(v.find("gb")->as_int(), 1024LL * 1024 * 1024);
    EXPECT_EQ(v.find("t1")->as_int(), 1'000'000'000'000LL);
    EXPECT_EQ(v.find("tb")->as_int(), 1024LL * 1024 * 1024 * 1024);
    EXPECT_EQ(v.find("p1")->as_int(), 1'000'000'000'000'000LL);
    EXPECT_EQ(v.find("pb")->as_int(), 1024LL * 1024 * 1024 * 1024 * 1024);
    EXPECT_EQ(v.find("e1")->as_int(), 1'000'000'000'000'000'000LL);
    EXPECT_EQ(v.find("eb")->as_int(), 1024LL * 1024 * 1024 * 1024 * 1024 * 1024);
    EXPECT_EQ(v.find("neg")->as_int(), -1024 * 1024);
}

TEST(ConfSyntax, SizeSuffixFollowedByLettersIsAString) {
    const Value v = parse("a: 500ms\nb: 10s\nc: 1kx\n");
    EXPECT_EQ(v.find("a")->as_string(), "500ms");
    EXPECT_EQ(v.find("b")->as_string(), "10s");
    EXPECT_EQ(v.find("c")->as_string(), "1kx");
}

TEST(ConfSyntax, BadSizeSuffixAndOverflow) {
    EXPECT_EQ(error_of("a: 1kbb\n"), "t.conf:1:4: invalid size suffix in '1kbb'");
    EXPECT_EQ(error_of("a: 20000000EB\n"), "t.conf:1:4: integer '20000000EB' is out of the range");
    EXPECT_EQ(error_of("a: 99999999999999999999\n"), "t.conf:1:4: integer '99999999999999999999' is out of the range");
}

TEST(ConfSyntax, DatesStayStrings) {
    const Value v = parse("d: 2020-01-02T03:04:05Z\n");
    EXPECT_EQ(v.find("d")->as_string(), "2020-01-02T03:04:05Z");
    EXPECT_EQ(error_of("d: 2020-01-02\n"), "t.conf:1:14: Expected 'T' in ISO8601 datetime, but found '\\n' instead.");
    EXPECT_EQ(error_of("d: 12-5\n"), "t.conf:1:6: All ISO8601 dates must be in full Zulu form.");
}

TEST(ConfSyntax, Blocks) {
    const Value v = parse("b = (\nline one\n  line (two)\n)\nafter: 1\n");
    EXPECT_EQ(v.find("b")->as_string(), "\nline one\n  line (two)\n");
    EXPECT_EQ(v.find("after")->as_int(), 1);
    EXPECT_EQ(error_of("b = (\nnever closed)\n"), "t.conf:3:1: Unexpected EOF processing block.");
}

TEST(ConfSyntax, LocationsPointAtKeysAndElements) {
    const Value v = parse("a: 1\n  nested {\n    inner: x\n  }\nlist = [\n  7\n]\n");
    EXPECT_EQ(v.location().to_string(), "t.conf:1:1");
    EXPECT_EQ(v.find("a")->location().to_string(), "t.conf:1:1");
    EXPECT_EQ(v.find("nested")->location().to_string(), "t.conf:2:3");
    EXPECT_EQ(v.find("nested")->find("inner")->location().to_string(), "t.conf:3:5");
    EXPECT_EQ(v.find("list")->as_array()[0].location().to_string(), "t.conf:6:3");
}

TEST(ConfSyntax, VariablesFromEarlierKeys) {
    const Value v = parse("port = 4222\nlisten_port: $port\nm { inner: $port, own = 5, use_own: $own }\n"
                          "list: [$port]\n");
    EXPECT_EQ(v.find("listen_port")->as_int(), 4222);
    EXPECT_EQ(v.find("m")->find("inner")->as_int(), 4222);
    EXPECT_EQ(v.find("m")->find("use_own")->as_int(), 5);
    EXPECT_EQ(v.find("list")->as_array()[0].as_int(), 4222);
}

TEST(ConfSyntax, VariablesCopyMapsAndTakeTheReferenceLocation) {
    const Value v = parse("perms = { publish: \"a.>\" }\nuser {\n  p: $perms\n}\n");
    const Value* p = v.find("user")->find("p");
    EXPECT_EQ(p->find("publish")->as_string(), "a.>");
    EXPECT_EQ(p->location().to_string(), "t.conf:3:3");
}

TEST(ConfSyntax, InnerScopeVariablesAreNotVisibleOutside) {
    EXPECT_EQ(error_of("m { q = 2 }\nx: $q\n"), "t.conf:2:4: variable reference for 'q' on line 2 can not be found");
}

TEST(ConfSyntax, VariablesAreCaseSensitiveAndMustComeFirst) {
    EXPECT_EQ(error_of("a: $later\nlater: 1\n"),
              "t.conf:1:4: variable reference for 'later' on line 1 can not be found");
    EXPECT_NE(error_of("Port: 1\nx: $port\n"), "");
}

TEST(ConfSyntax, VariablesFromEnvironmentAreTyped) {
    ::setenv("NMK_CONF_TEST_INT", "4555", 1);
    ::setenv("NMK_CONF_TEST_STR", "hello", 1);
    ::setenv("NMK_CONF_TEST_SIZE", "2KB", 1);
    ::setenv("NMK_CONF_TEST_MAP", "{ a: 1 }", 1);
    const Value v = parse("a: $NMK_CONF_TEST_INT\nb: $NMK_CONF_TEST_STR\nc: $NMK_CONF_TEST_SIZE\nd: $NMK_CONF_TEST_MAP\n");
    EXPECT_EQ(v.find("a")->as_int(), 4555);
    EXPECT_EQ(v.find("b")->as_string(), "hello");
    EXPECT_EQ(v.find("c")->as_int(), 2048);
    EXPECT_EQ(v.find("d")->find("a")->as_int(), 1);
    EXPECT_EQ(v.find("a")->location().to_string(), "t.conf:1:1");
}

TEST(ConfSyntax, ConfigKeysShadowEnvironment) {
    ::setenv("NMK_CONF_TEST_SHADOW", "from-env", 1);
    const Value v = parse("NMK_CONF_TEST_SHADOW: from-file\nx: $NMK_CONF_TEST_SHADOW\n");
    EXPECT_EQ(v.find("x")->as_string(), "from-file");
}

TEST(ConfSyntax, MissingAndUnparsableVariables) {
    ::unsetenv("NMK_CONF_TEST_NOPE");
    EXPECT_EQ(error_of("a = 1\nb = $NMK_CONF_TEST_NOPE\n"),
              "t.conf:2:5: variable reference for 'NMK_CONF_TEST_NOPE' on line 2 can not be found");
    ::setenv("NMK_CONF_TEST_BAD", "a b", 1);
    EXPECT_EQ(error_of("port: $NMK_CONF_TEST_BAD\n"),
              "t.conf:1:7: variable reference for 'NMK_CONF_TEST_BAD' on line 1 could not be parsed: Expected a "
              "top-level value to end with a new line, comment or EOF, but got 'b' instead.");
}

TEST(ConfSyntax, SelfReferencingEnvironmentVariableStops) {
    ::setenv("NMK_CONF_TEST_LOOP", "$NMK_CONF_TEST_LOOP", 1);
    EXPECT_NE(error_of("a: $NMK_CONF_TEST_LOOP\n").find("could not be parsed"), std::string::npos);
}

TEST(ConfSyntax, BcryptHashIsNotAVariable) {
    const Value v = parse("pass: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG\n");
    EXPECT_EQ(v.find("pass")->as_string(), "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG");
}

TEST(ConfSyntax, EscapedDollarInBareWordIsAString) {
    const Value v = parse("a: $x\\t\n");
    EXPECT_EQ(v.find("a")->as_string(), "$x\t");
}

struct BadCase {
    const char* text;
    const char* error;
};

class ConfSyntaxErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfSyntaxErrors, NameFileLineAndColumn) { EXPECT_EQ(error_of(GetParam().text), GetParam().error); }

INSTANTIATE_TEST_SUITE_P(
    All, ConfSyntaxErrors,
    ::testing::Values(
        BadCase{"port: 4222\nx = [1,2\n", "t.conf:3:1: Unexpected EOF processing array."},
        BadCase{"a = [1 2]\n", "t.conf:1:8: Expected an array value terminator \",\" or an array terminator \"]\", "
                               "but got '2' instead."},
        BadCase{"a = [,1]\n", "t.conf:1:6: Unexpected array value terminator ','."},
        BadCase{"a = [1,,2]\n", "t.conf:1:8: Unexpected array value terminator ','."},
        BadCase{"x = {a: 1\n", "t.conf:2:1: Unexpected EOF processing map."},
        BadCase{"x = {a: 1 b: 2}\n", "t.conf:1:11: Expected a map value terminator \",\" or a map terminator "
                                     "\"}\", but got 'b' instead."},
        BadCase{"x = {a = , b: 1}\n", "t.conf:1:10: Unexpected map value terminator \",\"."},
        // A leading ',' reads as a key named "," (nats-server does the same).
        BadCase{"x = {, a: 1}\n", "t.conf:1:11: Expected a map value terminator \",\" or a map terminator "
                                  "\"}\", but got '1' instead."},
        BadCase{"x { a = }\n", "t.conf:1:9: Expected a value for key 'a'"},
        BadCase{"x { ]\n", "t.conf:1:5: Unexpected array end ']' processing map."},
        BadCase{"x { a: 1, = 2 }\n", "t.conf:1:11: Unexpected key separator '='."},
        BadCase{"= 5\n", "t.conf:1:1: Unexpected key separator '='"},
        BadCase{"authorization{ user: a }\n", "t.conf:1:22: Expected a top-level value to end with a new line, "
                                              "comment or EOF, but got 'a' instead."},
        BadCase{"a = 1 2\n", "t.conf:1:7: Expected a top-level value to end with a new line, comment or EOF, but "
                             "got '2' instead."},
        BadCase{"a = \n 5\n", "t.conf:1:5: Expected value but found new line"},
        BadCase{"x = .5\n", "t.conf:1:5: Floats must start with a digit"},
        BadCase{"x = -.5\n", "t.conf:1:6: Floats must start with a digit, not '.'."},
        BadCase{"x = -a\n", "t.conf:1:6: Expected a digit but got 'a'."},
        BadCase{"x = 1.\n", "t.conf:1:7: Floats must have a digit after the '.', but got '\\n' instead."},
        BadCase{"x = \"abc\n", "t.conf:2:1: Unexpected EOF."},
        BadCase{"x = 'abc\n", "t.conf:2:1: Unexpected EOF."},
        BadCase{"s = \"ab\\qc\"\n", "t.conf:1:10: Invalid escape character 'q'. Only the following escape characters "
                                  "are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\."},
        BadCase{"x = \"\\x4g\"\n", "t.conf:1:8: Expected two hexadecimal digits after '\\x', but got '4g'"},
        BadCase{"x = \"\\x4\n\"\n", "t.conf:1:8: Expected two hexadecimal digits after '\\x', but hit end of line"},
        BadCase{"\"unterminated: 1\n", "t.conf:2:1: Unexpected EOF."},
        BadCase{"m { \"k: 1 }\n", "t.conf:2:1: Unexpected EOF processing double quoted map key."},
        BadCase{"m { 'k: 1 }\n", "t.conf:2:1: Unexpected EOF processing quoted map key."},
        BadCase{"m { k", "t.conf:1:6: Unexpected EOF processing map key."},
        BadCase{"a: 1 / b\n", "t.conf:1:6: Expected a top-level value to end with a new line, comment or EOF, "
                              "but got '/' instead."},
        BadCase{"include [x]\n", "t.conf:1:9: Expected include value but found start of an array"},
        BadCase{"include {x}\n", "t.conf:1:9: Expected include value but found start of a map"},
        BadCase{"include 5\n", "t.conf:1:9: Expected include value but found start of a number"},
        BadCase{"include \"x\n", "t.conf:2:1: Unexpected EOF in double quoted include"}));

TEST(ConfSyntax, CrLfLineEndings) {
    const Value v = parse("a: 1\r\nb {\r\n  c: 2\r\n}\r\nd = [1,\r\n 2]\r\n");
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_EQ(v.find("b")->find("c")->as_int(), 2);
    EXPECT_EQ(v.find("d")->as_array().size(), 2u);
}

TEST(ConfSyntax, DeepNestingIsAnErrorNotACrash) {
    EXPECT_NE(error_of("a = " + std::string(100000, '[')).find("nested too deeply"), std::string::npos);
    std::string ok = "a = ";
    for (int i = 0; i < 100; ++i) ok += "{b = ";
    ok += "1" + std::string(100, '}');
    EXPECT_EQ(error_of(ok), "");
}

// Random input built from the syntax's own characters either parses or throws
// ConfigError; nothing else (checked under the sanitizers too).
TEST(ConfSyntax, RandomInputOnlyEverThrowsConfigError) {
    static constexpr std::string_view alphabet = "ab1-.$kKmbi\\\"'{}[](),;:=# \n\t/x2T";
    std::mt19937 rng(12345);
    for (int i = 0; i < 5000; ++i) {
        std::string text;
        const std::size_t len = rng() % 40;
        for (std::size_t j = 0; j < len; ++j) text += alphabet[rng() % alphabet.size()];
        try {
            (void)parse(text);
        } catch (const ConfigError&) {
        }
    }
}

TEST(ConfSyntax, ErrorNamesTheGivenFile) {
    try {
        parse_config_string("a = [", "/etc/x/server.conf");
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()), "/etc/x/server.conf:1:6: Unexpected EOF processing array.");
    }
}

}  // namespace
}  // namespace nats::config
