// Accounts in the host API (SDK 1.1): list, watch, config blocks and run-time
// accounts (account_upsert) with their limits, exports and imports, checked
// like the config file; bad input refused with the parser's reasons.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "kernel/plugin_host/tests/host_fixture.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

struct Body {
    std::string text;
};
nmk_http_response_writer writer_for(Body& b) {
    return {&b, [](void*, int) {}, [](void*, nmk_str) {},
            [](void* ctx, nmk_str bytes) { static_cast<Body*>(ctx)->text.append(bytes.data, bytes.size); }};
}

struct Events {
    std::mutex mutex;
    std::vector<std::string> items;
    std::atomic<int> off_io{0};
    void add(std::string e) {
        std::lock_guard lock(mutex);
        items.push_back(std::move(e));
    }
    std::vector<std::string> all() {
        std::lock_guard lock(mutex);
        return items;
    }
    bool has(const std::string& e) {
        auto v = all();
        return std::find(v.begin(), v.end(), e) != v.end();
    }
};
void on_event(void* user, nmk_str account, nmk_account_event event) {
    auto* e = static_cast<Events*>(user);
    if (!server::IoThread::current()) ++e->off_io;
    const char* name = event == NMK_ACCOUNT_ADDED ? "added" : event == NMK_ACCOUNT_UPDATED ? "updated" : "removed";
    e->add(std::string(name) + " " + std::string(account.data, account.size));
}
void collect_names(void* user, nmk_str account, nmk_account_event) {
    static_cast<std::vector<std::string>*>(user)->emplace_back(account.data, account.size);
}

class AccountApi : public HostFixture {
protected:
    AccountApi()
        : HostFixture("accounts {\n"
                      "  SALES: { users: [{user: sam, password: secret}], jetstream: {max_memory: 1MB, max_streams: 3},\n"
                      "           exports: [{stream: \"sales.>\"}], limits: {max_connections: 5} }\n"
                      "  OPS: { jetstream: enabled }\n"
                      "}\n") {}

public:
    nmk_status upsert(std::string_view account, std::string_view json, std::string* reasons = nullptr) {
        char buffer[2048] = {};
        const nmk_status status = api->account_upsert(api->host, nmk(account), nmk(json), {buffer, sizeof buffer});
        if (reasons) *reasons = buffer;
        return status;
    }
    std::string config_of(std::string_view account, nmk_status* status = nullptr) {
        Body b;
        auto w = writer_for(b);
        const nmk_status s = api->account_config(api->host, nmk(account), &w);
        if (status) *status = s;
        return b.text;
    }
};

TEST_F(AccountApi, ListsEveryAccountSorted) {
    std::vector<std::string> names;
    ASSERT_EQ(api->account_list(api->host, collect_names, &names), NMK_OK);
    EXPECT_EQ(names, (std::vector<std::string>{"$G", "$SYS", "OPS", "SALES"}));
    EXPECT_EQ(api->account_list(api->host, nullptr, nullptr), NMK_INVALID_ARGUMENT);
}

TEST_F(AccountApi, ConfigIsTheBlockWithoutUsers) {
    nmk_status status;
    const auto sales = nlohmann::json::parse(config_of("SALES", &status));
    EXPECT_EQ(status, NMK_OK);
    EXPECT_FALSE(sales.contains("users"));
    EXPECT_EQ(sales["jetstream"], nlohmann::json::parse(R"({"max_memory":1048576,"max_streams":3})"));
    EXPECT_EQ(sales["limits"]["max_connections"], 5);
    EXPECT_EQ(nlohmann::json::parse(config_of("OPS"))["jetstream"], "enabled");
    EXPECT_EQ(config_of("$G", &status), "{}");  // exists, no block
    EXPECT_EQ(status, NMK_OK);
    EXPECT_EQ(config_of("", &status), "{}");
    config_of("NOPE", &status);
    EXPECT_EQ(status, NMK_NOT_FOUND);
    EXPECT_EQ(api->account_config(api->host, nmk("SALES"), nullptr), NMK_INVALID_ARGUMENT);
}

TEST_F(AccountApi, UpsertMakesAUsableAccountWithLimits) {
    ASSERT_EQ(upsert("TEAM", R"({"limits":{"max_connections":2,"max_subscriptions":10,"max_payload":512},
                                 "jetstream":{"max_file":1024}})"),
              NMK_OK);
    auto team = server->find_account("TEAM");
    ASSERT_TRUE(team);
    EXPECT_EQ(team->max_connections.load(), 2);
    EXPECT_EQ(team->max_subscriptions.load(), 10);
    EXPECT_EQ(team->max_payload.load(), 512);
    EXPECT_EQ(nlohmann::json::parse(config_of("TEAM"))["jetstream"]["max_file"], 1024);
    // Update: new limits apply, the block is replaced.
    ASSERT_EQ(upsert("TEAM", R"({"limits":{"max_connections":7}})"), NMK_OK);
    EXPECT_EQ(team->max_connections.load(), 7);
    EXPECT_EQ(team->max_payload.load(), -1);
    EXPECT_FALSE(nlohmann::json::parse(config_of("TEAM")).contains("jetstream"));
    EXPECT_EQ(server->find_account("TEAM").get(), team.get());
}

