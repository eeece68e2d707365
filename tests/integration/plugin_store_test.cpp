// The stream store kind (jetstream.store) through the real kernel, with the real
// store_memory plugin and tests/plugins/test_store_owner.cpp standing in for JetStream:
// the owner declares the kind when it is created and requires the store, so the store
// starts first and registers; the owner reaches it through the C table while running and
// again in its stop(), because the kernel stops a provider after the kind's owner. Loaded
// alone, store_memory refuses to start. Ours only (nats-server has no plugins).
#include <csignal>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

std::string ask(RawClient& c, const std::string& subject, const std::string& payload) {
    static int sid = 100;
    const std::string inbox = "reply." + std::to_string(++sid);
    c.send("SUB " + inbox + " " + std::to_string(sid) + "\r\n" + pub(subject, payload, inbox));
    return c.expect_msg().payload;
}

TEST(PluginStore, TheOwnerReachesTheMemoryStoreFromStartToStop) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("store_memory");
    auto server = start_plugin_server(plugins_block({"test_store_owner"}));  // store_memory comes by `requires`
    const std::string log = server->log_text();
    const auto store_started = log.find("Plugin \"store_memory\"");
    const auto owner_started = log.find("Plugin \"test_store_owner\"");
    ASSERT_NE(store_started, std::string::npos) << log;
    ASSERT_NE(owner_started, std::string::npos) << log;
    EXPECT_LT(store_started, owner_started) << "a requirement starts first";

    RawClient c(server->port());
    c.connect();
    EXPECT_EQ(ask(c, "store.append", "hello"), "seq 1");
    EXPECT_EQ(ask(c, "store.append", std::string("\0bin\xff", 5)), "seq 2");
    EXPECT_EQ(ask(c, "store.load", "1"), "hello");
    EXPECT_EQ(ask(c, "store.load", "2"), std::string("\0bin\xff", 5));
    EXPECT_EQ(ask(c, "store.load", "3"), "not found");

    server->send_signal(SIGTERM);
    ASSERT_EQ(server->wait_exit(10s), 0) << server->log_text();
    EXPECT_NE(server->log_text().find("store owner stop: 3 messages, read back 'at stop'"), std::string::npos)
        << "the store still answered in its owner's stop():\n"
        << server->log_text();
}

TEST(PluginStore, AStoreWithoutItsOwnerStopsStartUp) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("store_memory");
    const auto result = run_config_to_exit(plugins_block({"store_memory"}));
    ASSERT_TRUE(result.exit_code.has_value()) << result.output;
    EXPECT_EQ(*result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("extension kind \"jetstream.store\" is not declared"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("start() failed"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace nats::integration
