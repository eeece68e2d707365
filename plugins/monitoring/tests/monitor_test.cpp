// The router and pages against canned kernel answers: nats-server's paths,
// redirects, 404s, 400 texts, credentials, plugin endpoints and the pages
// that stand in for features that are off.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "plugins/monitoring/http_auth.hpp"
#include "plugins/monitoring/monitor.hpp"

namespace nats::monitoring {
namespace {

using nlohmann::json;

// Answers varz/connz/... with fixed JSON and records what was asked.
class FakeKernel final : public KernelSource {
public:
    KernelAnswer query(std::string_view topic, std::string_view args) override {
        std::lock_guard lock(mutex);
        asked.emplace_back(std::string(topic), std::string(args));
        const auto it = answers.find(std::string(topic));
        if (topic == "http") {
            const auto e = endpoints.find(std::string(args));
            if (e != endpoints.end()) return e->second;
            return KernelAnswer{http_known, 404, "text/plain", "404 page not found\n"};
        }
        if (it == answers.end()) return {};
        return it->second;
    }
    void set(const std::string& topic, const std::string& body, int status = 200) {
        answers[topic] = KernelAnswer{true, status, "application/json", body};
    }
    std::string last_args(const std::string& topic) const {
        for (auto it = asked.rbegin(); it != asked.rend(); ++it)
            if (it->first == topic) return it->second;
        return "<never>";
    }

