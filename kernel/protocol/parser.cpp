#include "kernel/protocol/parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>

#include <nats_sdk/go_quote.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace nats::protocol {
namespace {

constexpr std::size_t k_crlf = 2;
// nats-server's parseSize accepts at most 9 digits (999,999,999); longer is a bad size.
constexpr std::size_t k_max_size_digits = 9;
// A split payload up to this size is reserved in one go; a larger one grows as it
// arrives, so announcing a huge size without sending it does not allocate it.
constexpr std::size_t k_max_upfront_reserve = 1024 * 1024;
// nats-server's PROTO_SNIPPET_SIZE and MAX_CONTROL_LINE_SNIPPET_SIZE: how much of the
// offending input its error logs quote.
constexpr std::size_t k_proto_snippet = 32;
constexpr std::size_t k_control_line_snippet = 128;

// Operation names in lower case, indexed by Parser::Op. Their first byte is matched
// by an explicit switch; every later byte is a letter, so `b | 0x20` folds case exactly.
constexpr std::string_view k_names[] = {"pub",  "hpub",    "sub",  "unsub", "ping",
                                        "pong", "connect", "info", "+ok",   "-err"};

inline bool is_blank(char c) {
    return c == ' ' || c == '\t';
}
// Inside a control line a CR separates like a blank, so the CR of the final CRLF
// ends the last argument without a second look.
inline bool is_separator(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// Four bytes as one word in native byte order, for the PUB/HPUB fast path.
constexpr std::uint32_t word(char a, char b, char c, char d) {
    return std::bit_cast<std::uint32_t>(std::array<char, 4>{a, b, c, d});
}
constexpr std::uint32_t k_case_fold = word(0x20, 0x20, 0x20, 0x20);
constexpr std::uint32_t k_first_three = word('\xff', '\xff', '\xff', 0);
constexpr std::uint32_t k_pub = word('p', 'u', 'b', 0);
constexpr std::uint32_t k_hpub = word('h', 'p', 'u', 'b');

inline std::uint32_t load_folded(const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w | k_case_fold;
}

inline const char* find_lf(const char* p, const char* end) {
    return static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
}

// First separator or LF in [p, end), or end. Arguments are short, so one
// 16-byte compare usually finds the end of one.
inline const char* find_argument_end(const char* p, const char* end) {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    for (; end - p >= 16; p += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab)),
                                          _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
        if (mask != 0) return p + std::countr_zero(mask);
    }
#endif
    while (p < end && !is_separator(*p) && *p != '\n') ++p;
    return p;
}

// Splits the control line starting at p into arguments, in one pass up to its
// LF. Returns the LF, or nullptr when [p, end) has none. `count` is the number
// of arguments; Cap + 1 means "more than Cap" (only Cap are stored).
template <std::size_t Cap>
inline const char* scan_args(const char* p, const char* end, std::string_view (&args)[Cap], std::size_t& count) {
    count = 0;
    for (;;) {
        while (p < end && is_separator(*p)) ++p;
        if (p == end) return nullptr;
        if (*p == '\n') return p;
        if (count == Cap) {
            ++count;
            return find_lf(p, end);
        }
        const char* const arg_end = find_argument_end(p, end);
        args[count++] = std::string_view(p, static_cast<std::size_t>(arg_end - p));
        if (arg_end == end) return nullptr;
        p = arg_end;
    }
}

#if defined(__SSE2__)
// scan_args for the usual short line: classifies 32 bytes at once and reads the
// arguments off the bit masks. Needs 32 readable bytes at p; returns nullptr when
// the LF is not among them (the caller then falls back to scan_args).
template <std::size_t Cap>
inline const char* scan_args_window(const char* p, std::string_view (&args)[Cap], std::size_t& count) {
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    const __m128i lf = _mm_set1_epi8('\n');
    const std::uint32_t lf_bits = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(lo, lf))) |
                                  static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(hi, lf))) << 16;
    if (lf_bits == 0) return nullptr;
    const auto separators = [](__m128i v) {
        const __m128i s = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
        return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(s, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))));
    };
    const std::uint32_t before_lf = (lf_bits & (0u - lf_bits)) - 1;
    // One bit per argument byte; the LF bit is clear, so every run ends inside the word.
    const std::uint32_t arg_bits = ~(separators(lo) | separators(hi) << 16) & before_lf;
    std::uint32_t starts = arg_bits & ~(arg_bits << 1);
    count = 0;
    while (starts != 0) {
        if (count == Cap) {
            ++count;
            break;
        }
        const int start = std::countr_zero(starts);
        const int length = std::countr_zero(~(arg_bits >> start));
        args[count++] = std::string_view(p + start, static_cast<std::size_t>(length));
        starts &= starts - 1;
    }
    return p + std::countr_zero(lf_bits);
}
#endif

