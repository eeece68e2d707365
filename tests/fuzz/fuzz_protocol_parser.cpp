// libFuzzer target: the client protocol parser (kernel/protocol) must give the same
// operations and the same error however the bytes are split across reads.
//
// The input is parsed three times: whole, in pseudo-random chunks (sizes drawn from a
// generator seeded by the input's first bytes) and one byte at a time. Each run records
// every callback with its arguments; the three records and final errors must be equal,
// else the target aborts. Each chunk is copied into its own exact-size allocation, so
// ASan reports any read past the bytes of one parse() call and any view the parser
// keeps into a chunk after returning.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/protocol/parser.hpp"

namespace {

using nats::protocol::ParseError;
using nats::protocol::Parser;
using nats::protocol::ParserHandler;
using nats::protocol::ParserLimits;
using nats::protocol::PubArgs;

// Writes each callback as one line-free record; views are copied at once because
// they are valid only during the callback.
class Recorder : public ParserHandler {
public:
    std::vector<std::string> ops;

    bool on_connect(std::string_view json) override { return add("CONNECT", json); }
    bool on_pub(const PubArgs& a, std::string_view body) override {
        if (body.size() != a.total_size || a.header_size > a.total_size) std::abort();
        return add("PUB", std::string(a.subject) + "|" + std::string(a.reply) + "|" + std::to_string(a.header_size) +
                              "|" + std::to_string(a.total_size) + "|" + std::string(body));
    }
    bool on_sub(std::string_view subject, std::string_view queue, std::string_view sid) override {
        return add("SUB", std::string(subject) + "|" + std::string(queue) + "|" + std::string(sid));
    }
    bool on_unsub(std::string_view sid, std::optional<std::uint64_t> max) override {
        return add("UNSUB", std::string(sid) + "|" + (max ? std::to_string(*max) : std::string("-")));
    }
    bool on_ping() override { return add("PING", {}); }
    bool on_pong() override { return add("PONG", {}); }
    bool on_info(std::string_view json) override { return add("INFO", json); }
    bool on_ok() override { return add("+OK", {}); }
    bool on_err(std::string_view text) override { return add("-ERR", text); }

private:
    bool add(const char* name, std::string_view args) {
        ops.push_back(std::string(name) + " " + std::string(args));
        return true;
    }
};

struct Run {
    std::vector<std::string> ops;
    ParseError error = ParseError::none;
};

// Feeds `data` in the given chunk sizes (the last chunk takes what is left).
template <typename NextSize>
Run parse_in_chunks(const ParserLimits& limits, const std::uint8_t* data, std::size_t size, NextSize next_size) {
    Parser parser(limits);
    Recorder recorder;
    Run run;
    std::size_t pos = 0;
    while (pos < size) {
        const std::size_t n = std::min(next_size(), size - pos);
        // Its own allocation, so ASan sees reads past this chunk.
        std::unique_ptr<char[]> chunk(new char[n]);
        std::memcpy(chunk.get(), data + pos, n);
        const ParseError e = parser.parse(chunk.get(), n, recorder);
        pos += n;
        if (e != ParseError::none) {
            run.error = e;
            // Errors are final and the handler is not called again.
            const std::size_t before = recorder.ops.size();
            if (parser.parse("PING\r\n", 6, recorder) != e || recorder.ops.size() != before) std::abort();
            break;
        }
    }
    run.ops = std::move(recorder.ops);
    return run;
}

[[noreturn]] void report_mismatch(const char* what, const Run& a, const Run& b) {
    std::fprintf(stderr, "protocol parser: %s differs: errors %d vs %d, %zu vs %zu ops\n", what,
                 static_cast<int>(a.error), static_cast<int>(b.error), a.ops.size(), b.ops.size());
    for (std::size_t i = 0; i < a.ops.size() || i < b.ops.size(); ++i) {
        const std::string x = i < a.ops.size() ? a.ops[i] : "<none>";
        const std::string y = i < b.ops.size() ? b.ops[i] : "<none>";
        if (x != y) {
            std::fprintf(stderr, "  op %zu: whole %.200s\n        split %.200s\n", i, x.c_str(), y.c_str());
            break;
        }
    }
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // Byte 0 picks the limits (small ones reach the limit checks with short inputs),
    // byte 1 seeds the chunk sizes; the protocol bytes follow.
    ParserLimits limits;
    if (data[0] & 1) {
        limits.max_control_line = 16 + (data[0] >> 1);
        limits.max_payload = (data[0] & 2) ? -1 : 64;
    }
    std::uint32_t state = 0x9e3779b9u ^ data[1];
    data += 2;
    size -= 2;

    const Run whole = parse_in_chunks(limits, data, size, [&] { return size; });
    const Run split = parse_in_chunks(limits, data, size, [&] {
        state = state * 1664525u + 1013904223u;  // a small LCG is enough to vary the cuts
        return static_cast<std::size_t>(1 + (state >> 24) % 24);
    });
    const Run bytes = parse_in_chunks(limits, data, size, [] { return std::size_t{1}; });

    if (whole.error != split.error || whole.ops != split.ops) report_mismatch("random split", whole, split);
    if (whole.error != bytes.error || whole.ops != bytes.ops) report_mismatch("byte at a time", whole, bytes);
    return 0;
}