TEST_F(AccountApi, UpsertAppliesAndReplacesSubjectMappings) {
    ASSERT_EQ(upsert("MAPPED", R"({"mappings":{"foo":"bar","w":[{"destination":"w.a","weight":100}]}})"), NMK_OK);
    auto mapped = server->find_account("MAPPED");
    ASSERT_TRUE(mapped);
    ASSERT_TRUE(mapped->has_mappings.load());
    EXPECT_EQ(mapped->mappings()->select("foo").value_or("-"), "bar");
    EXPECT_EQ(mapped->mappings()->select("w").value_or("-"), "w.a");
    // A new block without mappings takes them away.
    ASSERT_EQ(upsert("MAPPED", "{}"), NMK_OK);
    EXPECT_FALSE(mapped->has_mappings.load());
    EXPECT_FALSE(mapped->mappings());
    std::string why;
    EXPECT_EQ(upsert("MAPPED", R"({"mappings":{"foo":"{{nope(1)}}"}})", &why), NMK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("invalid mapping destination: unknown function in {{nope(1)}}"), std::string::npos) << why;
    EXPECT_FALSE(mapped->has_mappings.load());
}

TEST_F(AccountApi, ReloadKeepsRunTimeBlocksAndReportsChanges) {
    ASSERT_EQ(upsert("TEAM", R"({"limits":{"max_connections":2}})"), NMK_OK);
    Events events;
    std::uint64_t id = 0;
    ASSERT_EQ(api->account_watch(api->host, on_event, &events, &id), NMK_OK);
    ASSERT_TRUE(eventually([&] { return events.all().size() == 5; }));
    server->set_reload_source([this] {
        config::Options o;
        o.raw = config::parse_config_string("accounts { OPS: { jetstream: disabled }, NEWFILE: {} }\n");
        o.host = "127.0.0.1";
        o.port = -1;
        o.store_dir = store.path.string();
        return o;
    });
    ASSERT_TRUE(server->reload());
    ASSERT_TRUE(eventually([&] { return events.all().size() == 8; }));
    const auto all = events.all();
    EXPECT_EQ(std::vector<std::string>(all.begin() + 5, all.end()),
              (std::vector<std::string>{"added NEWFILE", "updated OPS", "removed SALES"}));
    // The run-time block survived a file that does not know it.
    EXPECT_EQ(server->find_account("TEAM")->max_connections.load(), 2);
    EXPECT_EQ(nlohmann::json::parse(config_of("TEAM"))["limits"]["max_connections"], 2);
    EXPECT_EQ(config_of("SALES"), "{}");  // the account stays, without a block
}

