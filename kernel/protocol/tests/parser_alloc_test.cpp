// The hot path allocates nothing: complete operations in one read are parsed
// without touching the heap. Counts every operator new in this test program.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "kernel/protocol/parser.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void* operator new[](std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

namespace nats::protocol {
namespace {

// Touches every argument but allocates nothing.
class CountingHandler final : public ParserHandler {
public:
    std::size_t ops = 0;
    std::size_t bytes = 0;
    bool on_connect(std::string_view json) override { return count(json.size()); }
    bool on_pub(const PubArgs& a, std::string_view data) override {
        return count(a.subject.size() + a.reply.size() + data.size());
    }
    bool on_sub(std::string_view s, std::string_view q, std::string_view sid) override {
        return count(s.size() + q.size() + sid.size());
    }
    bool on_unsub(std::string_view sid, std::optional<std::uint64_t> max) override {
        return count(sid.size() + (max ? 1 : 0));
    }
    bool on_ping() override { return count(0); }
    bool on_pong() override { return count(0); }

private:
    bool count(std::size_t n) {
        ++ops;
        bytes += n;
        return true;
    }
};

TEST(ParserAlloc, CompleteOperationsInOneReadDoNotAllocate) {
    std::string input;
    for (int i = 0; i < 100; ++i) {
        input += "PUB foo.bar 16\r\n0123456789abcdef\r\nPUB foo.bar _INBOX.a 2\r\nhi\r\n";
        input += "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\nSUB a q 1\r\nUNSUB 1 5\r\nPING\r\nPONG\r\n";
    }
    input += "CONNECT {\"verbose\":false}\r\n";
    Parser parser;
    CountingHandler handler;
    const long before = g_allocations.load();
    const ParseError e = parser.parse(input.data(), input.size(), handler);
    const long after = g_allocations.load();
    EXPECT_EQ(e, ParseError::none);
    EXPECT_EQ(handler.ops, 701u);
    EXPECT_EQ(after - before, 0);
}

TEST(ParserAlloc, SplitOperationAllocatesOnlyTheSpill) {
    Parser parser;
    CountingHandler handler;
    const long before = g_allocations.load();
    ASSERT_EQ(parser.parse("PUB foo.bar 16\r\n01234567", 24, handler), ParseError::none);
    ASSERT_EQ(parser.parse("89abcdef\r\n", 10, handler), ParseError::none);
    EXPECT_EQ(g_allocations.load() - before, 1);  // one exact-size reservation
    EXPECT_EQ(parser.buffered_bytes(), 0u);
    EXPECT_EQ(handler.ops, 1u);
}

}  // namespace
}  // namespace nats::protocol
