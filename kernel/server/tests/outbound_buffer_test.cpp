// OutboundBuffer and its block pool: bytes come out in order whatever the block
// boundaries and however little each write takes, the max_pending accounting
// counts bytes (not block capacity), and written blocks are recycled.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <thread>

#include "kernel/server/outbound_buffer.hpp"

namespace nats::server {
namespace {

using namespace std::chrono_literals;

std::string pattern(std::size_t n, std::size_t seed = 0) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
    return s;
}

void append(OutboundBuffer& out, std::string_view bytes) {
    std::lock_guard lock(out.mutex);
    out.append_locked(bytes);
}

std::size_t queued(OutboundBuffer& out) {
    std::lock_guard lock(out.mutex);
    return out.queued_bytes_locked();
}

// The owner's side: what a socket taking at most `step` bytes per write would receive.
std::string drain(OutboundBuffer& out, std::size_t step, std::size_t max_buffers = 64) {
    std::string got;
    std::array<asio::const_buffer, 64> iov;
    while (out.take_pending()) {
        const std::size_t count = out.gather(iov.data(), std::min(max_buffers, iov.size()));
        EXPECT_GT(count, 0u);
        std::size_t n = 0;
        for (std::size_t i = 0; i < count && n < step; ++i) {
            const std::size_t k = std::min(iov[i].size(), step - n);
            got.append(static_cast<const char*>(iov[i].data()), k);
            n += k;
        }
        out.consumed(n);
    }
    return got;
}

TEST(OutboundBuffer, SmallWritesShareOneSmallBlock) {
    OutboundBuffer out;
    append(out, "PONG\r\n");
    append(out, "MSG a 1 2\r\nhi\r\n");
    ASSERT_TRUE(out.take_pending());
    std::array<asio::const_buffer, 4> iov;
    ASSERT_EQ(out.gather(iov.data(), iov.size()), 1u);
    EXPECT_EQ(std::string_view(static_cast<const char*>(iov[0].data()), iov[0].size()), "PONG\r\nMSG a 1 2\r\nhi\r\n");
    out.consumed(iov[0].size());
    EXPECT_FALSE(out.has_unwritten());
    EXPECT_FALSE(out.take_pending());
    EXPECT_EQ(queued(out), 0u);
}

TEST(OutboundBuffer, MessageLargerThanABlockSpansBlocksInOrder) {
    OutboundBuffer out;
    const std::string big = pattern(300 * 1024 + 17);
    append(out, "MSG big 1 307217\r\n");
    append(out, big);
    append(out, "\r\n");
    ASSERT_TRUE(out.take_pending());
    std::array<asio::const_buffer, 64> iov;
    const std::size_t count = out.gather(iov.data(), iov.size());
    EXPECT_GE(count, 5u);  // no block holds more than 64 KiB
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_LE(iov[i].size(), chunk_pool::class_bytes[chunk_pool::largest_class]);
        total += iov[i].size();
    }
    EXPECT_EQ(total, big.size() + 20);
    EXPECT_EQ(drain(out, 1 << 20), "MSG big 1 307217\r\n" + big + "\r\n");
}

TEST(OutboundBuffer, PartialWritesAcrossBlockBoundaries) {
    // Write sizes chosen to stop just before, on and just after block edges.
    for (std::size_t step : {1u, 511u, 512u, 513u, 4095u, 4097u, 65535u, 65537u, 100000u}) {
        OutboundBuffer out;
        std::string expected;
        for (int i = 0; i < 40; ++i) {
            const std::string piece = pattern(1000 + i * 3001, i);
            expected += piece;
            append(out, piece);
        }
        EXPECT_EQ(drain(out, step), expected) << "step " << step;
        EXPECT_EQ(queued(out), 0u);
    }
}

TEST(OutboundBuffer, AppendsWhileWritingKeepTheirOrder) {
    OutboundBuffer out;
    const std::string a = pattern(70000, 1), b = pattern(9000, 2), c = pattern(5, 3);
    append(out, a);
    ASSERT_TRUE(out.take_pending());
    std::array<asio::const_buffer, 64> iov;
    out.gather(iov.data(), iov.size());
    std::string got(static_cast<const char*>(iov[0].data()), 1000);
    out.consumed(1000);
    // More arrives while the first take is half written.
    append(out, b);
    append(out, c);
    EXPECT_EQ(queued(out), a.size() - 1000 + b.size() + c.size());
    got += drain(out, 3333);
    EXPECT_EQ(got, a + b + c);
}

TEST(OutboundBuffer, QueuedBytesCountBytesNotCapacity) {
    OutboundBuffer out;
    append(out, pattern(100));
    EXPECT_EQ(queued(out), 100u);
    ASSERT_TRUE(out.take_pending());
    append(out, pattern(70000));
    EXPECT_EQ(queued(out), 70100u);
    {
        std::lock_guard lock(out.mutex);
        EXPECT_EQ(out.pending_bytes_locked(), 70000u);
    }
    out.consumed(40);
    EXPECT_EQ(queued(out), 70060u);
    // A slow consumer's close drops what is pending; the write under way stays.
    {
        std::lock_guard lock(out.mutex);
        out.clear_pending_locked();
        EXPECT_EQ(out.queued_bytes_locked(), 60u);
    }
    EXPECT_EQ(drain(out, 7), pattern(100).substr(40));
    EXPECT_EQ(queued(out), 0u);
}

