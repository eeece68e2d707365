#include <gtest/gtest.h>

#include <stdlib.h>  // mkdtemp

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <openssl/sha.h>

#include "libs/nkeys/nkeys.hpp"
#include "plugins/auth_jwt/jwt_dir_store.hpp"

namespace nats::auth_jwt {
namespace {

namespace fs = std::filesystem;
using nkeys::KeyPair;
using nkeys::KeyType;

// The store keeps its hash up to date as JWTs come and go; this is the definition it must
// match (nats-server's DirJWTStore): the XOR of the SHA-256 of every JWT it holds.
JwtDirStore::Hash hash_from_scratch(const std::map<std::string, std::string>& jwts) {
    JwtDirStore::Hash out{};
    for (const auto& [key, jwt] : jwts) {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(reinterpret_cast<const unsigned char*>(jwt.data()), jwt.size(), digest);
        for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= digest[i];
    }
    return out;
}

struct ScratchDir {
    fs::path path;
    ScratchDir() {
        std::string pattern = (fs::temp_directory_path() / "jwt_dir_store_test.XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~ScratchDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

TEST(JwtDirStoreHash, FollowsSaveOverwriteRemoveAndReload) {
    ScratchDir dir;
    const std::string a = KeyPair::generate(KeyType::account).public_key();
    const std::string b = KeyPair::generate(KeyType::account).public_key();
    const std::string c = KeyPair::generate(KeyType::account).public_key();
    std::map<std::string, std::string> expected;  // what the store should hold

    JwtDirStore store(dir.path.string(), 0);
    store.open();
    EXPECT_EQ(store.hash(), JwtDirStore::Hash{});

    const std::map<std::string, std::string> first{{a, "jwt-a-1"}, {b, "jwt-b-1"}, {c, "jwt-c-1"}};
    for (const auto& [key, jwt] : first) {
        ASSERT_TRUE(store.save(key, jwt));
        expected[key] = jwt;
        EXPECT_EQ(store.hash(), hash_from_scratch(expected)) << "after saving " << key;
    }

    EXPECT_FALSE(store.save(a, "jwt-a-1"));  // the same text: nothing changes
    EXPECT_EQ(store.hash(), hash_from_scratch(expected));

    ASSERT_TRUE(store.save(a, "jwt-a-2"));
    expected[a] = "jwt-a-2";
    EXPECT_EQ(store.hash(), hash_from_scratch(expected)) << "after overwrite";

    ASSERT_TRUE(store.remove(b));
    expected.erase(b);
    EXPECT_EQ(store.hash(), hash_from_scratch(expected)) << "after remove";
    EXPECT_FALSE(store.remove(b));
    EXPECT_EQ(store.hash(), hash_from_scratch(expected)) << "after removing a missing key";

    JwtDirStore reloaded(dir.path.string(), 0);
    EXPECT_EQ(reloaded.open(), expected);  // the .deleted file is not read back
    EXPECT_EQ(reloaded.hash(), hash_from_scratch(expected)) << "after reload";

    ASSERT_TRUE(reloaded.remove(a));
    ASSERT_TRUE(reloaded.remove(c));
    EXPECT_EQ(reloaded.hash(), JwtDirStore::Hash{});
}

TEST(JwtDirStoreHash, CacheEvictionAndDeleteLeaveTheHash) {
    ScratchDir dir;
    const std::string a = KeyPair::generate(KeyType::account).public_key();
    const std::string b = KeyPair::generate(KeyType::account).public_key();
    const std::string c = KeyPair::generate(KeyType::account).public_key();

    JwtDirStore cache(dir.path.string(), 2, true);
    cache.open();
    ASSERT_TRUE(cache.save(a, "jwt-a"));
    ASSERT_TRUE(cache.save(b, "jwt-b"));
    ASSERT_TRUE(cache.load(a));          // b is now the least recently used
    ASSERT_TRUE(cache.save(c, "jwt-c"));  // and makes room for c
    EXPECT_FALSE(cache.load(b));
    EXPECT_EQ(cache.hash(), hash_from_scratch({{a, "jwt-a"}, {c, "jwt-c"}})) << "after eviction";

    ASSERT_TRUE(cache.remove(a));  // the cache deletes the file outright
    EXPECT_EQ(cache.hash(), hash_from_scratch({{c, "jwt-c"}})) << "after delete";
    EXPECT_FALSE(fs::exists(dir.path / (a + ".jwt.deleted")));
}

}  // namespace
}  // namespace nats::auth_jwt

namespace nats::auth_jwt {
namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A JWT-shaped text whose claims carry `exp` (the store reads it without verifying).
std::string jwt_with_exp(std::int64_t exp) {
    const std::string claims = "{\"exp\":" + std::to_string(exp) + "}";
    return "eyJ0eXAiOiJKV1QifQ." + nkeys::base64url_encode(claims) + ".sig";
}

TEST(JwtDirStoreExpiry, ATtlRemovesTheFileThatLongAfterItWasWritten) {
    ScratchDir dir;
    const std::string a = KeyPair::generate(KeyType::account).public_key();
    JwtDirStore store(dir.path.string(), 0, true, std::chrono::hours(1));
    store.open();
    ASSERT_TRUE(store.save(a, jwt_with_exp(0)));
    EXPECT_TRUE(store.expire(now_ns()).empty());
    EXPECT_TRUE(fs::exists(dir.path / (a + ".jwt")));
    EXPECT_EQ(store.expire(now_ns() + std::chrono::nanoseconds(std::chrono::hours(2)).count()),
              std::vector<std::string>{a});
    EXPECT_FALSE(fs::exists(dir.path / (a + ".jwt")));
    EXPECT_FALSE(store.load(a));
    EXPECT_EQ(store.hash(), JwtDirStore::Hash{});
    EXPECT_EQ(store.expiry_check_interval(), std::chrono::minutes(1));  // ttl/2, at most a minute
    EXPECT_EQ(JwtDirStore(dir.path.string(), 0, true, std::chrono::seconds(2)).expiry_check_interval(),
              std::chrono::seconds(1));
}

TEST(JwtDirStoreExpiry, WithoutATtlTheJwtsOwnExpDecidesAndReopenTracksItAgain) {
    ScratchDir dir;
    const std::string lasting = KeyPair::generate(KeyType::account).public_key();
    const std::string brief = KeyPair::generate(KeyType::account).public_key();
    const std::int64_t exp = now_ns() / 1'000'000'000 + 100;
    {
        JwtDirStore store(dir.path.string(), 0);
        store.open();
        store.save(lasting, jwt_with_exp(0));
        store.save(brief, jwt_with_exp(exp));
    }
    JwtDirStore reopened(dir.path.string(), 0);
    reopened.open();
    EXPECT_TRUE(reopened.expire(exp * 1'000'000'000 - 1).empty());
    EXPECT_EQ(reopened.expire(exp * 1'000'000'000), std::vector<std::string>{brief});
    EXPECT_TRUE(fs::exists(dir.path / (lasting + ".jwt")));
    EXPECT_FALSE(fs::exists(dir.path / (brief + ".jwt")));
    EXPECT_FALSE(fs::exists(dir.path / (brief + ".jwt.deleted")));  // removed, not renamed
}

}  // namespace
}  // namespace nats::auth_jwt
