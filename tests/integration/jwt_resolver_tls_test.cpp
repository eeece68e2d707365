// The URL account resolver over https (issue 17): `resolver: URL(https://...)` with
// `resolver_tls`. The account server here is a loopback https server with a test CA's
// certificate (IP SAN 127.0.0.1). Against nats-server 2.9.10 too, where it behaves the
// same: with `insecure: true` both fetch accounts; without a way to trust the CA both
// refuse to start. Ours also takes `ca_file` as the trust anchor (nats-server 2.9.10
// puts it in a server-side field and keeps the system roots), so that case is ours only.
#include <csignal>

#include "tests/integration/jwt_account_server.hpp"
#include "tests/integration/jwt_auth_helpers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_certs.hpp"

namespace nats::integration {
namespace {

using namespace jwt_world;

bool ours() { return server_loads_plugins(); }

// An https account server holding `a`, and the config pointing at it.
struct HttpsWorld {
    test_support::TempDir dir;
    test_support::TlsFiles certs = test_support::make_test_certificates(dir.path());
    World w;
    Account& a = w.account("A");
    std::unique_ptr<AccountServer> http;

    HttpsWorld() {
        std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-answer
        http = std::make_unique<AccountServer>(certs.server_cert.string(), certs.server_key.string());
        http->put("/jwt/v1/accounts/" + a.key.public_key(), a.jwt);
        http->put("/jwt/v1/accounts/", "");
    }
    std::string config(const std::string& tls_block) const {
        return "operator: \"" + w.operator_jwt + "\"\nresolver: URL(\"" + http->url() + "\")\n" + tls_block;
    }
};

TEST(JwtResolverTls, InsecureFetchesAccountsOverHttps) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    HttpsWorld h;
    auto server = start_server(h.config("resolver_tls { insecure: true }\n"));
    Raw raw(*server);
    EXPECT_EQ(raw.login(h.w.user(h.a)), "PONG");
    EXPECT_GE(h.http->requests(), 2);  // the start-up check and the account
}

TEST(JwtResolverTls, AnUntrustedCertificateStopsStartUp) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    HttpsWorld h;
    const auto run = run_config_to_exit(h.config(""));
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("could not fetch <\"" + h.http->url() + "\">"), std::string::npos) << run.output;
    EXPECT_EQ(h.http->requests(), 0);  // refused at the handshake, no request sent
}

TEST(JwtResolverTls, CaFileIsTheTrustAnchorAndAClientCertificateIsSent) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    if (!ours()) GTEST_SKIP() << "nats-server 2.9.10 does not trust resolver_tls's ca_file";
    HttpsWorld h;
    auto server = start_server(h.config("resolver_tls { ca_file: \"" + h.certs.ca_cert.string() + "\", cert_file: \"" +
                                        h.certs.client_cert.string() + "\", key_file: \"" +
                                        h.certs.client_key.string() + "\" }\n"));
    Raw raw(*server);
    EXPECT_EQ(raw.login(h.w.user(h.a)), "PONG");
}

TEST(JwtResolverTls, ACertificateForAnotherHostIsRefused) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    if (!ours()) GTEST_SKIP() << "ca_file is ours only (see above)";
    HttpsWorld h;
    // The client certificate (SAN client.localhost) served as if it were the server's.
    AccountServer wrong(h.certs.client_cert.string(), h.certs.client_key.string());
    wrong.put("/jwt/v1/accounts/", "");
    const std::string config = "operator: \"" + h.w.operator_jwt + "\"\nresolver: URL(\"" + wrong.url() +
                               "\")\nresolver_tls { ca_file: \"" + h.certs.ca_cert.string() + "\" }\n";
    const auto run = run_config_to_exit(config);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("could not fetch"), std::string::npos) << run.output;
}

TEST(JwtResolverTls, BadSettingsAreRefused) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    HttpsWorld h;
    const std::string cert = h.certs.client_cert.string();
    for (const auto& [block, expected] : std::vector<std::pair<std::string, std::string>>{
             {"resolver_tls { colour: blue }", "unknown field"},
             {"resolver_tls { cert_file: \"" + cert + "\" }", "missing 'key_file' in TLS configuration"},
             {"resolver_tls { key_file: \"" + cert + "\" }", "missing 'cert_file' in TLS configuration"},
             {"resolver_tls { ca_file: \"/nonexistent/ca.pem\" }", "/nonexistent/ca.pem"},
             {"resolver_tls: true", "expected a map"},
         }) {
        const auto run = run_config_to_exit(h.config(block + "\n"));
        EXPECT_EQ(run.exit_code, 1) << block << "\n" << run.output;
        if (!ours()) continue;
        EXPECT_NE(run.output.find(expected), std::string::npos) << block << "\n" << run.output;
        const auto test = run_config_to_exit(h.config(block + "\n"), {"-t"});
        EXPECT_EQ(test.exit_code, 1) << block << "\n" << test.output;
    }
    if (ours()) {  // settings nats-server's resolver client does not apply: refused, not ignored
        const auto run = run_config_to_exit(h.config("resolver_tls { insecure: true, cipher_suites: [\"x\"] }\n"));
        EXPECT_EQ(run.exit_code, 1) << run.output;
        EXPECT_NE(run.output.find("not supported for the account resolver"), std::string::npos) << run.output;
    }
}

}  // namespace
}  // namespace nats::integration
