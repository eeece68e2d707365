#pragma once
// One table of subjects with what nats-server 2.9.10 makes of each, and how a failing row
// is printed (shown()). Two tests read it:
//   tests/sdk/unit/subject_rules_test.cpp runs nats_sdk::subject's functions over it;
//   tests/integration/subject_rules_test.cpp sends each subject as SUB and PUB to a
//   server (ours, or NMK_SERVER_BIN=/usr/sbin/nats-server) and checks its answers.
// The columns were taken from nats-server 2.9.10's source (server/sublist.go) and
// checked on the wire against /usr/sbin/nats-server with verbose and pedantic on.
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace nats_sdk::test_tables {

// How the integration test can send a row.
enum class Wire {
    as_is,          // one protocol argument: SUB <s> 1 / PUB <s> 0
    splits,         // contains a space or tab: the server reads "a b" as subject a, queue/reply b
    not_sendable,   // contains CR or LF, or is empty: it cannot be one argument of a line
};

struct SubjectRule {
    std::string_view subject;
    bool valid;            // IsValidSubject (config, plugins)
    bool publish_valid;    // IsValidPublishSubject (valid and literal)
    bool literal_valid;    // IsValidLiteralSubject: a pedantic PUB is refused without it
    bool subscribe_valid;  // Sublist.Insert: a SUB is refused ("Invalid Subject") without it
    Wire wire = Wire::as_is;
};

using namespace std::string_view_literals;

// Text built at compile time: `size` bytes of `fill`, with a '.' at every odd index when
// `dotted` (so "t.t.t...").
template <std::size_t size>
struct Generated {
    char bytes[size]{};
    constexpr Generated(char fill, bool dotted) {
        for (std::size_t i = 0; i < size; ++i) bytes[i] = dotted && i % 2 == 1 ? '.' : fill;
    }
    constexpr std::string_view view() const { return {bytes, size}; }
};
// 4090 bytes: "SUB <it> 1" is exactly max_control_line (4096) long.
inline constexpr Generated<4090> long_subject('x', false);
// 1000 tokens: far past the 32 a tokenizer keeps on the stack.
inline constexpr Generated<1999> many_tokens('t', true);

//                          subject               valid  publish literal subscribe
inline constexpr SubjectRule subject_rules[] = {
    {"foo"sv,                                     true,  true,  true,  true},
    {"foo.bar.baz"sv,                             true,  true,  true,  true},
    {"$JS.API.INFO"sv,                            true,  true,  true,  true},
    {"_INBOX.abc123.1"sv,                         true,  true,  true,  true},
    {"a-b_c/d:e=f"sv,                             true,  true,  true,  true},
    // Wildcards.
    {"*"sv,                                       true,  false, false, true},
    {">"sv,                                       true,  false, false, true},
    {"a.*"sv,                                     true,  false, false, true},
    {"a.>"sv,                                     true,  false, false, true},
    {"*.*.>"sv,                                   true,  false, false, true},
    {"a.*.b"sv,                                   true,  false, false, true},
    // Wildcard characters inside a longer token are ordinary bytes.
    {"a.b*"sv,                                    true,  true,  true,  true},
    {"a.>>"sv,                                    true,  true,  true,  true},
    {"*a"sv,                                      true,  true,  true,  true},
    {">x"sv,                                      true,  true,  true,  true},
    {"**"sv,                                      true,  true,  true,  true},
    {"a*.>"sv,                                    true,  false, false, true},
    // Empty tokens.
    {"a..b"sv,                                    false, false, false, false},
    {".a"sv,                                      false, false, false, false},
    {"a."sv,                                      false, false, false, false},
    {"."sv,                                       false, false, false, false},
    {"a.*."sv,                                    false, false, false, false},
    {""sv,                                        false, false, false, false, Wire::not_sendable},
    // '>' must be the last token.
    {"a.>.b"sv,                                   false, false, false, false},
    {">.a"sv,                                     false, false, false, false},
    {">.>"sv,                                     false, false, false, false},
    {">.*"sv,                                     false, false, false, false},
    // Whitespace: IsValidSubject refuses it; the wire splits on space and tab, not on \f.
    {"a\fb"sv,                                    false, false, true,  true},
    {"a.\f"sv,                                    false, false, true,  true},
    {"a\tb"sv,                                    false, false, true,  true,  Wire::splits},
    {"a b"sv,                                     false, false, true,  true,  Wire::splits},
    {"a\rb"sv,                                    false, false, true,  true,  Wire::not_sendable},
    {"a\nb"sv,                                    false, false, true,  true,  Wire::not_sendable},
    // Other control bytes, NUL, vertical tab: ordinary bytes in nats-server 2.9.10.
    {"a\vb"sv,                                    true,  true,  true,  true},
    {"a\x01" "b"sv,                               true,  true,  true,  true},
    {"a\0b"sv,                                    true,  true,  true,  true},
    // Non-ASCII, valid UTF-8 or not: ordinary bytes.
    {"\xc3\xbc.\xe6\x97\xa5\xe6\x9c\xac"sv,       true,  true,  true,  true},
    {"\xff.\xfe"sv,                               true,  true,  true,  true},
    // Very long.
    {long_subject.view(),                         true,  true,  true,  true},
    {many_tokens.view(),                          true,  true,  true,  true},
};

// A row's subject as a failure message shows it: quoted, control and non-ASCII bytes as
// \xNN (the table has NUL, CR, LF and invalid UTF-8), cut after 40 bytes (two rows are
// thousands long).
inline std::string shown(std::string_view s) {
    std::string out;
    for (const unsigned char c : s.substr(0, 40)) {
        if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return '"' + out + (s.size() > 40 ? "...\"" : "\"");
}

}  // namespace nats_sdk::test_tables