TEST_F(AccountApi, BadInputIsRefusedWithReasons) {
    std::string why;
    EXPECT_EQ(upsert("BAD", "{not json", &why), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(why, "the account's config is not a JSON object");
    EXPECT_EQ(upsert("BAD", "[1,2]", &why), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(upsert("", "{}", &why), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(why, "the account has no name");
    EXPECT_EQ(upsert("BAD", R"({"users":[{"user":"x","password":"y"}]})", &why), NMK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("`users` are not taken at run time"), std::string::npos) << why;
    // The config file's own checks, in its words, naming the run-time block.
    EXPECT_EQ(upsert("BAD", R"({"limits":{"max_conn":"many"}})", &why), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(why.rfind("account \"BAD\": ", 0), 0u) << why;
    EXPECT_EQ(upsert("BAD", R"({"imports":[{"stream":{"account":"SALES","subject":"sales.>"},"prefix":"p","to":"t"}]})",
                     &why),
              NMK_INVALID_ARGUMENT);
    EXPECT_EQ(why, "account \"BAD\": Stream import can not have a 'prefix' and a 'to' property");
    EXPECT_EQ(upsert("BAD", R"({"imports":[{"stream":{"account":"NOWHERE","subject":"x"}}]})", &why),
              NMK_INVALID_ARGUMENT);
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(upsert("$G", "{}", &why), NMK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("Reserved Account"), std::string::npos) << why;
    EXPECT_EQ(upsert("BAD", R"({"frobnicate":1})", &why), NMK_INVALID_ARGUMENT);
    EXPECT_NE(why.find("frobnicate"), std::string::npos) << why;
    // Nothing changed.
    EXPECT_FALSE(server->find_account("BAD"));
    nmk_status status;
    config_of("BAD", &status);
    EXPECT_EQ(status, NMK_NOT_FOUND);
}

TEST_F(AccountApi, UpsertIsRefusedOnAnIoThread) {
    struct Try {
        AccountApi* test;
        std::atomic<int> status{-1};
    } t{this};
    api->post(api->host, [](void* user) {
        auto* t = static_cast<Try*>(user);
        t->status = t->test->upsert("IO", "{}");
    }, &t);
    ASSERT_TRUE(eventually([&] { return t.status.load() != -1; }));
    EXPECT_EQ(t.status.load(), NMK_UNSUPPORTED);
    EXPECT_FALSE(server->find_account("IO"));
}

struct Inbox {
    std::mutex mutex;
    std::vector<std::string> items;
    std::size_t size() {
        std::lock_guard lock(mutex);
        return items.size();
    }
};
void to_inbox(void* user, const nmk_message* m) {
    auto* inbox = static_cast<Inbox*>(user);
    std::lock_guard lock(inbox->mutex);
    inbox->items.emplace_back(std::string(m->account.data, m->account.size) + " " +
                              std::string(m->subject.data, m->subject.size));
}

TEST_F(AccountApi, RunTimeImportsAndExportsAreLinked) {
    // A service exported by a run-time account and imported by another.
    ASSERT_EQ(upsert("SVC", R"({"exports":[{"service":"svc.time"}]})"), NMK_OK);
    ASSERT_EQ(upsert("APP", R"({"imports":[{"service":{"account":"SVC","subject":"svc.time"},"to":"time"}]})"),
              NMK_OK);
    Inbox inbox;
    std::uint64_t id = 0;
    ASSERT_EQ(api->subscribe(api->host, nmk("SVC"), nmk("svc.time"), nmk(""), to_inbox, &inbox, &id), NMK_OK);
    nmk_message request{nmk("APP"), nmk("time"), nmk(""), {"", 0}, nmk("now?")};
    ASSERT_EQ(api->publish(api->host, &request), NMK_OK);
    ASSERT_TRUE(eventually([&] { return inbox.size() == 1; }));
    EXPECT_EQ(inbox.items[0], "SVC svc.time");
    // And a run-time account may import from the file's accounts.
    std::string why;
    EXPECT_EQ(upsert("FAN", R"({"imports":[{"stream":{"account":"SALES","subject":"sales.>"}}]})", &why), NMK_OK)
        << why;
}

TEST_F(AccountApi, WatchReportsExistingThenChanges) {
    Events events;
    std::uint64_t id = 0;
    ASSERT_EQ(api->account_watch(api->host, on_event, &events, &id), NMK_OK);
    ASSERT_TRUE(eventually([&] { return events.all().size() == 4; }));
    EXPECT_EQ(events.all(), (std::vector<std::string>{"added $G", "added $SYS", "added OPS", "added SALES"}));
    ASSERT_EQ(upsert("NEW", "{}"), NMK_OK);
    ASSERT_EQ(upsert("NEW", R"({"limits":{"max_payload":100}})"), NMK_OK);
    ASSERT_EQ(upsert("SALES", R"({"exports":[{"stream":"sales.>"}]})"), NMK_OK);
    server->get_or_create_account("ON_DEMAND");
    ASSERT_TRUE(eventually([&] { return events.all().size() == 8; }));
    EXPECT_EQ(events.all(), (std::vector<std::string>{"added $G", "added $SYS", "added OPS", "added SALES",
                                                      "added NEW", "updated NEW", "updated SALES", "added ON_DEMAND"}));
    EXPECT_EQ(events.off_io, 0);
    ASSERT_EQ(api->account_unwatch(api->host, id), NMK_OK);
    EXPECT_EQ(api->account_unwatch(api->host, id), NMK_NOT_FOUND);
    server->get_or_create_account("AFTER");
    std::this_thread::sleep_for(30ms);
    EXPECT_FALSE(events.has("added AFTER"));
    EXPECT_EQ(api->account_watch(api->host, nullptr, nullptr, &id), NMK_INVALID_ARGUMENT);
}

TEST_F(AccountApi, ReleaseEndsWatches) {
    Events events;
    std::uint64_t id = 0;
    ASSERT_EQ(api->account_watch(api->host, on_event, &events, &id), NMK_OK);
    ASSERT_TRUE(eventually([&] { return events.all().size() == 4; }));
    context->release();
    server->get_or_create_account("LATE");
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(events.all().size(), 4u);
    EXPECT_EQ(api->account_watch(api->host, on_event, &events, &id), NMK_ERROR);
    EXPECT_EQ(upsert("LATE2", "{}"), NMK_ERROR);
}

}  // namespace
}  // namespace nats::plugins
