// The SDK 1.1 C++ layer (accounts.hpp, executors.hpp, extension_kinds.hpp) against
// the FakeHost.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/plugin.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

using nats_sdk::testing::FakeHost;

class Sdk11Test : public ::testing::Test {
protected:
    FakeHost fake;
    nats_sdk::Host host{fake.api(), "sdk11_test"};
};

TEST_F(Sdk11Test, AccountsListConfigAndUpsert) {
    fake.sdk11().add_account("SALES", {{"jetstream", {{"max_memory", 1024}}}, {"users", {{{"user", "sam"}}}}});
    nats_sdk::Accounts accounts(host);
    EXPECT_EQ(accounts.list(), (std::vector<std::string>{"$G", "SALES"}));
    const auto block = accounts.config("SALES");
    EXPECT_EQ(block["jetstream"]["max_memory"], 1024);
    EXPECT_FALSE(block.contains("users"));
    try {
        accounts.config("NOPE");
        FAIL();
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_NOT_FOUND);
    }
    accounts.upsert("TEAM", {{"limits", {{"max_connections", 3}}}});
    EXPECT_EQ(fake.sdk11().upserts(), std::vector<std::string>{R"(TEAM {"limits":{"max_connections":3}})"});
    try {
        accounts.upsert("TEAM", {{"users", nlohmann::json::array()}});
        FAIL();
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_INVALID_ARGUMENT);
        EXPECT_NE(std::string(e.what()).find("`users` are not taken at run time"), std::string::npos) << e.what();
    }
}

TEST_F(Sdk11Test, AccountWatchEndsWithItsHandle) {
    nats_sdk::Accounts accounts(host);
    std::vector<std::string> seen;
    {
        auto watch = accounts.watch([&](std::string_view account, nats_sdk::AccountEvent e) {
            seen.push_back(std::string(account) + (e == nats_sdk::AccountEvent::updated ? " updated" : " other"));
        });
        EXPECT_TRUE(watch.active());
        fake.sdk11().account_event("A", NMK_ACCOUNT_UPDATED);
        fake.sdk11().account_event("B", NMK_ACCOUNT_REMOVED);
    }
    fake.sdk11().account_event("C", NMK_ACCOUNT_ADDED);
    EXPECT_EQ(seen, (std::vector<std::string>{"A updated", "B other"}));
}

TEST_F(Sdk11Test, ExecutorRunsInOrderAndDrainsOnDestruction) {
    std::vector<int> order;
    {
        auto serial = nats_sdk::Executor::serial(host);
        auto blocking = nats_sdk::Executor::blocking(host, 2);
        EXPECT_TRUE(serial.active());
        for (int i = 0; i < 3; ++i) serial.post([&order, i] { order.push_back(i); });
        blocking.post([&order] { order.push_back(10); });
        EXPECT_EQ(fake.sdk11().run_executors(1), 1u);
        EXPECT_EQ(order, std::vector<int>{0});
        // Moving keeps the queue; destruction drains it.
        auto moved = std::move(serial);
        EXPECT_FALSE(serial.active());
        moved.drain();
        EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
        EXPECT_THROW(moved.post([] {}), nats_sdk::Error);
    }
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 10}));
    EXPECT_EQ(fake.sdk11().live_executors(), 0u);
    EXPECT_THROW(nats_sdk::Executor::blocking(host, 1000), nats_sdk::Error);
}

TEST_F(Sdk11Test, TaskThatThrowsIsLogged) {
    auto serial = nats_sdk::Executor::serial(host);
    serial.post([] { throw std::runtime_error("disk on fire"); });
    fake.sdk11().run_executors();
    ASSERT_FALSE(fake.logs().empty());
    EXPECT_NE(fake.logs().back().text.find("disk on fire"), std::string::npos);
}

struct StoreTable {
    std::uint32_t struct_size = sizeof(StoreTable);
    int answer = 42;
};

TEST_F(Sdk11Test, VersionedKinds) {
    host.declare_kind("jetstream.store", nats_sdk::KindVersion{1, 2}.packed());
    const StoreTable mem;
    nats_sdk::register_extension(host, "jetstream.store", {1, 0}, "memory", mem);
    try {
        nats_sdk::register_extension(host, "jetstream.store", {2, 0}, "future", mem);
        FAIL();
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_UNSUPPORTED);
    }
    nats_sdk::KindVersion provider;
    const auto* found = nats_sdk::find_extension<StoreTable>(host, "jetstream.store", {1, 5}, "memory", &provider);
    ASSERT_EQ(found, &mem);
    EXPECT_EQ(provider, (nats_sdk::KindVersion{1, 0}));
    EXPECT_EQ(nats_sdk::find_extension<StoreTable>(host, "jetstream.store", {2, 0}), nullptr);
    EXPECT_EQ(nats_sdk::KindVersion::unpack(NMK_KIND_VERSION(3, 7)), (nats_sdk::KindVersion{3, 7}));
}

TEST_F(Sdk11Test, AllStartedRunsOnce) {
    int calls = 0;
    nats_sdk::on_all_started(host, [&] { ++calls; });
    EXPECT_EQ(calls, 0);
    fake.sdk11().announce_all_started();
    EXPECT_EQ(calls, 1);
    nats_sdk::on_all_started(host, [&] { calls += 10; });  // late: at once
    EXPECT_EQ(calls, 11);
}

}  // namespace
