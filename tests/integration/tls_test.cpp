// TLS for clients, configured with a tls{} block or with the --tls* flags:
// INFO in the clear advertising the requirement, libnats clients over TLS,
// plain clients dropped, and client-certificate verification. Certificates are
// made at test time.
#include "tests/integration/integration_helpers.hpp"
#include "tests/support/net.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_certs.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::NatsConnectionPtr;
using test_support::NatsMsgPtr;
using test_support::NatsOptionsPtr;
using test_support::TempDir;
using test_support::TlsFiles;
using test_support::free_port;
using test_support::make_test_certificates;
using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::nats_next_msg;
using test_support::nats_options;
using test_support::nats_subscribe_sync;
using test_support::nats_try_connect;
using test_support::run_server_to_exit;
using Clock = std::chrono::steady_clock;

std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

// tls{} block; `timeout` is the handshake timeout in seconds.
std::string tls_block(const TlsFiles& files, bool verify, std::string_view timeout = "0.5") {
    std::string out = "tls {\n  cert_file: " + quoted(files.server_cert) + "\n  key_file: " +
                      quoted(files.server_key) + "\n  timeout: " + std::string(timeout) + "\n";
    if (verify) out += "  ca_file: " + quoted(files.ca_cert) + "\n  verify: true\n";
    return out + "}\n";
}

std::vector<std::string> tls_flags(const TlsFiles& files) {
    return {"--tls", "--tlscert", files.server_cert.string(), "--tlskey", files.server_key.string()};
}

enum class Trust { ca, skip_verify };

NatsOptionsPtr secure_options(const std::string& url, const TlsFiles& files, Trust trust,
                              const TlsFiles* client = nullptr) {
    NatsOptionsPtr options = nats_options(url);
    nats_check(natsOptions_SetSecure(options.get(), true), "natsOptions_SetSecure");
    if (trust == Trust::ca) {
        nats_check(natsOptions_LoadCATrustedCertificates(options.get(), files.ca_cert.c_str()), "CA");
    } else {
        nats_check(natsOptions_SkipServerVerification(options.get(), true), "skip verification");
    }
    if (client != nullptr) {
        nats_check(natsOptions_LoadCertificatesChain(options.get(), client->client_cert.c_str(),
                                                     client->client_key.c_str()),
                   "client certificate");
    }
    return options;
}

// A publish/subscribe round trip on one connection.
void expect_round_trip(natsConnection* nc, const std::string& subject) {
    auto sub = nats_subscribe_sync(nc, subject);
    nats_check(natsConnection_PublishString(nc, subject.c_str(), "over tls"), "publish");
    nats_check(natsConnection_Flush(nc), "flush");
    NatsMsgPtr m = nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(m) << "no message on " << subject;
    EXPECT_EQ(nats_msg_data(m.get()), "over tls");
}

TEST(TlsConfig, InfoInTheClearAdvertisesTlsRequired) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false));
    RawClient c(server->port());
    const json info = c.read_info();
    EXPECT_EQ(info["tls_required"], true);
    EXPECT_FALSE(info.contains("tls_verify"));
}

TEST(TlsConfig, LibnatsClientTrustingTheCaCanPublishAndSubscribe) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false));
    const auto options = secure_options(server->url(), files, Trust::ca);
    auto nc = nats_connect(options.get());
    expect_round_trip(nc.get(), "tls.config");
}

TEST(TlsConfig, LibnatsClientSkippingVerificationCanPublishAndSubscribe) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false));
    const auto options = secure_options(server->url(), files, Trust::skip_verify);
    auto nc = nats_connect(options.get());
    expect_round_trip(nc.get(), "tls.skip");
}

TEST(TlsConfig, TwoTlsClientsExchangeMessages) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false));
    const auto options = secure_options(server->url(), files, Trust::ca);
    auto subscriber = nats_connect(options.get());
    auto publisher = nats_connect(options.get());
    auto sub = nats_subscribe_sync(subscriber.get(), "between");
    nats_check(natsConnection_Flush(subscriber.get()), "flush");
    nats_check(natsConnection_PublishString(publisher.get(), "between", "hello"), "publish");
    nats_check(natsConnection_Flush(publisher.get()), "flush");
    NatsMsgPtr m = nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(m);
    EXPECT_EQ(nats_msg_data(m.get()), "hello");
}

// Output goes out in blocks of at most 64 KiB, many per write; over TLS each is
// encrypted in turn. Messages straddling the block edges and larger than a block
// arrive whole and in order.
TEST(TlsConfig, MessagesLargerThanAnOutputBlockArriveWhole) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false));
    const auto options = secure_options(server->url(), files, Trust::ca);
    auto subscriber = nats_connect(options.get());
    auto publisher = nats_connect(options.get());
    auto sub = nats_subscribe_sync(subscriber.get(), "big");
    nats_check(natsConnection_Flush(subscriber.get()), "flush");
    std::vector<std::string> sent;
    for (std::size_t size : {1u, 4097u, 65535u, 65536u, 65537u, 300000u, 1000000u, 12u}) {
        std::string payload(size, '\0');
        for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + (i * 7 + sent.size()) % 26);
        nats_check(natsConnection_Publish(publisher.get(), "big", payload.data(), static_cast<int>(payload.size())),
                   "publish");
        sent.push_back(std::move(payload));
    }
    nats_check(natsConnection_Flush(publisher.get()), "flush");
    for (std::size_t i = 0; i < sent.size(); ++i) {
        NatsMsgPtr m = nats_next_msg(sub.get(), 5s);
        ASSERT_TRUE(m) << "message " << i << " missing";
        ASSERT_TRUE(nats_msg_data(m.get()) == sent[i]) << "message " << i << " differs";
    }
}