    std::mutex mutex;
    bool http_known = true;
    std::map<std::string, KernelAnswer> answers;
    std::map<std::string, KernelAnswer> endpoints;  // "GET /path?query" -> answer
    std::vector<std::pair<std::string, std::string>> asked;
};

class MonitorTest : public ::testing::Test {
protected:
    void SetUp() override {
        kernel.set("varz", R"({"server_id":"SID","server_name":"n1","version":"2.9.10","connections":2,)"
                           R"("in_msgs":5,"http_req_stats":{},"cluster":{},"jetstream":{},"cpu":1.5})");
        kernel.set("connz", R"({"server_id":"SID","now":"t","num_connections":1,"total":1,"offset":0,"limit":1024,)"
                            R"("connections":[{"cid":1,"authorized_user":"bob","account":"A","subscriptions":0}]})");
        kernel.set("subsz", R"({"num_subscriptions":3,"num_cache":0})");
        kernel.set("accountz", R"({"server_id":"SID","now":"t","system_account":"$SYS","accounts":["$G","A"]})");
        kernel.set("accstatz", R"({"server_id":"SID","now":"t","account_statz":[]})");
    }
    Monitor make(Settings settings = {}) {
        settings.http_port = 8222;
        return Monitor(kernel, std::move(settings), PluginIdentity{"monitoring", "1.0.0"});
    }
    HttpResponse get(Monitor& m, std::string path, std::string query = {}, std::string authorization = {}) {
        HttpRequest r;
        r.path = std::move(path);
        r.query = std::move(query);
        r.authorization = std::move(authorization);
        return m.handle(r);
    }
    FakeKernel kernel;
};

TEST_F(MonitorTest, VarzCountsRequestsAndMergesPluginSections) {
    kernel.endpoints["GET /varz/jetstream"] = {true, 200, "application/json", R"({"jetstream":{"config":{"max_memory":5}}})"};
    auto m = make();
    get(m, "/varz");
    const auto r = get(m, "/varz");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/json");
    const auto v = json::parse(r.body);
    EXPECT_EQ(v["http_req_stats"]["/varz"], 2);
    EXPECT_EQ(v["jetstream"]["config"]["max_memory"], 5);
    EXPECT_EQ(v["cluster"], json::object());
    EXPECT_NE(r.body.find("\n  \"server_id\": \"SID\""), std::string::npos) << "indented like MarshalIndent";
    EXPECT_NE(r.body.find("\"cpu\": 1.5"), std::string::npos);
}

TEST_F(MonitorTest, JsonpWithCallback) {
    auto m = make();
    const auto r = get(m, "/healthz", "callback=cb");
    EXPECT_EQ(r.content_type, "application/javascript");
    EXPECT_EQ(r.body, R"(cb({"status":"ok"}))");
}

// The kernel writes /connz in nats-server's layout and hides identity as auth
// asks; the page checks the options and passes the kernel's text through.
TEST_F(MonitorTest, ConnzPassesCheckedOptionsAndTheKernelsText) {
    auto m = make();
    auto r = get(m, "/connz", "sort=subs&limit=5&offset=2&subs=detail&cid=7&state=ALL&user=bob");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(kernel.last_args("connz"), "sort=subs&auth=0&subs=detail&offset=2&limit=5&cid=7&state=all&user=bob");
    EXPECT_EQ(r.body, kernel.answers["connz"].body);
    EXPECT_EQ(r.content_type, "application/json");
    r = get(m, "/connz", "auth=true&limit=-3&offset=-1&callback=cb");
    EXPECT_EQ(kernel.last_args("connz"), "sort=&auth=1&subs=0&offset=0&limit=1024&cid=0&state=open");
    EXPECT_EQ(r.body, "cb(" + kernel.answers["connz"].body + ")");
    kernel.set("connz", "", 500);
    EXPECT_EQ(get(m, "/connz").status, 500);
}

TEST_F(MonitorTest, ConnzBadValuesGetNatsServerTexts) {
    auto m = make();
    const std::pair<std::string, std::string> cases[] = {
        {"sort=bogus", "invalid sorting option: bogus"},
        {"sort=stop", "sort by stop only valid on closed connections"},
        {"sort=reason&state=open", "sort by reason only valid on closed connections"},
        {"state=bogus", "Error decoding state for bogus"},
        {"auth=x", "Error decoding boolean for 'auth': strconv.ParseBool: parsing \"x\": invalid syntax"},
        {"subs=x", "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"x\": invalid syntax"},
        {"offset=x", "Error decoding int for 'offset': strconv.Atoi: parsing \"x\": invalid syntax"},
        {"cid=x", "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"x\": invalid syntax"},
        // Decoded in nats-server's order: auth before the sort check.
        {"sort=bogus&auth=x", "Error decoding boolean for 'auth': strconv.ParseBool: parsing \"x\": invalid syntax"},
    };
    for (const auto& [query, text] : cases) {
        const auto r = get(m, "/connz", query);
        EXPECT_EQ(r.status, 400) << query;
        EXPECT_EQ(r.body, text) << query;
        EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
    }
    EXPECT_EQ(get(m, "/connz", "sort=stop&state=closed").status, 200);
}

TEST_F(MonitorTest, ConnzUnknownAccountAnswersLikeNatsServer) {
    auto m = make();
    const auto v = json::parse(get(m, "/connz", "acc=nope").body);
    EXPECT_EQ(v["server_id"], "");
    EXPECT_TRUE(v["connections"].is_null());
    EXPECT_EQ(v["total"], 0);
    EXPECT_EQ(kernel.last_args("connz"), "<never>");
}

TEST_F(MonitorTest, SubszValidatesTestSubject) {
    auto m = make();
    auto r = get(m, "/subsz", "test=foo.*");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "invalid test subject, must be valid publish subject: foo.*");
    r = get(m, "/subscriptionsz", "subs=1&test=foo.bar&limit=3");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(kernel.last_args("subsz"), "subs=1&offset=0&limit=3&test=foo.bar");
}

TEST_F(MonitorTest, AccountzUnknownAccountIs400) {
    auto m = make();
    kernel.answers.erase("accountz");  // a kernel without the account answers NOT_FOUND
    const auto r = get(m, "/accountz", "acc=nope");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "Account nope does not exist");
    kernel.answers["accountz"] = KernelAnswer{true, 400, "text/plain", "Account x does not exist"};
    EXPECT_EQ(get(m, "/accountz", "acc=x").body, "Account x does not exist");
}

TEST_F(MonitorTest, FeaturesOffAnswerAsNatsServer) {
    auto m = make();
    auto v = json::parse(get(m, "/routez").body);
    EXPECT_EQ(v["server_id"], "SID");
    EXPECT_EQ(v["num_routes"], 0);
    EXPECT_EQ(v["routes"], json::array());
    v = json::parse(get(m, "/leafz").body);
    EXPECT_TRUE(v["leafs"].is_null());
    v = json::parse(get(m, "/gatewayz").body);
    EXPECT_EQ(v["outbound_gateways"], json::object());
    v = json::parse(get(m, "/jsz").body);
    EXPECT_EQ(v["disabled"], true);
    EXPECT_EQ(v["config"]["max_memory"], 0);
    auto r = get(m, "/jsz", "leader-only=true");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "filtered response: not leader");
    r = get(m, "/healthz", "js-enabled-only=x");
    EXPECT_EQ(r.body, "Error decoding boolean for 'js-enabled-only': strconv.ParseBool: parsing \"x\": invalid syntax");
    EXPECT_EQ(get(m, "/healthz", "js-enabled-only=true").body, R"({"status":"ok"})");
}

