#include "http_response.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace nats::bench {
namespace {

constexpr std::size_t max_header_bytes = 64 * 1024;
constexpr std::size_t max_chunk_bytes = std::size_t{1} << 30;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

http_response bad(std::string why) {
    http_response r;
    r.status_of_parse = http_response::state::bad;
    r.error = std::move(why);
    return r;
}

enum class chunks { need_more, done, malformed };

// Walks the chunks of a chunked body, appending the data to `out` if given.
// Called on every read with out == nullptr, so a large body is copied only once.
chunks walk_chunks(std::string_view in, std::string* out, std::string& error) {
    std::size_t pos = 0;
    for (;;) {
        const auto eol = in.find("\r\n", pos);
        if (eol == std::string_view::npos) return chunks::need_more;
        std::string_view size_line = in.substr(pos, eol - pos);
        size_line = trim(size_line.substr(0, size_line.find(';')));  // drop chunk extensions
        std::size_t size = 0;
        const auto [end, ec] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
        if (size_line.empty() || ec != std::errc{} || end != size_line.data() + size_line.size()) {
            error = "bad chunk size line '" + std::string(in.substr(pos, std::min<std::size_t>(eol - pos, 40))) + "'";
            return chunks::malformed;
        }
        pos = eol + 2;
        if (size == 0) {
            // Trailer fields, if any, then an empty line.
            for (;;) {
                const auto line_end = in.find("\r\n", pos);
                if (line_end == std::string_view::npos) return chunks::need_more;
                if (line_end == pos) return chunks::done;
                pos = line_end + 2;
            }
        }
        if (size > max_chunk_bytes) {
            error = "chunk of " + std::to_string(size) + " bytes is over the 1 GiB limit";
            return chunks::malformed;
        }
        if (in.size() - pos < size + 2) return chunks::need_more;
        if (in.substr(pos + size, 2) != "\r\n") {
            error = "chunk data not followed by CRLF";
            return chunks::malformed;
        }
        if (out != nullptr) out->append(in.substr(pos, size));
        pos += size + 2;
    }
}

}  // namespace

http_response parse_http_response(std::string_view received, bool closed) {
    const auto header_end = received.find("\r\n\r\n");
    if (header_end == std::string_view::npos) {
        if (received.size() > max_header_bytes) return bad("response headers longer than 64 KiB");
        if (closed) return bad("connection closed before the response headers ended");
        return {};
    }
    const std::string_view head = received.substr(0, header_end);
    const std::string_view body = received.substr(header_end + 4);

    // Status line: HTTP/1.x SP 3DIGIT [SP reason]
    const std::string_view status_line = head.substr(0, head.find("\r\n"));
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ' ||
        (status_line.size() > 12 && status_line[12] != ' '))
        return bad("bad status line '" + std::string(status_line.substr(0, 60)) + "'");
    int status = 0;
    const auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
    if (ec != std::errc{} || end != status_line.data() + 12 || status < 100)
        return bad("bad status code in '" + std::string(status_line.substr(0, 60)) + "'");

    std::optional<std::size_t> content_length;
    bool chunked = false;
    std::size_t pos = status_line.size();
    while (pos < head.size()) {
        pos += 2;  // the CRLF ending the previous line
        const auto eol = std::min(head.find("\r\n", pos), head.size());
        const std::string_view line = head.substr(pos, eol - pos);
        pos = eol;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return bad("bad header line '" + std::string(line.substr(0, 60)) + "'");
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequals(name, "Content-Length")) {
            std::size_t n = 0;
            const auto [e, c] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (value.empty() || c != std::errc{} || e != value.data() + value.size())
                return bad("bad Content-Length '" + std::string(value.substr(0, 30)) + "'");
            if (content_length && *content_length != n) return bad("conflicting Content-Length headers");
            content_length = n;
        } else if (iequals(name, "Transfer-Encoding")) {
            // chunked must be the last coding; nothing else is sent by these servers.
            const auto last = trim(value.substr(value.rfind(',') == std::string_view::npos ? 0 : value.rfind(',') + 1));
            chunked = iequals(last, "chunked");
            if (!chunked) return bad("unsupported Transfer-Encoding '" + std::string(value.substr(0, 30)) + "'");
        }
    }

    http_response r;
    r.status = status;
    const bool no_body = status < 200 || status == 204 || status == 304;
    if (no_body) {
        r.status_of_parse = http_response::state::complete;
    } else if (chunked) {
        std::string error;
        const chunks c = walk_chunks(body, nullptr, error);
        if (c == chunks::malformed) return bad(error);
        if (c == chunks::need_more) {
            if (closed) return bad("connection closed inside a chunked body");
            return r;
        }
        walk_chunks(body, &r.body, error);
        r.status_of_parse = http_response::state::complete;
    } else if (content_length) {
        if (body.size() < *content_length) {
            if (closed)
                return bad("connection closed after " + std::to_string(body.size()) + " of " +
                           std::to_string(*content_length) + " body bytes");
            return r;
        }
        r.body = std::string(body.substr(0, *content_length));
        r.status_of_parse = http_response::state::complete;
    } else {
        if (!closed) return r;
        r.body = std::string(body);
        r.status_of_parse = http_response::state::complete;
    }
    return r;
}

}  // namespace nats::bench