// scan_args for a line in the caller's buffer, trying the wide scan first.
template <std::size_t Cap>
inline const char* scan_args_in_read(const char* p, const char* end, std::string_view (&args)[Cap],
                                     std::size_t& count) {
#if defined(__SSE2__)
    if (end - p >= 32) {
        if (const char* lf = scan_args_window(p, args, count)) return lf;
    }
#endif
    return scan_args(p, end, args, count);
}

// Decimal size as nats-server parses it: 1 to 9 digits, nothing else; -1 when bad.
inline std::int64_t parse_size(std::string_view s) {
    if (s.empty() || s.size() > k_max_size_digits) return -1;
    std::int64_t n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// True when one of the `present` (0..2) bytes after a payload is not the CRLF it must be.
inline bool bad_terminator(const char* after_payload, std::size_t present) {
    return (present >= 1 && after_payload[0] != '\r') || (present >= 2 && after_payload[1] != '\n');
}

// The error details below are nats-server's log texts. They quote client bytes with
// Go's %q, so a log line can never carry a raw CR, LF or control byte from them.

// protoSnippet(): %q of up to `max` bytes of `rest`; when fewer remain, the last one
// (usually the LF) is left out, as there.
[[gnu::cold]] std::string proto_snippet(std::string_view rest, std::size_t max) {
    if (rest.size() < max) return nats_sdk::go_quote(rest.substr(0, rest.empty() ? 0 : rest.size() - 1));
    return nats_sdk::go_quote(rest.substr(0, max));
}

[[gnu::cold]] std::string unknown_operation_detail(const char* p, const char* end) {
    return proto_snippet({p, static_cast<std::size_t>(end - p)}, k_proto_snippet);
}

// processPub / processHeaderPub / processSub / processUnsub: "<where> <what>: %q".
[[gnu::cold]] std::string arguments_detail(std::string_view what, std::string_view arguments) {
    return std::string(what) + ": " + nats_sdk::go_quote(arguments);
}

// nats-server adds its parser state and buffer length, which mean nothing here.
[[gnu::cold]] std::string control_line_detail(std::size_t limit, std::string_view line) {
    return "maximum control line exceeded: max_control_line " + std::to_string(limit) +
           " (snip: " + proto_snippet(line, k_control_line_snippet) + "...)";
}

// The byte that is not the CR or LF it must be, and what follows it in this read.
[[gnu::cold]] std::string terminator_detail(std::string_view after_payload, std::string_view rest_of_read = {}) {
    std::string from_bad(after_payload.substr(after_payload.size() >= 1 && after_payload[0] == '\r' ? 1 : 0));
    from_bad.append(rest_of_read);
    return proto_snippet(from_bad, k_proto_snippet);
}

}  // namespace

// The per-operation steps are separate functions for reading, but belong inside
// parse()'s loop: a call with eight arguments per message costs more than the work.
#if defined(__GNUC__)
#define NMK_PARSER_HOT [[gnu::always_inline]] inline
#else
#define NMK_PARSER_HOT inline
#endif