TEST_F(MonitorTest, PluginEndpointsServeTheirPaths) {
    kernel.endpoints["GET /jsz?accounts=true"] = {true, 200, "application/json", R"({"from":"jetstream"})"};
    kernel.endpoints["GET /healthz"] = {true, 503, "application/json", R"({"status":"unavailable"})"};
    kernel.endpoints["GET /custom?a=1"] = {true, 200, "text/plain", "custom page"};
    auto m = make();
    EXPECT_EQ(get(m, "/jsz", "accounts=true").body, R"({"from":"jetstream"})");
    EXPECT_EQ(get(m, "/healthz").status, 503);
    const auto r = get(m, "/custom", "a=1");
    EXPECT_EQ(r.body, "custom page");
    EXPECT_EQ(r.content_type, "text/plain");
    EXPECT_EQ(get(m, "/other").status, 404);
}

TEST_F(MonitorTest, UnknownPathsRedirectsAndBasePath) {
    auto m = make();
    auto r = get(m, "/nope");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "404 page not found\n");
    EXPECT_EQ(get(m, "/varz/").status, 404);
    r = get(m, "//varz", "x=1");
    EXPECT_EQ(r.status, 301);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].second, "/varz?x=1");
    EXPECT_EQ(r.body, "<a href=\"/varz?x=1\">Moved Permanently</a>.\n\n");
    EXPECT_EQ(get(m, "/a/../varz").status, 301);
    EXPECT_EQ(get(m, "/").status, 200);

    Settings based;
    based.base_path = "/nats";
    auto b = make(based);
    EXPECT_EQ(get(b, "/varz").status, 404);
    EXPECT_EQ(get(b, "/nats/varz").status, 200);
    r = get(b, "/nats");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("href=\"/nats/connz\""), std::string::npos);
    EXPECT_EQ(get(b, "/nats/").status, 404);
    EXPECT_EQ(get(b, "/natsvarz").status, 404);
}

TEST_F(MonitorTest, CredentialsRequiredWhenConfigured) {
    Settings s;
    s.auth.user = "ops";
    s.auth.password = "pw:x";
    s.auth.token = "tok";
    s.auth.public_paths = {"/healthz"};
    auto m = make(s);
    auto r = get(m, "/varz");
    EXPECT_EQ(r.status, 401);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
    EXPECT_EQ(r.headers[0].second, R"(Basic realm="NATS monitoring", Bearer realm="NATS monitoring")");
    EXPECT_EQ(get(m, "/nope").status, 401) << "paths are not revealed before credentials";
    EXPECT_EQ(get(m, "/varz", "", "Basic b3BzOnB3Ong=").status, 200);      // ops:pw:x
    EXPECT_EQ(get(m, "/varz", "", "basic b3BzOnB3Ong=").status, 200);      // scheme is case-insensitive
    EXPECT_EQ(get(m, "/varz", "", "Basic b3BzOnB3").status, 401);          // ops:pw
    EXPECT_EQ(get(m, "/varz", "", "Basic !!!").status, 401);
    EXPECT_EQ(get(m, "/varz", "", "Bearer tok").status, 200);
    EXPECT_EQ(get(m, "/varz", "", "Bearer tok2").status, 401);
    EXPECT_EQ(get(m, "/varz", "", "Bearer").status, 401);
    EXPECT_EQ(get(m, "/healthz").status, 200);
    AuthSettings next;
    next.token = "new";
    m.set_auth(next);
    EXPECT_EQ(get(m, "/varz", "", "Bearer tok").status, 401);
    EXPECT_EQ(get(m, "/varz", "", "Bearer new").status, 200);
}

TEST_F(MonitorTest, PluginListFallsBackToItself) {
    auto m = make();
    auto v = json::parse(get(m, "/pluginz").body);
    ASSERT_EQ(v["plugins"].size(), 1u);
    EXPECT_EQ(v["plugins"][0]["name"], "monitoring");
    kernel.set("pluginz", R"({"plugins":[{"name":"monitoring"},{"name":"auth_token"}]})");
    v = json::parse(get(m, "/pluginz").body);
    EXPECT_EQ(v["plugins"].size(), 2u);
}

TEST(HttpAuth, Base64) {
    std::string out;
    EXPECT_TRUE(base64_decode("b3BzOnB3", out));
    EXPECT_EQ(out, "ops:pw");
    EXPECT_TRUE(base64_decode("YQ==", out));
    EXPECT_EQ(out, "a");
    EXPECT_FALSE(base64_decode("YQ=", out));
    EXPECT_FALSE(base64_decode("Y=Q=", out));
    EXPECT_FALSE(base64_decode("Y$==", out));
}

}  // namespace
}  // namespace nats::monitoring
