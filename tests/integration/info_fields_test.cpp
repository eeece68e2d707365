// The INFO line field by field: for each configuration (plain, user/password, TLS,
// TLS with client verification, an nkey user, server_name and max_payload set) the keys
// nats-server 2.9.10 sends, in its order, each with its JSON type. The same expectations
// hold for the reference server (NMK_SERVER_BIN=/usr/sbin/nats-server) and for ours.
// JetStream ("jetstream"), clusters ("connect_urls") and allow_non_tls ("tls_available")
// are not covered: this server has none of them yet.
#include "tests/integration/integration_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_certs.hpp"

namespace nats::integration {
namespace {

using ordered = nlohmann::ordered_json;
using test_support::TempDir;
using test_support::make_test_certificates;

// What nats-server sends to every client, in its order; the optional fields go in
// between (see expected_keys).
enum class Kind { string, integer, boolean };

struct Field {
    const char* key;
    Kind kind;
};

constexpr Field all_fields[] = {
    {"server_id", Kind::string},     {"server_name", Kind::string}, {"version", Kind::string},
    {"proto", Kind::integer},        {"go", Kind::string},          {"host", Kind::string},
    {"port", Kind::integer},         {"headers", Kind::boolean},    {"auth_required", Kind::boolean},
    {"tls_required", Kind::boolean}, {"tls_verify", Kind::boolean}, {"max_payload", Kind::integer},
    {"client_id", Kind::integer},    {"client_ip", Kind::string},   {"nonce", Kind::string},
};

const std::set<std::string> optional_fields = {"auth_required", "tls_required", "tls_verify", "nonce"};

// The keys in nats-server's order: every always-present field plus the optional ones asked for.
std::vector<std::string> expected_keys(const std::set<std::string>& optional) {
    std::vector<std::string> out;
    for (const auto& f : all_fields) {
        if (!optional_fields.contains(f.key) || optional.contains(f.key)) out.emplace_back(f.key);
    }
    return out;
}

// The first line the server sends, parsed keeping its key order.
ordered read_info_in_order(int port) {
    RawClient c(port);
    const std::string line = c.expect_prefix("INFO ");
    return ordered::parse(line.substr(5));
}

std::vector<std::string> keys_of(const ordered& info) {
    std::vector<std::string> out;
    for (const auto& [key, value] : info.items()) out.push_back(key);
    return out;
}

bool has_kind(const ordered& value, Kind kind) {
    switch (kind) {
        case Kind::string: return value.is_string();
        case Kind::integer: return value.is_number_integer();
        case Kind::boolean: return value.is_boolean();
    }
    return false;
}

// Keys in order, each of its type, and the values every configuration shares.
void expect_info_shape(const ordered& info, const std::set<std::string>& optional, int port) {
    EXPECT_EQ(keys_of(info), expected_keys(optional)) << info.dump();
    for (const auto& f : all_fields) {
        if (!info.contains(f.key)) continue;
        EXPECT_TRUE(has_kind(info[f.key], f.kind)) << f.key << " has the wrong type in " << info.dump();
    }
    EXPECT_EQ(info.value("version", ""), "2.9.10");
    EXPECT_EQ(info.value("proto", 0), 1);
    EXPECT_FALSE(info.value("go", "").empty());
    EXPECT_EQ(info.value("host", ""), "127.0.0.1");
    EXPECT_EQ(info.value("port", 0), port);
    EXPECT_EQ(info.value("headers", false), true);
    EXPECT_EQ(info.value("client_ip", ""), "127.0.0.1");
    EXPECT_GT(info.value("client_id", 0), 0);
    const std::string id = info.value("server_id", "");
    EXPECT_EQ(id.size(), 56u) << id;
    EXPECT_EQ(id.substr(0, 1), "N") << id;
    for (const char* flag : {"auth_required", "tls_required", "tls_verify"}) {
        if (info.contains(flag)) {
            EXPECT_EQ(info[flag], true) << flag;
        }
    }
}

TEST(InfoFields, PlainServer) {
    auto server = start_server();
    const ordered info = read_info_in_order(server->port());
    expect_info_shape(info, {}, server->port());
    EXPECT_EQ(info["server_name"], info["server_id"]);
    EXPECT_EQ(info["max_payload"], 1048576);
}

TEST(InfoFields, ServerNameAndMaxPayloadFromTheConfig) {
    auto server = start_server("server_name: info_test\nmax_payload: 2000\n");
    const ordered info = read_info_in_order(server->port());
    expect_info_shape(info, {}, server->port());
    EXPECT_EQ(info["server_name"], "info_test");
    EXPECT_EQ(info["max_payload"], 2000);
}

TEST(InfoFields, UserAndPasswordAddAuthRequired) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server({}, {"--user", "info", "--pass", "s3cret"});
    expect_info_shape(read_info_in_order(server->port()), {"auth_required"}, server->port());
}

TEST(InfoFields, NkeyUserAddsANonce) {
    SKIP_WITHOUT_PLUGINS("auth_nkey");
    auto server = start_server(
        "authorization { users: [ {nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4} ] }\n");
    const ordered info = read_info_in_order(server->port());
    expect_info_shape(info, {"auth_required", "nonce"}, server->port());
    EXPECT_FALSE(info.value("nonce", "").empty());
}

TEST(InfoFields, TlsAddsTlsRequired) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server({}, {"--tls", "--tlscert", files.server_cert.string(), "--tlskey",
                                    files.server_key.string()});
    expect_info_shape(read_info_in_order(server->port()), {"tls_required"}, server->port());
}

TEST(InfoFields, TlsVerifyAddsTlsVerify) {
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server({}, {"--tlsverify", "--tlscert", files.server_cert.string(), "--tlskey",
                                    files.server_key.string(), "--tlscacert", files.ca_cert.string()});
    expect_info_shape(read_info_in_order(server->port()), {"tls_required", "tls_verify"}, server->port());
}

TEST(InfoFields, UsersWithTlsAddBoth) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    TempDir dir;
    const auto files = make_test_certificates(dir.path());
    auto server = start_server("authorization { user: info, password: s3cret }\ntls { cert_file: \"" +
                               files.server_cert.string() + "\", key_file: \"" + files.server_key.string() + "\" }\n");
    expect_info_shape(read_info_in_order(server->port()), {"auth_required", "tls_required"}, server->port());
}

}  // namespace
}  // namespace nats::integration
