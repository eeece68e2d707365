// Config-driven assembly: the search path, `load` entries by name and by file,
// the feature table (a missing jetstream/monitoring plugin is only a warning, a
// missing auth plugin is fatal), malformed blocks, and the JSON each plugin
// receives.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "kernel/config/options.hpp"
#include "kernel/plugin_host/assembly.hpp"
#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/tests/test_dirs.hpp"

namespace nats::plugins {
namespace {

namespace fs = std::filesystem;

// Options from config text, as if read from <dir>/server.conf.
config::Options options_from(const std::string& text, const fs::path& dir) {
    const std::string file = (dir / "server.conf").string();
    config::Options o = config::options_from_value(config::parse_config_string(text, file), file);
    o.config_file = file;
    return o;
}

// An empty file named like a plugin (assembly only looks for files).
void touch_plugin(const fs::path& dir, const std::string& name) {
    fs::create_directories(dir);
    std::ofstream(dir / ("lib" + name + ".so")) << "";
}

std::string plan_error(const config::Options& o, const fs::path& default_dir = {}) {
    try {
        plan_plugins(o, default_dir);
    } catch (const PluginError& e) {
        return e.what();
    }
    return "planned";
}

TEST(Assembly, NoPluginsBlockNoPlugins) {
    ScratchDir dir;
    auto plan = plan_plugins(options_from("port: 4222\n", dir.path), {});
    EXPECT_TRUE(plan.requests.empty());
    EXPECT_TRUE(plan.warnings.empty());
    EXPECT_TRUE(plan.search_paths.empty());
}

TEST(Assembly, SearchPathConfigPathsRelativeToTheFileThenDefaultDir) {
    ScratchDir dir;
    touch_plugin(dir.path / "default", "alpha");
    touch_plugin(dir.path / "default", "gamma");
    touch_plugin(dir.path / "extra", "alpha");
    touch_plugin(dir.path / "extra", "beta");
    auto o = options_from("plugins { path: [\"extra\", \"/nonexistent\"], load: [alpha, beta, gamma] }\n", dir.path);
    auto plan = plan_plugins(o, dir.path / "default");
    ASSERT_EQ(plan.search_paths.size(), 3u);
    EXPECT_EQ(plan.search_paths[0], dir.path / "extra");
    EXPECT_EQ(plan.search_paths[1], "/nonexistent");
    EXPECT_EQ(plan.search_paths[2], dir.path / "default");
    ASSERT_EQ(plan.requests.size(), 3u);
    // The user's copy shadows the build's: the first hit wins.
    EXPECT_EQ(plan.requests[0].path, dir.path / "extra" / "libalpha.so");
    EXPECT_EQ(plan.requests[1].path, dir.path / "extra" / "libbeta.so");
    EXPECT_EQ(plan.requests[2].path, dir.path / "default" / "libgamma.so");  // the fallback
    EXPECT_EQ(plan.requests[0].asked_by, "load");
    EXPECT_TRUE(plan.requests[0].required);
}

// A feature block's plugin (here auth_token for `authorization { token }`) is looked
// up the same way: a user's build of it in `path` is loaded instead of the shipped one.
TEST(Assembly, UserPathShadowsTheBuildsFeaturePlugin) {
    ScratchDir dir;
    touch_plugin(dir.path / "default", "auth_token");
    touch_plugin(dir.path / "mine", "auth_token");
    auto o = options_from("authorization { token: t }\nplugins { path: \"mine\" }\n", dir.path);
    auto plan = plan_plugins(o, dir.path / "default");
    ASSERT_EQ(plan.requests.size(), 1u);
    EXPECT_EQ(plan.requests[0].path, dir.path / "mine" / "libauth_token.so");
}

TEST(Assembly, MissingDefaultDirIsSkipped) {
    ScratchDir dir;
    auto plan = plan_plugins(options_from("plugins { load: [] }\n", dir.path), dir.path / "nope");
    EXPECT_TRUE(plan.search_paths.empty());
}

TEST(Assembly, LoadByFileAndNoFileTwice) {
    ScratchDir dir;
    touch_plugin(dir.path, "gamma");
    auto o = options_from("plugins { path: \".\", load: [\"./libgamma.so\", gamma, \"" +
                              (dir.path / "libgamma.so").string() + "\"] }\n",
                          dir.path);
    auto plan = plan_plugins(o, {});
    ASSERT_EQ(plan.requests.size(), 1u);
    EXPECT_EQ(plan.requests[0].path, dir.path / "libgamma.so");
    EXPECT_EQ(plan.requests[0].name, "./libgamma.so");
}

TEST(Assembly, MissingExplicitPluginIsAnError) {
    ScratchDir dir;
    EXPECT_EQ(plan_error(options_from("plugins { path: \"p\", load: missing }\n", dir.path)),
              "plugin \"missing\": not found (looked for libmissing.so in " + (dir.path / "p").string() + ")");
    EXPECT_EQ(plan_error(options_from("plugins { load: missing }\n", dir.path)),
              "plugin \"missing\": not found (looked for libmissing.so in no search path)");
}

TEST(Assembly, MalformedBlocksNameFileAndLine) {
    ScratchDir dir;
    const std::string file = (dir.path / "server.conf").string();
    EXPECT_EQ(plan_error(options_from("plugins: 5\n", dir.path)), file + ":1:1: plugins: expected a map, got integer");
    EXPECT_EQ(plan_error(options_from("plugins {\n  load: [a, 1]\n}\n", dir.path)),
              file + ":2:13: plugins: \"load\" must be a string or an array of strings");
    EXPECT_EQ(plan_error(options_from("plugins {\n  path: {}\n}\n", dir.path)),
              file + ":2:3: plugins: \"path\" must be a string or an array of strings");
    EXPECT_EQ(plan_error(options_from("plugins {\n  echo: true\n}\n", dir.path)),
              file + ":2:3: plugins: \"echo\" must be a map (a plugin's config block), got bool");
}

TEST(Assembly, MonitoringWithoutItsPluginIsFatal) {
    ScratchDir dir;
    EXPECT_EQ(plan_error(options_from("http_port: 8222\n", dir.path)),
              "config \"http_port\" needs plugin \"monitoring\", which is not installed (looked for libmonitoring.so in "
              "no search path)");
}

// Fail closed: every nats-server block whose feature is a plugin here stops
// start-up when the plugin is not installed, instead of running without it.
TEST(Assembly, NatsServerKeysWithoutTheirPluginAreFatal) {
    ScratchDir dir;
    const std::pair<const char*, const char*> cases[] = {
        {"operator: \"/x.jwt\"", "auth_jwt"},        {"trusted: \"OABC\"", "auth_jwt"},
        {"trusted_keys: [\"OABC\"]", "auth_jwt"},    {"resolver: MEMORY", "auth_jwt"},
        {"resolver_preload { A: b }", "auth_jwt"},   {"cluster { port: 6222 }", "cluster"},
        {"leafnodes { port: 7422 }", "leafnodes"},   {"gateway { name: g }", "gateway"},
        {"websocket { port: 8080 }", "websocket"},   {"mqtt { port: 1883 }", "mqtt"},
        {"jetstream {}", "jetstream"},               {"jetstream: enabled", "jetstream"},
        {"jetstream { enabled: true }", "jetstream"}, {"JetStream: true", "jetstream"},
    };
    for (const auto& [line, plugin] : cases) {
        const auto o = options_from(std::string(line) + "\n", dir.path);
        const std::string key = std::string(line).substr(0, std::string(line).find_first_of(": "));
        EXPECT_EQ(plan_error(o), "config \"" + key + "\" needs plugin \"" + plugin +
                                     "\", which is not installed (looked for lib" + plugin + ".so in no search path)")
            << line;
    }
}

TEST(Assembly, DisabledJetstreamNeedsNoPlugin) {
    ScratchDir dir;
    for (const char* line : {"jetstream: disabled", "jetstream: false", "jetstream { enabled: false }",
                             "jetstream { store_dir: /x, enable: false }"}) {
        auto plan = plan_plugins(options_from(std::string(line) + "\n", dir.path), {});
        EXPECT_TRUE(plan.requests.empty()) << line;
        EXPECT_TRUE(plan.warnings.empty()) << line;
    }
}

TEST(Assembly, NatsServerFlagsWithoutTheirPluginAreFatal) {
    ScratchDir dir;
    auto o = options_from("port: 4222\n", dir.path);
    o.flags_without_plugin = {{"--cluster", "cluster"}, {"-js", "jetstream"}};
    EXPECT_EQ(plan_error(o, dir.path), "flag \"--cluster\" needs plugin \"cluster\", which is not installed (looked for "
                                       "libcluster.so in " + dir.path.string() + ")");
}

// A plugin that serves a key is found through the catalog, by its descriptor.
TEST(Assembly, KeyServedByAnInstalledPluginLoadsIt) {
    ScratchDir dir;
    const fs::path conf = dir.path / "server.conf";
    auto o = options_from("plugins { path: \"" + std::string(NMK_TEST_PLUGIN_DIR) + "\" }\n", dir.path);
    // options_from_value refuses unknown keys; the real reader asks the catalog (tested in kernel/config).
    // no_system_account: else the installed system_account plugin is asked for too.
    o.raw = config::parse_config_string("plugins { path: \"" + std::string(NMK_TEST_PLUGIN_DIR) +
                                            "\" }\ngreeter { text: hi }\nno_system_account: true\n",
                                        conf.string());
    auto plan = plan_plugins(o, {});
    ASSERT_EQ(plan.requests.size(), 1u);
    EXPECT_EQ(plan.requests[0].name, "test_served");
    EXPECT_EQ(plan.requests[0].asked_by, "greeter");
    EXPECT_EQ(plan.requests[0].path, fs::path(std::string(NMK_TEST_PLUGIN_DIR)) / "libtest_served.so");
    const auto json = nlohmann::json::parse(plugin_config_json(o, "test_served", {"greeter"}));
    EXPECT_EQ(json["greeter"]["text"], "hi");
}

TEST(Assembly, PluginErrorsNamingAConfigKeyGetItsPosition) {
    ScratchDir dir;
    const std::string file = (dir.path / "server.conf").string();
    auto o = options_from("http_port: 8222\nplugins {\n  monitoring {\n    auth { users: [{user: a}, {user: 5}] }\n  }\n}\n",
                          dir.path);
    EXPECT_EQ(config_key_location(o, "monitoring", "config key 'auth.users[1].user' must be a string"), file + ":4:32");
    EXPECT_EQ(config_key_location(o, "monitoring", "config key 'http_port' is odd"), file + ":1:1");  // top level
    EXPECT_EQ(config_key_location(o, "monitoring", "config key 'auth.nothing' is odd"), "");
    EXPECT_EQ(config_key_location(o, "monitoring", "no key named"), "");
}

TEST(Assembly, FeaturesNotAskedForLoadNothing) {
    ScratchDir dir;
    touch_plugin(dir.path, "jetstream");
    touch_plugin(dir.path, "auth_users");
    // jetstream disabled, an authorization block without credentials, accounts without users: no plugin.
    auto plan = plan_plugins(
        options_from("jetstream: disabled\nauthorization { timeout: 1 }\naccounts { A: {} }\n", dir.path), dir.path);
    EXPECT_TRUE(plan.requests.empty());
    EXPECT_TRUE(plan.warnings.empty());
}

// The system account's services: asked for wherever a system account exists, but
// optional (a build without the plugin starts), and not with no_system_account.
TEST(Assembly, TheSystemAccountPluginIsOptional) {
    ScratchDir dir;
    EXPECT_TRUE(plan_plugins(options_from("port: 4222\n", dir.path), dir.path).requests.empty());
    touch_plugin(dir.path, "system_account");
    auto plan = plan_plugins(options_from("system_account: SYS\naccounts { SYS: {} }\n", dir.path), dir.path);
    ASSERT_EQ(plan.requests.size(), 1u);
    EXPECT_EQ(plan.requests[0].name, "system_account");
    EXPECT_FALSE(plan.requests[0].required);
    EXPECT_EQ(nlohmann::json::parse(plugin_config_json(options_from("system: SYS\naccounts { SYS: {} }\n", dir.path),
                                                       "system_account", {}))["system_account"],
              "SYS");
    EXPECT_TRUE(plan_plugins(options_from("no_system_account: true\n", dir.path), dir.path).requests.empty());
}

TEST(Assembly, InstalledFeaturePluginsLoadByThemselves) {
    ScratchDir dir;
    for (const char* name : {"jetstream", "store_memory", "store_file", "monitoring", "auth_users"})
        touch_plugin(dir.path, name);
    auto o = options_from(
        "jetstream { max_mem: 1MB }\nhttp: 127.0.0.1:8222\n"
        "authorization { users: [{user: a, password: b}] }\naccounts { A: { users: [{user: c, password: d}] } }\n",
        dir.path);
    auto plan = plan_plugins(o, dir.path);
    ASSERT_EQ(plan.requests.size(), 5u);  // auth_users asked for twice, loaded once
    EXPECT_EQ(plan.requests[0].name, "jetstream");
    EXPECT_EQ(plan.requests[0].asked_by, "jetstream");
    EXPECT_TRUE(plan.requests[0].required);
    // JetStream's store backends come with it.
    EXPECT_EQ(plan.requests[1].name, "store_memory");
    EXPECT_EQ(plan.requests[1].asked_by, "jetstream");
    EXPECT_EQ(plan.requests[2].name, "store_file");
    EXPECT_EQ(plan.requests[3].name, "monitoring");
    EXPECT_EQ(plan.requests[4].name, "auth_users");
    EXPECT_EQ(plan.requests[4].asked_by, "authorization");
    EXPECT_TRUE(plan.requests[4].required);
}

// The auth plugins a config asks for, by name, with the key that asked.
std::vector<std::string> auth_plan(const config::Options& o, const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& r : plan_plugins(o, dir).requests) out.push_back(r.name + " <- " + r.asked_by);
    return out;
}

TEST(Assembly, AuthenticationLoadsItsPlugins) {
    ScratchDir dir;
    for (const char* name : {"auth_token", "auth_users", "auth_nkey"}) touch_plugin(dir.path, name);
    using list = std::vector<std::string>;
    EXPECT_EQ(auth_plan(options_from("authorization { token: t }\n", dir.path), dir.path),
              (list{"auth_token <- authorization"}));
    EXPECT_EQ(auth_plan(options_from("authorization { user: a, password: b }\n", dir.path), dir.path),
              (list{"auth_users <- authorization"}));
    EXPECT_EQ(auth_plan(options_from("authorization { users: [{username: a, password: b}, {nkey: UABC}] }\n",
                                     dir.path),
                        dir.path),
              (list{"auth_users <- authorization", "auth_nkey <- authorization"}));
    EXPECT_EQ(auth_plan(options_from("authorization { users: [{nkey: UABC}] }\n", dir.path), dir.path),
              (list{"auth_nkey <- authorization"}));
    EXPECT_EQ(auth_plan(options_from("accounts { A: { users: [{nkey: U1}] }, B: { users: [{user: x, password: y}] } }\n",
                                     dir.path),
                        dir.path),
              (list{"auth_users <- accounts", "auth_nkey <- accounts"}));
    EXPECT_EQ(auth_plan(options_from("accounts { A: {}, B: { users: [] } }\n", dir.path), dir.path), list{});
    // An entry that is neither goes to auth_users, which refuses it: never an open server.
    EXPECT_EQ(auth_plan(options_from("authorization { users: [{password: x}] }\n", dir.path), dir.path),
              (list{"auth_users <- authorization"}));
    // The flags --auth and --user/--pass.
    auto token_flag = options_from("port: 4222\n", dir.path);
    token_flag.token = "t";
    EXPECT_EQ(auth_plan(token_flag, dir.path), (list{"auth_token <- --auth"}));
    auto user_flag = options_from("port: 4222\n", dir.path);
    user_flag.username = "u";
    EXPECT_EQ(auth_plan(user_flag, dir.path), (list{"auth_users <- --user"}));
}

TEST(Assembly, MissingAuthPluginIsFatal) {
    ScratchDir dir;
    touch_plugin(dir.path, "auth_users");  // but not auth_nkey
    EXPECT_EQ(plan_error(options_from("authorization { users: [{user: a, password: b}, {nkey: UABC}] }\n", dir.path),
                         dir.path),
              "\"authorization\" needs plugin \"auth_nkey\", which is not installed (looked for libauth_nkey.so in " +
                  dir.path.string() + "): refusing to start without authentication");
    auto token_flag = options_from("port: 4222\n", dir.path);
    token_flag.token = "t";
    EXPECT_EQ(plan_error(token_flag), "\"--auth\" needs plugin \"auth_token\", which is not installed (looked for "
                                      "libauth_token.so in no search path): refusing to start without authentication");
}

TEST(Assembly, AuthPluginsGetAuthorizationAccountsAndSimpleAuth) {
    ScratchDir dir;
    auto o = options_from(
        "authorization { users: [{user: a, password: b, permissions: { publish: \"x.>\" }}] }\n"
        "accounts { A: { users: [{nkey: U1}] } }\nsystem_account: A\nno_auth_user: a\n"
        "plugins { auth_users { extra: 1 } }\n",
        dir.path);
    const auto users = nlohmann::json::parse(plugin_config_json(o, "auth_users"));
    EXPECT_EQ(users["authorization"]["users"][0]["permissions"]["publish"], "x.>");
    EXPECT_EQ(users["accounts"]["A"]["users"][0]["nkey"], "U1");
    EXPECT_EQ(users["system_account"], "A");
    EXPECT_EQ(users["no_auth_user"], "a");
    EXPECT_EQ(users["extra"], 1);
    for (const char* absent : {"username", "password", "token"}) EXPECT_FALSE(users.contains(absent)) << absent;
    // The nkey plugin gets the same settings (without the other plugin's block).
    auto nkey = nlohmann::json::parse(plugin_config_json(o, "auth_nkey"));
    EXPECT_EQ(nkey["accounts"], users["accounts"]);
    EXPECT_FALSE(nkey.contains("extra"));
    // Flags win over the file: the effective values are passed.
    auto flags = options_from("authorization { user: fileuser, password: filepass }\n", dir.path);
    flags.username = "flaguser";
    flags.password = "flagpass";
    const auto simple = nlohmann::json::parse(plugin_config_json(flags, "auth_users"));
    EXPECT_EQ(simple["username"], "flaguser");
    EXPECT_EQ(simple["password"], "flagpass");
    EXPECT_EQ(simple["authorization"]["user"], "fileuser");
    auto token = options_from("authorization { token: secret }\n", dir.path);
    EXPECT_EQ(nlohmann::json::parse(plugin_config_json(token, "auth_token"))["token"], "secret");
}

TEST(Assembly, ReloadNeedingAnAuthPluginThatIsNotRunningIsBlocked) {
    ScratchDir dir;
    const std::vector<std::string> running{"auth_users", "monitoring"};
    EXPECT_EQ(reload_blocker(options_from("authorization { users: [{user: a, password: b}] }\n", dir.path), running), "");
    EXPECT_EQ(reload_blocker(options_from("port: 4222\n", dir.path), running), "");
    EXPECT_EQ(reload_blocker(options_from("accounts { A: { users: [{nkey: U1}] } }\n", dir.path), running),
              "\"accounts\" needs plugin \"auth_nkey\", which is not running: restart the server to load it");
    EXPECT_EQ(reload_blocker(options_from("authorization { token: t }\n", dir.path), {}),
              "\"authorization\" needs plugin \"auth_token\", which is not running: restart the server to load it");
    // Fail closed on reload too: monitoring asked for while its plugin is not running.
    EXPECT_EQ(reload_blocker(options_from("http_port: 8222\n", dir.path), {}),
              "\"http_port\" needs plugin \"monitoring\", which is not running: restart the server to load it");
    EXPECT_EQ(reload_blocker(options_from("http_port: 8222\n", dir.path), running), "");
}

TEST(Assembly, ReloadAddingANatsServerBlockWhosePluginIsNotRunningIsBlocked) {
    ScratchDir dir;
    EXPECT_EQ(reload_blocker(options_from("cluster { port: 6222 }\n", dir.path), {}),
              "config \"cluster\" needs plugin \"cluster\", which is not running: restart the server to load it");
    EXPECT_EQ(reload_blocker(options_from("cluster { port: 6222 }\n", dir.path), {"cluster"}), "");
    EXPECT_EQ(reload_blocker(options_from("jetstream: disabled\n", dir.path), {}), "");
}

TEST(Assembly, StrayBlockIsAnError) {
    ScratchDir dir;
    touch_plugin(dir.path, "used");
    auto plan = plan_plugins(options_from("plugins {\n  path: \".\"\n  load: used\n  used {}\n  unused { a: 1 }\n}\n",
                                          dir.path),
                             {});
    EXPECT_TRUE(plan.warnings.empty());
    try {
        check_plugin_blocks(plan, {"used"});
        ADD_FAILURE() << "no error";
    } catch (const PluginError& e) {
        EXPECT_EQ(std::string(e.what()), (dir.path / "server.conf").string() +
                                             ":5:3: plugins: block \"unused\" is for a plugin that is not loaded");
    }
    // A block for a plugin loaded because another requires it is fine.
    auto required = plan_plugins(options_from("plugins {\n  path: \".\"\n  load: used\n  dep {}\n}\n", dir.path), {});
    EXPECT_NO_THROW(check_plugin_blocks(required, {"used", "dep"}));
}

TEST(Assembly, ConfigJsonIsTheBlockOnTopOfTheFeatureSettings) {
    ScratchDir dir;
    auto o = options_from(
        "jetstream { store_dir: \"/data\", max_mem: 1KB }\n"
        "plugins { jetstream { max_memory_store: 7, extra: [1, \"x\"] }, other { a: { b: true } } }\n",
        dir.path);
    const auto js = nlohmann::json::parse(plugin_config_json(o, "jetstream"));
    EXPECT_EQ(js["jetstream"]["store_dir"], "/data");
    EXPECT_EQ(js["store_dir"], "/data");
    EXPECT_EQ(js["max_memory_store"], 7);  // the block wins
    EXPECT_EQ(js["extra"], nlohmann::json::parse(R"([1, "x"])"));
    EXPECT_EQ(nlohmann::json::parse(plugin_config_json(o, "other")), nlohmann::json::parse(R"({"a":{"b":true}})"));
    EXPECT_EQ(plugin_config_json(o, "absent"), "{}");
}

TEST(Assembly, HttpsMonitoringGetsTheServersCertificate) {
    ScratchDir dir;
    const std::string tls = "tls { cert_file: \"s.pem\", key_file: \"s.key\", ca_file: \"ca.pem\" }\n";
    const auto https = nlohmann::json::parse(plugin_config_json(options_from("https_port: 8443\n" + tls, dir.path), "monitoring"));
    EXPECT_EQ(https["tls"], nlohmann::json::parse(R"({"cert_file":"s.pem","key_file":"s.key"})"));
    // Plain http does not need it; the plugin's own block wins.
    EXPECT_FALSE(nlohmann::json::parse(plugin_config_json(options_from("http_port: 8222\n" + tls, dir.path), "monitoring"))
                     .contains("tls"));
    const auto own = nlohmann::json::parse(plugin_config_json(
        options_from("https_port: 8443\n" + tls + "plugins { monitoring { tls { cert_file: m.pem, key_file: m.key } } }\n",
                     dir.path),
        "monitoring"));
    EXPECT_EQ(own["tls"]["cert_file"], "m.pem");
}

TEST(Assembly, JetstreamFlagWithoutBlockStillTellsThePlugin) {
    ScratchDir dir;
    auto o = options_from("port: 4222\n", dir.path);
    o.jetstream = true;
    o.store_dir = "/js";
    const auto js = nlohmann::json::parse(plugin_config_json(o, "jetstream"));
    EXPECT_EQ(js["jetstream"], true);
    EXPECT_EQ(js["store_dir"], "/js");
}

TEST(Assembly, MonitoringGetsItsAddress) {
    ScratchDir dir;
    auto o = options_from("http_port: 8222\n", dir.path);
    const auto m = nlohmann::json::parse(plugin_config_json(o, "monitoring"));
    EXPECT_EQ(m["http_port"], 8222);
    EXPECT_EQ(m["http_host"], "0.0.0.0");
}

}  // namespace
}  // namespace nats::plugins
