#include "kernel/protocol/parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace nats::protocol {
namespace {

constexpr std::size_t k_crlf = 2;
// nats-server's parseSize accepts at most 9 digits (999,999,999); longer is a bad size.
constexpr std::size_t k_max_size_digits = 9;
// A split payload up to this size is reserved in one go; a larger one grows as it
// arrives, so announcing a huge size without sending it does not allocate it.
constexpr std::size_t k_max_upfront_reserve = 1024 * 1024;
constexpr std::size_t k_max_error_context = 128;
constexpr std::size_t k_unknown_op_context = 32;

// Operation names in lower case, indexed by Parser::Op. Their first byte is matched
// by an explicit switch; every later byte is a letter, so `b | 0x20` folds case exactly.
constexpr std::string_view k_names[] = {"pub", "hpub", "sub", "unsub", "ping", "pong", "connect", "info", "+ok", "-err"};

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

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

// Splits on runs of blanks. Returns the number of arguments, or Cap + 1 when
// there are more than Cap (only the first Cap are stored).
template <std::size_t Cap>
inline std::size_t split_args(std::string_view s, std::string_view (&out)[Cap]) {
    std::size_t n = 0;
    const char* p = s.data();
    const char* const end = p + s.size();
    for (;;) {
        while (p < end && is_blank(*p)) ++p;
        if (p == end) return n;
        const char* const start = p;
        while (p < end && !is_blank(*p)) ++p;
        if (n == Cap) return Cap + 1;
        out[n++] = std::string_view(start, static_cast<std::size_t>(p - start));
    }
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

inline std::string_view snippet(const char* p, const char* end, std::size_t max) {
    return {p, std::min(static_cast<std::size_t>(end - p), max)};
}

}  // namespace

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
                    state_ = State::op_skip_space;
                    p += 4;
                    continue;
                }
                if (w == k_hpub && is_blank(p[4])) {
                    op_ = Op::hpub;
                    state_ = State::op_skip_space;
                    p += 5;
                    continue;
                }
            }
            switch (*p) {
            case 'P': case 'p': state_ = State::op_p; ++p; continue;
            case 'H': case 'h': op_ = Op::hpub; break;
            case 'S': case 's': op_ = Op::sub; break;
            case 'U': case 'u': op_ = Op::unsub; break;
            case 'C': case 'c': op_ = Op::connect; break;
            case 'I': case 'i': op_ = Op::info; break;
            case '+': op_ = Op::ok; break;
            case '-': op_ = Op::err; break;
            default: return fail(ParseError::unknown_operation, snippet(p, end, k_unknown_op_context));
            }
            name_pos_ = 1;
            state_ = State::op_name;
            ++p;
            continue;
        }
        case State::op_p:
            switch (*p) {
            case 'U': case 'u': op_ = Op::pub; break;
            case 'I': case 'i': op_ = Op::ping; break;
            case 'O': case 'o': op_ = Op::pong; break;
            default: return fail(ParseError::unknown_operation, snippet(p, end, k_unknown_op_context));
            }
            name_pos_ = 2;
            state_ = State::op_name;
            ++p;
            continue;
        case State::op_name: {
            const std::string_view name = k_names[static_cast<std::size_t>(op_)];
            if ((*p | 0x20) != name[name_pos_]) {
                return fail(ParseError::unknown_operation, snippet(p, end, k_unknown_op_context));
            }
            ++p;
            if (++name_pos_ < name.size()) continue;
            switch (op_) {
            // Like nats-server: CONNECT and INFO need no blank before their JSON,
            // and anything after PING/PONG/+OK up to LF is ignored.
            case Op::connect: case Op::info: state_ = State::op_skip_space; break;
            case Op::ping: case Op::pong: case Op::ok: state_ = State::skip_line; break;
            default: state_ = State::op_space; break;
            }
            continue;
        }
        case State::op_space:
            if (!is_blank(*p)) return fail(ParseError::unknown_operation, snippet(p, end, k_unknown_op_context));
            ++p;
            state_ = State::op_skip_space;
            continue;
        case State::op_skip_space:
            // Leading blanks are not part of the control line nats-server measures.
            while (p < end && is_blank(*p)) ++p;
            if (p < end) state_ = State::arg;
            continue;
        case State::skip_line: {
            const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
            if (nl == nullptr) {
                p = end;
                continue;
            }
            p = nl + 1;
            state_ = State::op_start;
            const bool ok = op_ == Op::ping ? handler.on_ping() : op_ == Op::pong ? handler.on_pong() : handler.on_ok();
            if (!ok) return fail(ParseError::handler_stopped, {});
            continue;
        }
        case State::arg: {
            const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
            if (nl == nullptr) {
                // Split control line. nats-server checks the limit at the end of
                // every read, not only at LF, so a line that never ends cannot
                // grow memory; a CR that may start the CRLF does not count.
                const std::size_t chunk = static_cast<std::size_t>(end - p);
                const std::size_t length = spill_.size() + chunk - (end[-1] == '\r' ? 1 : 0);
                if (length > limits_.max_control_line) {
                    const std::string_view context = spill_.empty() ? std::string_view(p, chunk) : spill_.view();
                    return fail(ParseError::max_control_line, context);
                }
                spill_.append(p, chunk);
                p = end;
                continue;
            }
            const bool in_spill = !spill_.empty();
            std::string_view line;
            if (in_spill) {
                spill_.append(p, static_cast<std::size_t>(nl - p));
                line = spill_.view();
            } else {
                line = std::string_view(p, static_cast<std::size_t>(nl - p));
            }
            p = nl + 1;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.size() > limits_.max_control_line) return fail(ParseError::max_control_line, line);
            const ParseError e = on_line(line, in_spill, p, end, handler);
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

