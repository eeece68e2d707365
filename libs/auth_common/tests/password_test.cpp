// bcrypt through libcrypt and constant-time comparison of plain secrets.
#include <gtest/gtest.h>

#include <string>

#include "libs/auth_common/password.hpp"

namespace nats::auth_common {
namespace {

using namespace std::string_literals;

// From nats-server's own tests (test/auth_test.go), made by Go's bcrypt at cost 4.
constexpr const char* go_password = "IW@$6v(y1(t@fhPDvf!5^%";
constexpr const char* go_password_hash = "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq";
constexpr const char* go_token = "0uhJOSr3GW7xvHvtd^K6pa";
constexpr const char* go_token_hash = "$2a$04$u5ZClXpcjHgpfc61Ee0VKuwI1K3vTC4zq7SjphjnlHMeb1Llkb5Y6";
// Made with Python's crypt (METHOD_BLOWFISH, cost 4).
constexpr const char* b_password = "s3cr3t-users-bcrypt";
constexpr const char* b_hash = "$2b$04$ep.SEk3L5yb4jznmQ1d1Y.r0fIi5Qv8yP26bbWg00tV1HZtko385a";

TEST(IsBcrypt, NatsServersPrefixRule) {
    EXPECT_TRUE(is_bcrypt(go_password_hash));
    EXPECT_TRUE(is_bcrypt(b_hash));
    EXPECT_TRUE(is_bcrypt("$2y$10$x"));
    EXPECT_TRUE(is_bcrypt("$2x$10$"));
    EXPECT_TRUE(is_bcrypt("$2a$11$whatever"));
    EXPECT_FALSE(is_bcrypt("$2c$10$abc"));
    EXPECT_FALSE(is_bcrypt("$2a$1$abc"));
    EXPECT_FALSE(is_bcrypt("$2a$1a$abc"));
    EXPECT_FALSE(is_bcrypt("$2a10$abc"));
    EXPECT_FALSE(is_bcrypt("$1$abc$def"));
    EXPECT_FALSE(is_bcrypt("2a$10$abc"));
    EXPECT_FALSE(is_bcrypt("$2a$10"));
    EXPECT_FALSE(is_bcrypt(""));
    EXPECT_FALSE(is_bcrypt("plain-password"));
}

TEST(BcryptMatches, HashesFromGo) {
    EXPECT_TRUE(bcrypt_matches(go_password_hash, go_password));
    EXPECT_TRUE(bcrypt_matches(go_token_hash, go_token));
    EXPECT_FALSE(bcrypt_matches(go_password_hash, go_token));
    EXPECT_FALSE(bcrypt_matches(go_token_hash, go_password));
}

TEST(BcryptMatches, EveryPrefixVariant) {
    EXPECT_TRUE(bcrypt_matches(b_hash, b_password));
    std::string hash = go_password_hash;
    for (const char variant : {'a', 'b', 'y'}) {
        hash[2] = variant;
        EXPECT_TRUE(bcrypt_matches(hash, go_password)) << hash;
        EXPECT_FALSE(bcrypt_matches(hash, "IW@$6v(y1(t@fhPDvf!5^")) << hash;
    }
}

TEST(BcryptMatches, WrongPasswords) {
    EXPECT_FALSE(bcrypt_matches(b_hash, ""));
    EXPECT_FALSE(bcrypt_matches(b_hash, "s3cr3t-users-bcryp"));
    EXPECT_FALSE(bcrypt_matches(b_hash, "s3cr3t-users-bcryptX"));
    EXPECT_FALSE(bcrypt_matches(b_hash, "S3cr3t-users-bcrypt"));
    // The hash itself is not the password (a client must not replay it).
    EXPECT_FALSE(bcrypt_matches(b_hash, b_hash));
}

TEST(BcryptMatches, PasswordWithNulIsRefused) {
    // crypt() would stop at the NUL and compare "s3cr3t-users-bcrypt" only.
    EXPECT_FALSE(bcrypt_matches(b_hash, "s3cr3t-users-bcrypt\0tail"s));
}

TEST(BcryptMatches, MalformedHashesNeverMatch) {
    EXPECT_FALSE(bcrypt_matches("$2a$11$whatever", "whatever"));
    EXPECT_FALSE(bcrypt_matches("$2b$04$short", "x"));
    EXPECT_FALSE(bcrypt_matches("$2b$99$ep.SEk3L5yb4jznmQ1d1Y.r0fIi5Qv8yP26bbWg00tV1HZtko385a", b_password));
    EXPECT_FALSE(bcrypt_matches("$2b$04$ep.SEk3L5yb4jznmQ1d1Y.r0fIi5Qv8yP26bbWg00tV1HZtko385", b_password));
    EXPECT_FALSE(bcrypt_matches("plain", "plain"));
    EXPECT_FALSE(bcrypt_matches("", ""));
    EXPECT_FALSE(bcrypt_matches("$2b$04$ep.SEk3L5yb4jznmQ1d1Y.r0fIi5Qv8yP26bbWg00tV1HZtko385a\0x"s, b_password));
}

TEST(SecretsEqual, SameBytesOnly) {
    EXPECT_TRUE(secrets_equal("", ""));
    EXPECT_TRUE(secrets_equal("token-1", "token-1"));
    EXPECT_TRUE(secrets_equal("a\0b"s, "a\0b"s));
    EXPECT_FALSE(secrets_equal("a\0b"s, "a\0c"s));
    EXPECT_FALSE(secrets_equal("token-1", "token-2"));
    EXPECT_FALSE(secrets_equal("token-1", "Token-1"));
    EXPECT_FALSE(secrets_equal("token", "token-1"));
    EXPECT_FALSE(secrets_equal("token-1", "token"));
    EXPECT_FALSE(secrets_equal("", "x"));
    EXPECT_FALSE(secrets_equal("x", ""));
    // A prefix repeated does not look like the secret.
    EXPECT_FALSE(secrets_equal("abab", "ab"));
    EXPECT_FALSE(secrets_equal("\xff", "\x7f"));
}

TEST(PasswordMatches, PicksTheCheckByTheStoredForm) {
    EXPECT_TRUE(password_matches("plain-pw", "plain-pw"));
    EXPECT_FALSE(password_matches("plain-pw", "plain-px"));
    EXPECT_TRUE(password_matches(b_hash, b_password));
    EXPECT_FALSE(password_matches(b_hash, b_hash));
    // A stored password that is no valid bcrypt hash is compared as text, as nats-server does.
    EXPECT_TRUE(password_matches("$2c$04$abc", "$2c$04$abc"));
    // Empty configured password: only an empty one matches (nats-server allows that).
    EXPECT_TRUE(password_matches("", ""));
    EXPECT_FALSE(password_matches("", "x"));
}

}  // namespace
}  // namespace nats::auth_common