NMK_PARSER_HOT ParseError Parser::on_control_line(const char* line, const char* lf, bool line_in_spill,
                                                  const std::string_view* args, std::size_t arg_count, const char*& p,
                                                  const char* end, ParserHandler& handler) {
    std::size_t length = static_cast<std::size_t>(lf - line);
    if (length != 0 && lf[-1] == '\r') --length;
    const std::string_view text(line, length);
    if (length > limits_.max_control_line) {
        return fail(ParseError::max_control_line, control_line_detail(limits_.max_control_line, text));
    }

    bool ok = true;
    switch (op_) {
    case Op::pub:
    case Op::hpub:
        return on_pub_line(text, line_in_spill, args, arg_count, p, end, handler);
    case Op::sub:
        if (arg_count == 2) {
            ok = handler.on_sub(args[0], {}, args[1]);
        } else if (arg_count == 3) {
            ok = handler.on_sub(args[0], args[1], args[2]);
        } else {
            return fail(ParseError::bad_arguments, arguments_detail("processSub Parse Error", text));
        }
        break;
    case Op::unsub:
        if (arg_count == 1) {
            ok = handler.on_unsub(args[0], std::nullopt);
        } else if (arg_count == 2) {
            // nats-server treats an unparsable max as "no max" (it unsubscribes at once).
            const std::int64_t max = parse_size(args[1]);
            ok = handler.on_unsub(
                args[0], max >= 0 ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(max)) : std::nullopt);
        } else {
            return fail(ParseError::bad_arguments, arguments_detail("processUnsub Parse Error", text));
        }
        break;
    case Op::connect:
        ok = handler.on_connect(trim_blanks(text));
        break;
    case Op::info:
        ok = handler.on_info(trim_blanks(text));
        break;
    case Op::err:
        ok = handler.on_err(trim_blanks(text));
        break;
    case Op::ping:
    case Op::pong:
    case Op::ok:
        break;  // handled in State::skip_line; never collected as a line
    }
    state_ = State::op_start;
    if (line_in_spill) spill_.release();
    return ok ? ParseError::none : fail(ParseError::handler_stopped, {});
}

NMK_PARSER_HOT ParseError Parser::on_pub_line(std::string_view line, bool line_in_spill, const std::string_view* args,
                                              std::size_t arg_count, const char*& p, const char* end,
                                              ParserHandler& handler) {
    // Checks in nats-server's order: argument count, sizes, header vs total, max_payload.
    PubArgs pub;
    std::int64_t header_size = 0;
    std::int64_t total_size = -1;
    if (op_ == Op::pub) {
        if (arg_count != 2 && arg_count != 3) {
            return fail(ParseError::bad_arguments, arguments_detail("processPub Parse Error", line));
        }
        pub.subject = args[0];
        if (arg_count == 3) pub.reply = args[1];
        total_size = parse_size(args[arg_count - 1]);
        if (total_size < 0) return fail(ParseError::bad_arguments, arguments_detail("processPub Bad or Missing Size", line));
    } else {
        if (arg_count != 3 && arg_count != 4) {
            return fail(ParseError::bad_arguments, arguments_detail("processHeaderPub Parse Error", line));
        }
        pub.subject = args[0];
        if (arg_count == 4) pub.reply = args[1];
        header_size = parse_size(args[arg_count - 2]);
        total_size = parse_size(args[arg_count - 1]);
        // nats-server's words, "then" included.
        const char* bad = header_size < 0  ? "processHeaderPub Bad or Missing Header Size"
                          : total_size < 0 ? "processHeaderPub Bad or Missing Total Size"
                          : header_size > total_size ? "processHeaderPub Header Size larger then TotalSize"
                                                     : nullptr;
        if (bad) return fail(ParseError::bad_arguments, arguments_detail(bad, line));
    }
    if (limits_.max_payload >= 0 && total_size > limits_.max_payload) {
        return fail(ParseError::max_payload, "maximum payload exceeded: " + std::to_string(total_size) + " vs " +
                                                 std::to_string(limits_.max_payload));
    }
    pub.header_size = static_cast<std::size_t>(header_size);
    pub.total_size = static_cast<std::size_t>(total_size);

    const std::size_t need = pub.total_size + k_crlf;
    const std::size_t avail = static_cast<std::size_t>(end - p);
    if (avail >= need) {
        // The whole message is here: hand it over in place and jump past it.
        if (bad_terminator(p + pub.total_size, k_crlf)) {
            return fail(ParseError::bad_payload_terminator,
                        terminator_detail({p + pub.total_size, static_cast<std::size_t>(end - p) - pub.total_size}));
        }
        const std::string_view data(p, pub.total_size);
        p += need;
        state_ = State::op_start;
        const bool ok = handler.on_pub(pub, data);
        if (line_in_spill) spill_.release();
        return ok ? ParseError::none : fail(ParseError::handler_stopped, {});
    }

    // The payload straddles this read: keep the control line and what has arrived.
    if (avail > pub.total_size && bad_terminator(p + pub.total_size, avail - pub.total_size)) {
        return fail(ParseError::bad_payload_terminator, terminator_detail({p + pub.total_size, avail - pub.total_size}));
    }
    // Offsets first: growing the spill may move a line that lives in it.
    subject_offset_ = static_cast<std::size_t>(pub.subject.data() - line.data());
    subject_len_ = pub.subject.size();
    reply_offset_ = pub.reply.empty() ? 0 : static_cast<std::size_t>(pub.reply.data() - line.data());
    reply_len_ = pub.reply.size();
    pending_header_size_ = pub.header_size;
    pending_total_size_ = pub.total_size;
    const std::size_t upfront = std::min(need, k_max_upfront_reserve);
    if (line_in_spill) {
        payload_offset_ = spill_.size();  // after the line and its CRLF
        spill_.reserve(payload_offset_ + upfront);
    } else {
        payload_offset_ = line.size();
        spill_.reserve(payload_offset_ + upfront);
        spill_.append(line.data(), line.size());
    }
    spill_.append(p, avail);
    p = end;
    state_ = State::payload;
    return ParseError::none;
}

