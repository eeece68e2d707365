// `server passwd`'s hashes and the Prometheus rendering of a check.
#include <gtest/gtest.h>

#include "check_result.hpp"
#include "errors.hpp"
#include "password_hash.hpp"

namespace nats::cli {
namespace {

TEST(Passwd, BcryptHashesAsGoWritesThem) {
    const std::string hash = bcrypt_hash("abcdefghijklmnopqrstuvwxyz", 4);
    EXPECT_EQ(hash.rfind("$2a$04$", 0), 0u) << hash;
    EXPECT_EQ(hash.size(), 60u);
    EXPECT_TRUE(bcrypt_verify(hash, "abcdefghijklmnopqrstuvwxyz"));
    EXPECT_FALSE(bcrypt_verify(hash, "abcdefghijklmnopqrstuvwxyZ"));
    EXPECT_NE(bcrypt_hash("abcdefghijklmnopqrstuvwxyz", 4), hash);  // salted
    // A hash made by Go's bcrypt (natscli) verifies too.
    EXPECT_TRUE(bcrypt_verify("$2a$04$b8L.gRVNq5HN./iH7lhcE.oUsfa.QSgRlfIxD8Xealv08M/kfTfOO", "s3cr3tpassword1234567890"));
    EXPECT_THROW(bcrypt_hash("x", 99), cli_error);
    const std::string generated = random_password(22);
    EXPECT_EQ(generated.size(), 22u);
    EXPECT_EQ(generated.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#_-%^&()"),
              std::string::npos);
}

TEST(CheckPrometheus, GaugesSortedByNameWithTheStatusCode) {
    check_result r("ORD\"ERS", "stream");
    r.perf({"messages", 2, 5, 0, "", "Messages stored in the stream"});
    r.perf({"lag", 1.5, 0, 0, "", ""});
    r.warning("2 messages");
    EXPECT_EQ(r.render("prometheus"),
              "# HELP nats_server_check_stream_lag Data about the NATS CLI check stream\n"
              "# TYPE nats_server_check_stream_lag gauge\n"
              "nats_server_check_stream_lag{item=\"ORD.ERS\"} 1.5\n"
              "# HELP nats_server_check_stream_messages Messages stored in the stream\n"
              "# TYPE nats_server_check_stream_messages gauge\n"
              "nats_server_check_stream_messages{item=\"ORD.ERS\"} 2\n"
              "# HELP nats_server_check_stream_status_code Nagios compatible status code for stream\n"
              "# TYPE nats_server_check_stream_status_code gauge\n"
              "nats_server_check_stream_status_code{item=\"ORD.ERS\",status=\"WARNING\"} 0\n");
    EXPECT_EQ(r.exit_code_for("prometheus"), 0);
    EXPECT_EQ(r.exit_code_for("nagios"), 1);
    EXPECT_NE(r.render("prometheus", "acme").find("acme_stream_lag{"), std::string::npos);
}

} // namespace
} // namespace nats::cli
