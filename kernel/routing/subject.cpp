#include "kernel/routing/subject.hpp"

#include "kernel/routing/tokens.hpp"

namespace nats::routing {

namespace {

// The same set nats-server's IsValidSubject rejects ("\t\n\f\r ").
constexpr bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Shared grammar walk. A token after a '>' token, an empty token or any
// whitespace makes the subject invalid; wildcards count only as whole tokens.
bool valid_subject(std::string_view subject, bool allow_wildcards) {
    if (subject.empty()) return false;
    bool seen_fwc = false;
    std::size_t token_start = 0;
    for (std::size_t i = 0; i <= subject.size(); ++i) {
        if (i < subject.size() && subject[i] != '.') {
            if (is_space(subject[i])) return false;
            continue;
        }
        const std::size_t len = i - token_start;
        if (len == 0 || seen_fwc) return false;
        if (len == 1) {
            const char c = subject[token_start];
            if (c == '>' || c == '*') {
                if (!allow_wildcards) return false;
                seen_fwc = c == '>';
            }
        }
        token_start = i + 1;
    }
    return true;
}

}  // namespace

bool is_valid_subject(std::string_view subject) { return valid_subject(subject, true); }

bool is_valid_literal_subject(std::string_view subject) { return valid_subject(subject, false); }

bool is_valid_queue_name(std::string_view queue) {
    if (queue.empty()) return false;
    for (char c : queue) {
        if (is_space(c)) return false;
    }
    return true;
}

bool subject_matches(std::string_view literal_subject, std::string_view filter) {
    TokenCursor lit(literal_subject);
    TokenCursor fil(filter);
    while (fil.next()) {
        const std::string_view f = fil.token();
        if (f.empty()) return false;
        if (!lit.next() || lit.token().empty()) return false;
        if (f == ">") {
            // Only a last '>' is a wildcard; it covers the token just taken and
            // every remaining one, none of which may be empty.
            if (fil.has_more()) return false;
            while (lit.next()) {
                if (lit.token().empty()) return false;
            }
            return true;
        }
        if (f != "*" && f != lit.token()) return false;
    }
    return !lit.next();
}

bool subjects_overlap(std::string_view filter_a, std::string_view filter_b) {
    if (!is_valid_subject(filter_a) || !is_valid_subject(filter_b)) return false;
    TokenCursor a(filter_a);
    TokenCursor b(filter_b);
    while (true) {
        const bool a_more = a.next();
        const bool b_more = b.next();
        // Both exhausted together: same length, every position compatible.
        if (!a_more || !b_more) return a_more == b_more;
        const std::string_view ta = a.token();
        const std::string_view tb = b.token();
        // '>' is always last and covers whatever (non-empty) rest the other side has.
        if (ta == ">" || tb == ">") return true;
        if (ta != "*" && tb != "*" && ta != tb) return false;
    }
}

}  // namespace nats::routing