ParseError Parser::parse(const char* data, std::size_t size, ParserHandler& handler) {
    const char* p = data;
    const char* const end = data + size;
    while (p < end) {
        switch (state_) {
        case State::op_start: {
            // Fast path for the hot operations when the whole name is in view.
            if (end - p >= 5) {
                const std::uint32_t w = load_folded(p);
                if ((w & k_first_three) == k_pub && is_blank(p[3])) {
                    op_ = Op::pub;
                    state_ = State::arg;
                    p += 4;
                    continue;
                }
                if (w == k_hpub && is_blank(p[4])) {
                    op_ = Op::hpub;
                    state_ = State::arg;
                    p += 5;
                    continue;
                }
            }
            switch (*p) {
            case 'P':
            case 'p':
                state_ = State::op_p;
                ++p;
                continue;
            case 'H':
            case 'h':
                op_ = Op::hpub;
                break;
            case 'S':
            case 's':
                op_ = Op::sub;
                break;
            case 'U':
            case 'u':
                op_ = Op::unsub;
                break;
            case 'C':
            case 'c':
                op_ = Op::connect;
                break;
            case 'I':
            case 'i':
                op_ = Op::info;
                break;
            case '+':
                op_ = Op::ok;
                break;
            case '-':
                op_ = Op::err;
                break;
            default:
                return fail(ParseError::unknown_operation, unknown_operation_detail(p, end));
            }
            name_pos_ = 1;
            state_ = State::op_name;
            ++p;
            continue;
        }
        case State::op_p:
            switch (*p) {
            case 'U':
            case 'u':
                op_ = Op::pub;
                break;
            case 'I':
            case 'i':
                op_ = Op::ping;
                break;
            case 'O':
            case 'o':
                op_ = Op::pong;
                break;
            default:
                return fail(ParseError::unknown_operation, unknown_operation_detail(p, end));
            }
            name_pos_ = 2;
            state_ = State::op_name;
            ++p;
            continue;
        case State::op_name: {
            const std::string_view name = k_names[static_cast<std::size_t>(op_)];
            if ((*p | 0x20) != name[name_pos_]) {
                return fail(ParseError::unknown_operation, unknown_operation_detail(p, end));
            }
            ++p;
            if (++name_pos_ < name.size()) continue;
            switch (op_) {
            // Like nats-server: CONNECT and INFO need no blank before their JSON,
            // and anything after PING/PONG/+OK up to LF is ignored.
            case Op::connect:
            case Op::info:
                state_ = State::arg;
                break;
            case Op::ping:
            case Op::pong:
            case Op::ok:
                state_ = State::skip_line;
                break;
            default:
                state_ = State::op_space;
                break;
            }
            continue;
        }
        case State::op_space:
            if (!is_blank(*p)) return fail(ParseError::unknown_operation, unknown_operation_detail(p, end));
            ++p;
            state_ = State::arg;
            continue;
        case State::skip_line: {
            const char* const lf = find_lf(p, end);
            if (lf == nullptr) {
                p = end;
                continue;
            }
            p = lf + 1;
            state_ = State::op_start;
            const bool ok = op_ == Op::ping ? handler.on_ping() : op_ == Op::pong ? handler.on_pong() : handler.on_ok();
            if (!ok) return fail(ParseError::handler_stopped, {});
            continue;
        }
        case State::arg: {
            const bool takes_args = op_ == Op::pub || op_ == Op::hpub || op_ == Op::sub || op_ == Op::unsub;
            std::string_view args[max_args];
            std::size_t arg_count = 0;
            if (spill_.empty()) {
                // Leading blanks are not part of the control line nats-server measures.
                while (p < end && is_blank(*p)) ++p;
                if (p == end) continue;
                const char* const lf = takes_args ? scan_args_in_read(p, end, args, arg_count) : find_lf(p, end);
                if (lf != nullptr) {
                    // The common case: the whole line is in this read.
                    const char* const line = p;
                    p = lf + 1;
                    const ParseError e = on_control_line(line, lf, false, args, arg_count, p, end, handler);
                    if (e != ParseError::none) return e;
                    continue;
                }
            }
            const char* const lf = find_lf(p, end);
            if (lf == nullptr) {
                // Split control line. nats-server checks the limit at the end of
                // every read, not only at LF, so a line that never ends cannot
                // grow memory; a CR that may start the CRLF does not count.
                const std::size_t chunk = static_cast<std::size_t>(end - p);
                const std::size_t length = spill_.size() + chunk - (end[-1] == '\r' ? 1 : 0);
                if (length > limits_.max_control_line) {
                    return fail(ParseError::max_control_line,
                                control_line_detail(limits_.max_control_line,
                                                    spill_.empty() ? std::string_view(p, chunk) : spill_.view()));
                }
                spill_.append(p, chunk);
                p = end;
                continue;
            }
            spill_.append(p, static_cast<std::size_t>(lf + 1 - p));
            p = lf + 1;
            const char* const line = spill_.data();
            const char* const line_lf = line + spill_.size() - 1;
            if (takes_args) scan_args(line, line_lf + 1, args, arg_count);
            const ParseError e = on_control_line(line, line_lf, true, args, arg_count, p, end, handler);
            if (e != ParseError::none) return e;
            continue;
        }
        case State::payload: {
            const ParseError e = continue_payload(p, end, handler);
            if (e != ParseError::none) return e;
            continue;
        }
        case State::failed:
            return failed_;
        }
    }
    return state_ == State::failed ? failed_ : ParseError::none;
}