ParseError Parser::on_line(std::string_view line, bool line_in_spill, const char*& p, const char* end,
                           ParserHandler& handler) {
    bool ok = true;
    switch (op_) {
    case Op::pub:
    case Op::hpub:
        return on_pub_line(line, line_in_spill, p, end, handler);
    case Op::sub: {
        std::string_view args[3];
        const std::size_t n = split_args(line, args);
        if (n == 2) {
            ok = handler.on_sub(args[0], {}, args[1]);
        } else if (n == 3) {
            ok = handler.on_sub(args[0], args[1], args[2]);
        } else {
            return fail(ParseError::bad_arguments, line);
        }
        break;
    }
    case Op::unsub: {
        std::string_view args[2];
        const std::size_t n = split_args(line, args);
        if (n == 1) {
            ok = handler.on_unsub(args[0], std::nullopt);
        } else if (n == 2) {
            // nats-server treats an unparsable max as "no max" (it unsubscribes at once).
            const std::int64_t max = parse_size(args[1]);
            ok = handler.on_unsub(args[0], max >= 0 ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(max))
                                                    : std::nullopt);
        } else {
            return fail(ParseError::bad_arguments, line);
        }
        break;
    }
    case Op::connect:
        ok = handler.on_connect(trim_blanks(line));
        break;
    case Op::info:
        ok = handler.on_info(trim_blanks(line));
        break;
    case Op::err:
        ok = handler.on_err(trim_blanks(line));
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

ParseError Parser::on_pub_line(std::string_view line, bool line_in_spill, const char*& p, const char* end,
                               ParserHandler& handler) {
    // Checks in nats-server's order: argument count, sizes, header vs total, max_payload.
    std::string_view args[4];
    const std::size_t n = split_args(line, args);
    PubArgs pub;
    std::int64_t header_size = 0;
    std::int64_t total_size = -1;
    if (op_ == Op::pub) {
        if (n != 2 && n != 3) return fail(ParseError::bad_arguments, line);
        pub.subject = args[0];
        if (n == 3) pub.reply = args[1];
        total_size = parse_size(args[n - 1]);
        if (total_size < 0) return fail(ParseError::bad_arguments, line);
    } else {
        if (n != 3 && n != 4) return fail(ParseError::bad_arguments, line);
        pub.subject = args[0];
        if (n == 4) pub.reply = args[1];
        header_size = parse_size(args[n - 2]);
        total_size = parse_size(args[n - 1]);
        if (header_size < 0 || total_size < 0 || header_size > total_size) {
            return fail(ParseError::bad_arguments, line);
        }
    }
    if (limits_.max_payload >= 0 && total_size > limits_.max_payload) return fail(ParseError::max_payload, line);
    pub.header_size = static_cast<std::size_t>(header_size);
    pub.total_size = static_cast<std::size_t>(total_size);

    const std::size_t need = pub.total_size + k_crlf;
    const std::size_t avail = static_cast<std::size_t>(end - p);
    if (avail >= need) {
        // The whole message is here: hand it over in place and jump past it.
        if (bad_terminator(p + pub.total_size, k_crlf)) return fail(ParseError::bad_payload_terminator, line);
        const std::string_view data(p, pub.total_size);
        p += need;
        state_ = State::op_start;
        const bool ok = handler.on_pub(pub, data);
        if (line_in_spill) spill_.release();
        return ok ? ParseError::none : fail(ParseError::handler_stopped, {});
    }

    // The payload straddles this read: keep the control line and what has arrived.
    if (avail > pub.total_size && bad_terminator(p + pub.total_size, avail - pub.total_size)) {
        return fail(ParseError::bad_payload_terminator, line);
    }
    subject_offset_ = static_cast<std::size_t>(pub.subject.data() - line.data());
    subject_len_ = pub.subject.size();
    reply_offset_ = pub.reply.empty() ? 0 : static_cast<std::size_t>(pub.reply.data() - line.data());
    reply_len_ = pub.reply.size();
    pending_header_size_ = pub.header_size;
    pending_total_size_ = pub.total_size;
    payload_offset_ = line.size();
    const std::size_t reserve = line.size() + std::min(need, k_max_upfront_reserve);
    if (line_in_spill) {
        spill_.truncate(line.size());  // drops the CR; `line` already starts the buffer
        spill_.reserve(reserve);
    } else {
        spill_.reserve(reserve);
        spill_.append(line.data(), line.size());
    }
    spill_.append(p, avail);
    p = end;
    state_ = State::payload;
    return ParseError::none;
}

ParseError Parser::continue_payload(const char*& p, const char* end, ParserHandler& handler) {
    const std::size_t terminator_at = payload_offset_ + pending_total_size_;
    const std::size_t want = terminator_at + k_crlf;
    const std::size_t take = std::min(want - spill_.size(), static_cast<std::size_t>(end - p));
    spill_.append(p, take);
    p += take;
    if (spill_.size() > terminator_at &&
        bad_terminator(spill_.data() + terminator_at, spill_.size() - terminator_at)) {
        return fail(ParseError::bad_payload_terminator, spill_.view().substr(0, payload_offset_));
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

ParseError Parser::fail(ParseError e, std::string_view context) {
    // Copy the context first: it may point into spill_.
    error_context_.assign(context.substr(0, k_max_error_context));
    spill_.release();
    failed_ = e;
    state_ = State::failed;
    return e;
}

}  // namespace nats::protocol
