#pragma once
// NATS header blocks (ADR-4), the bytes in front of an HPUB/HMSG payload:
//
//   NATS/1.0[ <status>[ <description>]]\r\n
//   Key: Value\r\n            (any number, keys may repeat, case is kept)
//   \r\n
//
// Two ways in:
// - header_value(block, key) / set_header(block, key, value): nats-server's getHeader
//   and setHeader on the raw bytes, quirks included; header_value never allocates, for
//   paths that touch every message.
// - Headers::parse(block) / Headers::build(): the whole block as fields, the way
//   nats.go's decodeHeadersMsg reads it (status and description from the first line,
//   keys case-sensitive, values with leading blanks dropped), and back.
// Lookups are case-sensitive everywhere, as in nats-server and nats.go (>= 1.11).

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nats_sdk {

inline constexpr std::string_view header_version = "NATS/1.0";
inline constexpr std::string_view header_crlf = "\r\n";

// Header names nats-server and JetStream give a meaning.
namespace header_names {
inline constexpr std::string_view msg_id = "Nats-Msg-Id";
inline constexpr std::string_view expected_stream = "Nats-Expected-Stream";
inline constexpr std::string_view expected_last_sequence = "Nats-Expected-Last-Sequence";
inline constexpr std::string_view expected_last_subject_sequence = "Nats-Expected-Last-Subject-Sequence";
inline constexpr std::string_view expected_last_msg_id = "Nats-Expected-Last-Msg-Id";
inline constexpr std::string_view rollup = "Nats-Rollup";
inline constexpr std::string_view stream = "Nats-Stream";
inline constexpr std::string_view sequence = "Nats-Sequence";
inline constexpr std::string_view subject = "Nats-Subject";
inline constexpr std::string_view time_stamp = "Nats-Time-Stamp";
inline constexpr std::string_view last_consumer = "Nats-Last-Consumer";
inline constexpr std::string_view last_stream = "Nats-Last-Stream";
inline constexpr std::string_view consumer_stalled = "Nats-Consumer-Stalled";
inline constexpr std::string_view pending_messages = "Nats-Pending-Messages";
inline constexpr std::string_view pending_bytes = "Nats-Pending-Bytes";
inline constexpr std::string_view request_info = "Nats-Request-Info";
// nats.go reports the first line's status and description under these keys.
inline constexpr std::string_view status = "Status";
inline constexpr std::string_view description = "Description";
}  // namespace header_names

// The block nats-server sends for a request nobody is subscribed to.
inline constexpr std::string_view no_responders_block = "NATS/1.0 503\r\n\r\n";

// nats-server's getHeader: the value of the first line "key:" in `block`, with the
// spaces after the colon skipped, up to the CRLF (or the end of the block). As in
// nats-server, only the FIRST occurrence of `key` in the bytes is considered: when
// that one does not start a line (it sits inside another line), the answer is nullopt.
// Case-sensitive. The view points into `block`.
constexpr std::optional<std::string_view> header_value(std::string_view block, std::string_view key) noexcept {
    if (block.empty() || key.empty()) return std::nullopt;
    std::size_t at = block.find(key);
    if (at == std::string_view::npos || at < 2 || block[at - 1] != '\n' || block[at - 2] != '\r') return std::nullopt;
    at += key.size();
    if (at >= block.size() || block[at] != ':') return std::nullopt;
    ++at;
    while (at < block.size() && block[at] == ' ') ++at;
    const std::size_t end = block.find(header_crlf, at);
    return block.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
}

namespace detail {

// Go's http.Header.Write on a value: CR and LF become spaces, then ASCII blanks are
// trimmed from both ends (textproto.TrimString).
inline std::string header_wire_value(std::string_view value) {
    std::string out(value);
    for (char& c : out) {
        if (c == '\r' || c == '\n') c = ' ';
    }
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t first = 0;
    while (first < out.size() && blank(out[first])) ++first;
    std::size_t last = out.size();
    while (last > first && blank(out[last - 1])) --last;
    return out.substr(first, last - first);
}

}  // namespace detail

// nats-server's setHeader: `block` (a whole "NATS/1.0...\r\n\r\n" block, or empty) with
// its first "key:" line removed (if that first occurrence of the key starts a line) and
// "key: value" appended as the last line. Values are written like Go's http.Header.Write.
inline std::string set_header(std::string_view block, std::string_view key, std::string_view value) {
    std::string out;
    if (block.size() > header_crlf.size()) {
        std::string_view head = block.substr(0, block.size() - header_crlf.size());  // without the blank line
        out.assign(head);
        // removeHeaderIfPresent: only the first occurrence of the key is looked at, and
        // a block left no longer than "NATS/1.0\r\n\r\n" starts over.
        const std::size_t start = head.find(key);
        if (start != std::string_view::npos && start >= 1 && head[start - 1] == '\n' &&
            start + key.size() < head.size() && head[start + key.size()] == ':') {
            const std::size_t end = head.find(header_crlf, start);
            if (end != std::string_view::npos) {
                out.erase(start, end + header_crlf.size() - start);
                if (out.size() <= header_version.size() + 2 * header_crlf.size()) out.clear();
            }
        }
    }
    if (out.empty()) out.assign(header_version).append(header_crlf);
    out.append(key).append(": ").append(detail::header_wire_value(value)).append(header_crlf).append(header_crlf);
    return out;
}

struct HeaderField {
    std::string key;
    std::string value;
    bool operator==(const HeaderField&) const = default;
};

// A parsed header block: status line plus fields in their order.
class Headers {
public:
    Headers() = default;

    // Parses a whole block. nullopt (and a sentence in *error) when it does not start
    // with "NATS/1.0", a line does not end in CRLF, the blank line that ends the block
    // is missing or followed by more bytes, a field line has no ':', or the status is
    // not three digits. Rules as nats.go's decodeHeadersMsg: the rest of the first line
    // is trimmed, its first three bytes are the status and the rest (trimmed) the
    // description; a key is everything before the first ':' (case kept, a line with an
    // empty key is skipped); spaces and tabs after the ':' are dropped.
    static std::optional<Headers> parse(std::string_view block, std::string* error = nullptr) {
        const auto fail = [&](const char* why) -> std::optional<Headers> {
            if (error) *error = why;
            return std::nullopt;
        };
        std::size_t eol = block.find(header_crlf);
        if (eol == std::string_view::npos) return fail("header block: no CRLF after the first line");
        std::string_view first = block.substr(0, eol);
        if (first.substr(0, header_version.size()) != header_version)
            return fail("header block: does not start with NATS/1.0");
        Headers out;
        std::string_view rest = trim(first.substr(header_version.size()));
        if (!rest.empty()) {
            if (first[header_version.size()] != ' ' && first[header_version.size()] != '\t')
                return fail("header block: bad version");
            if (rest.size() < 3) return fail("header block: status is not three digits");
            int code = 0;
            for (std::size_t i = 0; i < 3; ++i) {
                if (rest[i] < '0' || rest[i] > '9') return fail("header block: status is not three digits");
                code = code * 10 + (rest[i] - '0');
            }
            if (rest.size() > 3 && rest[3] != ' ' && rest[3] != '\t')
                return fail("header block: status is not three digits");
            out.status_ = code;
            out.description_ = std::string(trim(rest.substr(3)));
        }
        std::size_t at = eol + header_crlf.size();
        while (true) {
            eol = block.find(header_crlf, at);
            if (eol == std::string_view::npos) return fail("header block: missing CRLF or blank line at the end");
            const std::string_view line = block.substr(at, eol - at);
            at = eol + header_crlf.size();
            if (line.empty()) break;
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) return fail("header block: a line has no ':'");
            if (colon == 0) continue;
            std::size_t v = colon + 1;
            while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
            out.fields_.push_back({std::string(line.substr(0, colon)), std::string(line.substr(v))});
        }
        if (at != block.size()) return fail("header block: bytes after the blank line that ends it");
        return out;
    }

    // The whole block: "NATS/1.0[ status[ description]]\r\n", each field as "Key: Value\r\n"
    // in order (values written like Go's http.Header.Write), and the blank line.
    std::string build() const {
        std::string out(header_version);
        if (status_ != 0) {
            out += ' ';
            out += static_cast<char>('0' + status_ / 100 % 10);
            out += static_cast<char>('0' + status_ / 10 % 10);
            out += static_cast<char>('0' + status_ % 10);
            if (!description_.empty()) out.append(" ").append(description_);
        }
        out.append(header_crlf);
        for (const auto& f : fields_) {
            out.append(f.key).append(": ").append(detail::header_wire_value(f.value)).append(header_crlf);
        }
        out.append(header_crlf);
        return out;
    }

    // 0 when the first line has no status.
    int status() const noexcept { return status_; }
    const std::string& description() const noexcept { return description_; }
    // status 100..999; the description must not hold CR or LF.
    Headers& set_status(int code, std::string_view description = {}) {
        if (code < 100 || code > 999) throw std::invalid_argument("header status must be three digits");
        if (description.find_first_of("\r\n") != std::string_view::npos)
            throw std::invalid_argument("header description must not contain CR or LF");
        status_ = code;
        description_ = std::string(trim(description));
        return *this;
    }

    // The first value of `key` (case-sensitive), nullopt when absent.
    std::optional<std::string_view> get(std::string_view key) const noexcept {
        for (const auto& f : fields_) {
            if (f.key == key) return std::string_view(f.value);
        }
        return std::nullopt;
    }
    std::vector<std::string_view> values(std::string_view key) const {
        std::vector<std::string_view> out;
        for (const auto& f : fields_) {
            if (f.key == key) out.emplace_back(f.value);
        }
        return out;
    }
    bool has(std::string_view key) const noexcept { return get(key).has_value(); }
    const std::vector<HeaderField>& fields() const noexcept { return fields_; }
    bool empty() const noexcept { return fields_.empty() && status_ == 0; }

    // Appends a value (keys may repeat). A key must be non-empty and hold no ':', space,
    // tab, CR or LF.
    Headers& add(std::string_view key, std::string_view value) {
        check_key(key);
        fields_.push_back({std::string(key), std::string(value)});
        return *this;
    }
    // Replaces every value of `key` with this one, kept at the first one's place.
    Headers& set(std::string_view key, std::string_view value) {
        check_key(key);
        bool placed = false;
        std::vector<HeaderField> kept;
        kept.reserve(fields_.size() + 1);
        for (auto& f : fields_) {
            if (f.key != key) {
                kept.push_back(std::move(f));
            } else if (!placed) {
                kept.push_back({std::string(key), std::string(value)});
                placed = true;
            }
        }
        if (!placed) kept.push_back({std::string(key), std::string(value)});
        fields_ = std::move(kept);
        return *this;
    }
    // Removes every value of `key`; the number removed.
    std::size_t remove(std::string_view key) {
        return std::erase_if(fields_, [&](const HeaderField& f) { return f.key == key; });
    }

private:
    static constexpr std::string_view trim(std::string_view s) noexcept {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    }
    static void check_key(std::string_view key) {
        if (key.empty() || key.find_first_of(": \t\r\n") != std::string_view::npos)
            throw std::invalid_argument("invalid header key");
    }

    int status_ = 0;
    std::string description_;
    std::vector<HeaderField> fields_;
};

}  // namespace nats_sdk