TEST(TlsConfig, ClientThatDoesNotTrustTheServerFails) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    TempDir other_dir;
    const auto other = make_test_certificates(other_dir.path());
    auto server = start_server(tls_block(files, false));
    // Trusting another CA: the server's certificate does not verify.
    const auto options = secure_options(server->url(), other, Trust::ca);
    NatsConnectionPtr nc;
    EXPECT_NE(nats_try_connect(options.get(), nc), NATS_OK);
}

TEST(TlsConfig, PlainClientSendingConnectIsDropped) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false));
    RawClient c(server->port());
    EXPECT_EQ(c.read_info()["tls_required"], true);
    const auto start = Clock::now();
    c.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
    std::string received;
    EXPECT_TRUE(c.wait_closed(3s, &received));
    EXPECT_LT(Clock::now() - start, 2s);
    // nats-server 2.9.10 reads the CONNECT as a failed TLS handshake and
    // closes without a word; an -ERR naming the reason is the only other
    // answer accepted. Never a PONG.
    EXPECT_TRUE(received.empty() || received == "-ERR 'Secure Connection - TLS Required'\r\n") << received;
}

TEST(TlsConfig, SilentPlainClientIsDroppedAfterTheHandshakeTimeout) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, false, "0.5"));
    RawClient c(server->port());
    c.read_info();
    const auto start = Clock::now();
    std::string received;
    EXPECT_TRUE(c.wait_closed(3s, &received));
    const auto waited = Clock::now() - start;
    EXPECT_GE(waited, 300ms);
    EXPECT_LT(waited, 2s);
    EXPECT_TRUE(received.empty() || received == "-ERR 'Secure Connection - TLS Required'\r\n") << received;
}

TEST(TlsConfig, VerifyAcceptsClientWithCertificate) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, true));
    {
        RawClient c(server->port());
        const json info = c.read_info();
        EXPECT_EQ(info["tls_required"], true);
        EXPECT_EQ(info["tls_verify"], true);
    }
    const auto options = secure_options(server->url(), files, Trust::ca, &files);
    auto nc = nats_connect(options.get());
    expect_round_trip(nc.get(), "tls.verified");
}

TEST(TlsConfig, VerifyRejectsClientWithoutCertificate) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server(tls_block(files, true));
    const auto options = secure_options(server->url(), files, Trust::ca);
    NatsConnectionPtr nc;
    EXPECT_NE(nats_try_connect(options.get(), nc), NATS_OK);
    // The server is unaffected: a proper client still gets in.
    const auto good = secure_options(server->url(), files, Trust::ca, &files);
    auto ok = nats_connect(good.get());
    EXPECT_EQ(natsConnection_Flush(ok.get()), NATS_OK);
}

TEST(TlsConfig, VerifyRejectsClientCertificateFromAnotherCa) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    TempDir other_dir;
    const auto other = make_test_certificates(other_dir.path());
    auto server = start_server(tls_block(files, true));
    const auto options = secure_options(server->url(), files, Trust::ca, &other);
    NatsConnectionPtr nc;
    EXPECT_NE(nats_try_connect(options.get(), nc), NATS_OK);
}

TEST(TlsConfig, MissingCertificateFileStopsStartup) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    const auto conf = dir.file("tls.conf");
    TlsFiles broken = files;
    broken.server_cert = dir.file("absent-cert.pem");
    test_support::write_file(conf, tls_block(broken, false));
    const ExitResult r =
        run_server_to_exit({"-a", "127.0.0.1", "-p", std::to_string(free_port()), "-c", conf.string()}, 5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*r.exit_code, 1);
    EXPECT_NE(r.output.find("absent-cert.pem"), std::string::npos) << r.output;
}

TEST(TlsFlags, TlsFlagsAdvertiseAndServeTls) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server({}, tls_flags(files));
    {
        RawClient c(server->port());
        const json info = c.read_info();
        EXPECT_EQ(info["tls_required"], true);
        EXPECT_FALSE(info.contains("tls_verify"));
    }
    const auto options = secure_options(server->url(), files, Trust::ca);
    auto nc = nats_connect(options.get());
    expect_round_trip(nc.get(), "tls.flags");
}

TEST(TlsFlags, PlainClientIsDropped) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server({}, tls_flags(files));
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
    std::string received;
    EXPECT_TRUE(c.wait_closed(3s, &received));
    EXPECT_EQ(received.find("PONG"), std::string::npos) << received;
}

TEST(TlsFlags, TlsVerifyWithCaCertRequiresClientCertificate) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    std::vector<std::string> args = {"--tlsverify", "--tlscert", files.server_cert.string(), "--tlskey",
                                     files.server_key.string(), "--tlscacert", files.ca_cert.string()};
    auto server = start_server({}, args);
    {
        RawClient c(server->port());
        const json info = c.read_info();
        EXPECT_EQ(info["tls_required"], true);
        EXPECT_EQ(info["tls_verify"], true);
    }
    const auto with_cert = secure_options(server->url(), files, Trust::ca, &files);
    auto nc = nats_connect(with_cert.get());
    expect_round_trip(nc.get(), "tls.flags.verified");

    const auto without_cert = secure_options(server->url(), files, Trust::ca);
    NatsConnectionPtr rejected;
    EXPECT_NE(nats_try_connect(without_cert.get(), rejected), NATS_OK);
}

TEST(TlsFlags, TlsCertWithoutKeyStopsStartup) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    const ExitResult r = run_server_to_exit({"-a", "127.0.0.1", "-p", std::to_string(free_port()), "--tls",
                                             "--tlscert", files.server_cert.string()},
                                            5s);
    ASSERT_TRUE(r.exit_code.has_value()) << "still running after 5 s";
    EXPECT_NE(*r.exit_code, 0) << r.output;
}

} // namespace
} // namespace nats::integration
