#pragma once
// NATS subjects: the one implementation of nats-server 2.9.10's subject rules
// (server/sublist.go and what its client parser accepts), used by the kernel, the
// plugins, the libraries and the tools alike.
//
// Tokens are separated by '.'. A token is a wildcard only when it is exactly "*" (one
// token) or ">" (one or more trailing tokens): "a.b*", "*a", ">x" and "a.>>" are
// ordinary tokens. Every function takes a std::string_view, never allocates (except
// tokens(), which returns a vector) and is noexcept.
//
// Argument order, everywhere: the subject being tested comes first, the pattern (or
// the "bigger" subject) second, as in nats-server's matchLiteral(literal, subject) and
// subjectIsSubsetMatch(subject, test).

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace nats_sdk::subject {

inline constexpr char separator = '.';

// The whitespace nats-server's IsValidSubject refuses ("\t\n\f\r "). '\v' and NUL are
// not in it: nats-server 2.9.10 accepts both in subjects.
constexpr bool is_subject_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

constexpr bool is_pwc(std::string_view token) noexcept { return token.size() == 1 && token[0] == '*'; }
constexpr bool is_fwc(std::string_view token) noexcept { return token.size() == 1 && token[0] == '>'; }
constexpr bool is_wildcard_token(std::string_view token) noexcept { return is_pwc(token) || is_fwc(token); }

// Walks the tokens of a subject without allocating. Empty tokens ("a..b", ".a", "a.",
// and "" itself, which is one empty token) are reported as empty views so callers can
// refuse them.
class TokenCursor {
public:
    constexpr explicit TokenCursor(std::string_view subject) noexcept : rest_(subject) {}

    // Advances to the next token; false once every token was consumed.
    constexpr bool next() noexcept {
        if (done_) return false;
        const std::size_t dot = rest_.find(separator);
        if (dot == std::string_view::npos) {
            token_ = rest_;
            done_ = true;
        } else {
            token_ = rest_.substr(0, dot);
            rest_.remove_prefix(dot + 1);
        }
        return true;
    }
    constexpr std::string_view token() const noexcept { return token_; }
    // Whether another token follows the current one.
    constexpr bool has_more() const noexcept { return !done_; }

private:
    std::string_view rest_;
    std::string_view token_;
    bool done_ = false;
};

// nats-server's numTokens: 0 for "", otherwise the number of separators plus one.
constexpr std::size_t num_tokens(std::string_view subject) noexcept {
    if (subject.empty()) return 0;
    std::size_t n = 1;
    for (const char c : subject) n += c == separator ? 1 : 0;
    return n;
}

// nats-server's tokenAt: the index-th token counting from 1, "" when there is none.
constexpr std::string_view token_at(std::string_view subject, std::size_t index) noexcept {
    TokenCursor cursor(subject);
    for (std::size_t i = 1; cursor.next(); ++i) {
        if (i == index) return cursor.token();
    }
    return {};
}

// Every token, empty ones included (tokenizeSubjectIntoSlice). Allocates.
inline std::vector<std::string_view> tokens(std::string_view subject) {
    std::vector<std::string_view> out;
    TokenCursor cursor(subject);
    while (cursor.next()) out.push_back(cursor.token());
    return out;
}

constexpr std::string_view last_token(std::string_view subject) noexcept {
    const std::size_t dot = subject.rfind(separator);
    return dot == std::string_view::npos ? subject : subject.substr(dot + 1);
}

// nats-server's subjectIsLiteral: no token is exactly "*" or ">". It does not check
// validity ("a..b" is literal).
constexpr bool is_literal(std::string_view subject) noexcept {
    for (std::size_t i = 0; i < subject.size(); ++i) {
        const char c = subject[i];
        if ((c == '*' || c == '>') && (i == 0 || subject[i - 1] == separator) &&
            (i + 1 == subject.size() || subject[i + 1] == separator))
            return false;
    }
    return true;
}

// subjectHasWildcard.
constexpr bool has_wildcard(std::string_view subject) noexcept { return !is_literal(subject); }

// nats-server's IsValidSubject: not empty, no empty token, nothing after a ">" token,
// and none of "\t\n\f\r " anywhere. Used for subjects in configuration (permissions,
// imports, exports) and wherever a plugin names a subject to subscribe to.
constexpr bool is_valid_subject(std::string_view subject) noexcept {
    if (subject.empty()) return false;
    bool after_fwc = false;
    TokenCursor cursor(subject);
    while (cursor.next()) {
        const std::string_view t = cursor.token();
        if (t.empty() || after_fwc) return false;
        for (const char c : t) {
            if (is_subject_space(c)) return false;
        }
        after_fwc = is_fwc(t);
    }
    return true;
}

// nats-server's IsValidPublishSubject: IsValidSubject and literal.
constexpr bool is_valid_publish_subject(std::string_view subject) noexcept {
    return is_valid_subject(subject) && is_literal(subject);
}

// nats-server's IsValidLiteralSubject: no empty token and no wildcard token. It does
// NOT check whitespace; this is the check a pedantic PUB gets ("Invalid Publish
// Subject"), so "PUB a\fb 0" passes it.
constexpr bool is_valid_literal_subject(std::string_view subject) noexcept {
    TokenCursor cursor(subject);
    while (cursor.next()) {
        const std::string_view t = cursor.token();
        if (t.empty() || is_wildcard_token(t)) return false;
    }
    return true;
}

// What nats-server's Sublist.Insert accepts, and so what a client's SUB may name:
// no empty token and nothing after a ">" token. Whitespace is not checked there (the
// wire splits arguments on space, tab, CR and LF first, so "SUB a\fb 1" subscribes).
constexpr bool is_valid_subscribe_subject(std::string_view subject) noexcept {
    bool after_fwc = false;
    TokenCursor cursor(subject);
    while (cursor.next()) {
        const std::string_view t = cursor.token();
        if (t.empty() || after_fwc) return false;
        after_fwc = is_fwc(t);
    }
    return true;
}

// A queue group name a plugin may subscribe with: not empty, none of "\t\n\f\r ".
// (nats-server checks nothing on the wire; the wire's argument splitting already
// keeps space, tab, CR and LF out.)
constexpr bool is_valid_queue_name(std::string_view queue) noexcept {
    if (queue.empty()) return false;
    for (const char c : queue) {
        if (is_subject_space(c)) return false;
    }
    return true;
}

// Does the published subject `literal` match `pattern`? This is the delivery rule of
// nats-server's Sublist.Match (and of matchLiteral on valid subjects): "*" takes one
// token, a last ">" one or more, every other pattern token (a ">" that is not last
// included) must equal the literal's token byte for byte. A "*" or ">" token in the
// literal is an ordinary token, so it matches only the same wildcard or a wider one.
// A literal with an empty token matches nothing (Sublist.Match returns no result).
constexpr bool literal_matches(std::string_view literal, std::string_view pattern) noexcept {
    TokenCursor lit(literal);
    TokenCursor pat(pattern);
    while (pat.next()) {
        const std::string_view p = pat.token();
        if (!lit.next() || lit.token().empty()) return false;
        if (is_fwc(p) && !pat.has_more()) {
            while (lit.next()) {
                if (lit.token().empty()) return false;
            }
            return true;
        }
        if (!is_pwc(p) && p != lit.token()) return false;
    }
    return !lit.next();
}

namespace detail {

// A TokenCursor over tokens already split (nats-server keeps token slices around).
class SpanCursor {
public:
    constexpr explicit SpanCursor(std::span<const std::string_view> tokens) noexcept : tokens_(tokens) {}
    constexpr bool next() noexcept {
        if (next_ == tokens_.size()) return false;
        token_ = tokens_[next_++];
        return true;
    }
    constexpr std::string_view token() const noexcept { return token_; }

private:
    std::span<const std::string_view> tokens_;
    std::size_t next_ = 0;
    std::string_view token_;
};

// nats-server's isSubsetMatchTokenized over two cursors, quirks included: an empty
// token in `test` fails, a ">" in `test` accepts the rest, a "*" in `subject` needs a
// "*" in `test`, a ">" in `subject` needs a ">" in `test`, and any `test` token that
// starts with '*' ("*x" too) accepts a literal token.
template <class SubjectCursor, class TestCursor>
constexpr bool subset_match(SubjectCursor subject, TestCursor test) noexcept {
    while (test.next()) {
        const std::string_view t2 = test.token();
        if (!subject.next()) return false;
        if (t2.empty()) return false;
        if (is_fwc(t2)) return true;
        const std::string_view t1 = subject.token();
        if (t1.empty() || is_fwc(t1)) return false;
        if (is_pwc(t1)) {
            if (!is_pwc(t2)) return false;
            continue;
        }
        if (t2[0] != '*' && t1 != t2) return false;  // first byte only, as in nats-server
    }
    return !subject.next();
}

// analyzeTokens.
struct WildcardInfo {
    bool pwc = false;
    bool fwc = false;
    std::size_t tokens = 0;
};
constexpr WildcardInfo analyze(std::string_view subject) noexcept {
    WildcardInfo info;
    TokenCursor cursor(subject);
    while (cursor.next()) {
        ++info.tokens;
        info.pwc = info.pwc || is_pwc(cursor.token());
        info.fwc = info.fwc || is_fwc(cursor.token());
    }
    return info;
}

// tokensCanMatch: note it looks at the first byte only, so "*x" and ">x" count as
// wildcards here although nowhere else.
constexpr bool tokens_can_match(std::string_view a, std::string_view b) noexcept {
    if (a.empty() || b.empty()) return false;
    const char ca = a[0];
    const char cb = b[0];
    if (ca == '*' || cb == '*' || ca == '>' || cb == '>') return true;
    return a == b;
}

}  // namespace detail

// nats-server's subjectIsSubsetMatch(subject, test): is every subject that `subject`
// matches also matched by `test`? Both may hold wildcards: "foo.*" is a subset of ">",
// "*.*" and "foo.*", not of "foo.bar".
constexpr bool is_subset_match(std::string_view subject, std::string_view test) noexcept {
    return detail::subset_match(TokenCursor(subject), TokenCursor(test));
}
// The same on tokens already split (isSubsetMatchTokenized).
constexpr bool is_subset_match(std::span<const std::string_view> subject,
                               std::span<const std::string_view> test) noexcept {
    return detail::subset_match(detail::SpanCursor(subject), detail::SpanCursor(test));
}

// nats-server's SubjectsCollide: could one literal subject match both? Quirks kept:
// equal strings always collide (even invalid ones), and when both hold wildcards a
// token starting with '*' or '>' is treated as a wildcard.
constexpr bool subjects_collide(std::string_view a, std::string_view b) noexcept {
    if (a == b) return true;
    const detail::WildcardInfo ia = detail::analyze(a);
    const detail::WildcardInfo ib = detail::analyze(b);
    const bool literal_a = !(ia.pwc || ia.fwc);
    const bool literal_b = !(ib.pwc || ib.fwc);
    if (literal_a && literal_b) return false;  // equal strings returned above
    if (literal_a) return is_subset_match(a, b);
    if (literal_b) return is_subset_match(b, a);
    if (!ia.fwc && !ib.fwc && ia.tokens != ib.tokens) return false;
    if (ia.tokens < ib.tokens && !ia.fwc) return false;
    if (ib.tokens < ia.tokens && !ib.fwc) return false;
    TokenCursor ca(a);
    TokenCursor cb(b);
    while (ca.next() && cb.next()) {
        if (!detail::tokens_can_match(ca.token(), cb.token())) return false;
    }
    return true;
}

}  // namespace nats_sdk::subject