ParseError Parser::continue_payload(const char*& p, const char* end, ParserHandler& handler) {
    const std::size_t terminator_at = payload_offset_ + pending_total_size_;
    const std::size_t want = terminator_at + k_crlf;
    const std::size_t take = std::min(want - spill_.size(), static_cast<std::size_t>(end - p));
    spill_.append(p, take);
    p += take;
    if (spill_.size() > terminator_at && bad_terminator(spill_.data() + terminator_at, spill_.size() - terminator_at)) {
        return fail(ParseError::bad_payload_terminator,
                    terminator_detail(spill_.view().substr(terminator_at), {p, static_cast<std::size_t>(end - p)}));
    }
    if (spill_.size() < want) return ParseError::none;

    PubArgs pub;
    pub.subject = std::string_view(spill_.data() + subject_offset_, subject_len_);
    pub.reply = std::string_view(spill_.data() + reply_offset_, reply_len_);
    pub.header_size = pending_header_size_;
    pub.total_size = pending_total_size_;
    state_ = State::op_start;
    const bool ok = handler.on_pub(pub, std::string_view(spill_.data() + payload_offset_, pending_total_size_));
    spill_.release();
    return ok ? ParseError::none : fail(ParseError::handler_stopped, {});
}

[[gnu::cold]] ParseError Parser::fail(ParseError e, std::string detail) {
    error_detail_ = std::move(detail);  // built before the spill goes: it may quote it
    spill_.release();
    failed_ = e;
    state_ = State::failed;
    return e;
}

}  // namespace nats::protocol
