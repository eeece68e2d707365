// Heap cost of the index per subscription, measured with glibc's allocator
// statistics (the figure quoted in kernel/routing/README.md).
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>

#include "test_subs.hpp"
#include "tests/support/sanitizers.hpp"

namespace nats::routing {
namespace {

// Large blocks (a wide level's slot array) are mmapped and counted apart.
std::size_t heap_in_use() {
    const auto m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

TEST(SublistMemory, UniqueLiteralSubjectsStayCompact) {
    if (test_support::sanitized_build) GTEST_SKIP() << "the sanitizer allocator does not report through mallinfo2";
    constexpr std::size_t n = 20000;
    std::vector<SubscriptionPtr> subs;
    subs.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto s = std::make_shared<Subscription>();
        s->subject = "app.orders." + std::to_string(i);
        subs.push_back(std::move(s));
    }
    Sublist sl;
    const std::size_t before = heap_in_use();
    for (const auto& s : subs) ASSERT_TRUE(sl.insert(s));
    const std::size_t per_sub = (heap_in_use() - before) / n;
    std::printf("index bytes per subscription (20k unique literal subjects): %zu\n", per_sub);
    RecordProperty("index_bytes_per_sub", static_cast<int>(per_sub));
    EXPECT_LT(per_sub, 200u);

    // A second subscriber on each existing subject adds little.
    std::vector<SubscriptionPtr> more;
    more.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto s = std::make_shared<Subscription>();
        s->subject = subs[i]->subject;
        more.push_back(std::move(s));
    }
    const std::size_t mid = heap_in_use();
    for (const auto& s : more) ASSERT_TRUE(sl.insert(s));
    const std::size_t per_extra = (heap_in_use() - mid) / n;
    std::printf("index bytes per extra subscription on an existing subject: %zu\n", per_extra);
    EXPECT_LT(per_extra, 64u);
}

}  // namespace
}  // namespace nats::routing