TEST(OutboundBuffer, GatherStopsAtTheBufferLimit) {
    OutboundBuffer out;
    const std::string big = pattern(10 * 64 * 1024);
    append(out, big);
    ASSERT_TRUE(out.take_pending());
    std::array<asio::const_buffer, 3> iov;
    EXPECT_EQ(out.gather(iov.data(), iov.size()), 3u);
    EXPECT_EQ(drain(out, 1 << 30, 3), big);
}

TEST(OutboundBuffer, BusyConnectionStartsWithLargeBlocks) {
    OutboundBuffer out;
    append(out, pattern(200000));
    drain(out, 1 << 30);
    // The next batch goes straight into a large block: one buffer for 30 KB.
    append(out, pattern(30000));
    ASSERT_TRUE(out.take_pending());
    std::array<asio::const_buffer, 4> iov;
    EXPECT_EQ(out.gather(iov.data(), iov.size()), 1u);
    drain(out, 1 << 30);
}

TEST(OutboundBuffer, WrittenBlocksAreRecycled) {
    OutboundBuffer out;
    append(out, pattern(64 * 1024 * 4));
    drain(out, 1 << 30);
    const auto before = chunk_pool::held();
    EXPECT_GE(before.thread_chunks, 4u);
    append(out, pattern(64 * 1024 * 4));
    // The blocks just written were taken again, not allocated.
    EXPECT_EQ(chunk_pool::held().thread_chunks + 4, before.thread_chunks);
    drain(out, 1 << 30);
}

TEST(OutboundBuffer, IdleConnectionKeepsWorking) {
    OutboundBuffer out;
    const auto t0 = std::chrono::steady_clock::now();
    append(out, pattern(1 << 20));
    drain(out, 1 << 30);
    out.shrink_if_idle(t0);
    out.shrink_if_idle(t0 + 3s);  // gives back its lists
    append(out, "PING\r\n");
    EXPECT_EQ(drain(out, 2), "PING\r\n");
}

TEST(ChunkPool, IdlePoolGivesMemoryBack) {
    std::vector<OutChunk*> chunks;
    for (int i = 0; i < 40; ++i) chunks.push_back(chunk_pool::get(chunk_pool::largest_class));
    for (OutChunk* c : chunks) chunk_pool::put(c);
    const auto t0 = std::chrono::steady_clock::now();
    chunk_pool::trim_if_idle(t0);  // sees the activity
    EXPECT_GE(chunk_pool::held().thread_chunks, 40u);
    chunk_pool::trim_if_idle(t0 + 1s);
    EXPECT_GE(chunk_pool::held().thread_chunks, 40u);  // not idle long enough yet
    chunk_pool::trim_if_idle(t0 + 3s);
    // What this thread's cache and the depot keep: a small reserve of each size.
    EXPECT_LE(chunk_pool::held().bytes, (4 + 16) * 65536 + (8 + 16) * 4096 + (32 + 64) * 512);
}

TEST(ChunkPool, BlocksFreedOnAnotherThreadComeBack) {
    // Filled here, written (freed) on another thread: the depot passes them back.
    std::vector<OutChunk*> chunks;
    for (int i = 0; i < 200; ++i) chunks.push_back(chunk_pool::get(chunk_pool::largest_class));
    std::thread([&] {
        for (OutChunk* c : chunks) chunk_pool::put(c);
    }).join();
    // The other thread's cache is gone with it; what it passed to the depot remains.
    EXPECT_GT(chunk_pool::held().depot_chunks, 0u);
}

TEST(OutboundBuffer, AppendersOnOtherThreadsInterleaveWholeMessages) {
    OutboundBuffer out;
    constexpr int per_thread = 20000;
    auto appender = [&](char tag) {
        for (int i = 0; i < per_thread; ++i) {
            std::string msg = std::string(1, tag) + pattern(1 + i % 700, i) + "\n";
            append(out, msg);
        }
    };
    std::thread t1(appender, 'A'), t2(appender, 'B');
    std::string got;
    std::array<asio::const_buffer, 64> iov;
    auto writer_step = [&] {
        while (out.take_pending()) {
            const std::size_t count = out.gather(iov.data(), iov.size());
            std::size_t n = 0;
            for (std::size_t i = 0; i < count && n < 10000; ++i) {
                const std::size_t k = std::min<std::size_t>(iov[i].size(), 10000 - n);
                got.append(static_cast<const char*>(iov[i].data()), k);
                n += k;
            }
            out.consumed(n);
        }
    };
    while (got.size() < 1000) writer_step();
    t1.join();
    t2.join();
    writer_step();
    // Each message arrives whole, and each thread's messages in order.
    int next[2] = {0, 0};
    std::size_t pos = 0;
    while (pos < got.size()) {
        const std::size_t end = got.find('\n', pos);
        ASSERT_NE(end, std::string::npos);
        const int t = got[pos] == 'A' ? 0 : 1;
        const int i = next[t]++;
        ASSERT_EQ(got.substr(pos + 1, end - pos - 1), pattern(1 + i % 700, i));
        pos = end + 1;
    }
    EXPECT_EQ(next[0], per_thread);
    EXPECT_EQ(next[1], per_thread);
}

}  // namespace
}  // namespace nats::server
