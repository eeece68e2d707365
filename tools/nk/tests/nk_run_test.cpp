// nk in-process: every command and its errors, with the texts of nats-io's nk.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nk.hpp"
#include "libs/nkeys/nkeys.hpp"

namespace nats::nk {
namespace {

// nk/README.md's example key and signature.
constexpr const char* readme_seed = "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY";
constexpr const char* readme_public = "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT";
constexpr const char* readme_signature =
    "0CK1XmkxNfUGfudxliWTWeoETgIo23m9qowS9yTfYFSrjR8HgAW63jQ3NxPU_jG38hZPW61IZSun37N690CkDg";

struct Result {
    int code;
    std::string out;
    std::string err;
};

Result nk(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = run(args, out, err);
    return {code, out.str(), err.str()};
}

class NkRun : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/nk_run_test.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string file(const std::string& name, const std::string& content) {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    std::filesystem::path dir_;
};

TEST_F(NkRun, GenPrintsSeedThenPublicKey) {
    const auto r = nk({"-gen", "account", "-pubout"});
    ASSERT_EQ(r.code, 0) << r.out;
    std::istringstream lines(r.out);
    std::string seed, pub, extra;
    std::getline(lines, seed);
    std::getline(lines, pub);
    EXPECT_FALSE(std::getline(lines, extra));
    EXPECT_EQ(seed.substr(0, 2), "SA");
    EXPECT_EQ(nkeys::KeyPair::from_seed(seed).public_key(), pub);
    EXPECT_EQ(nkeys::public_key_type(pub), nkeys::KeyType::account);
}

TEST_F(NkRun, GenEveryTypeCaseInsensitive) {
    const std::pair<const char*, const char*> types[] = {{"user", "SU"},   {"ACCOUNT", "SA"},  {"Server", "SN"},
                                                         {"cluster", "SC"}, {"operator", "SO"}, {"curve", "SX"},
                                                         {"x25519", "SX"}};
    for (const auto& [type, start] : types) {
        const auto r = nk({"-gen", type});
        ASSERT_EQ(r.code, 0) << type;
        EXPECT_EQ(r.out.substr(0, 2), start) << type;
        EXPECT_EQ(r.out.size(), 59U) << type; // one line: the seed alone
    }
}

TEST_F(NkRun, GenRejectsUnknownType) {
    const auto r = nk({"-gen", "admin"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "Usage: nk -gen [user|account|server|cluster|operator|curve|x25519]\n");
}

TEST_F(NkRun, EntropyFileMakesKeysReproducible) {
    const std::string entropy = file("entropy", std::string(40, '\x5a'));
    const auto a = nk({"-gen", "user", "-e", entropy, "-pubout"});
    const auto b = nk({"-gen", "user", "-e", entropy, "-pubout"});
    ASSERT_EQ(a.code, 0) << a.out;
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(nk({"-gen", "user", "-e", file("short", "abc")}).out, "Error creating user key: unexpected EOF\n");
    EXPECT_EQ(nk({"-gen", "user", "-e", file("empty", "")}).out, "Error creating user key: EOF\n");
    EXPECT_EQ(nk({"-gen", "user", "-e", path("missing")}).out,
              "open " + path("missing") + ": no such file or directory\n");
    const auto lone = nk({"-e", entropy});
    EXPECT_EQ(lone.code, 1);
    EXPECT_EQ(lone.out, "Entropy file only used when creating keys with -gen\n");
}

TEST_F(NkRun, VanityPrefix) {
    const auto r = nk({"-gen", "user", "-pre", "a"});
    ASSERT_EQ(r.code, 0) << r.out;
    std::istringstream lines(r.out);
    std::string seed, pub;
    std::getline(lines, seed);
    std::getline(lines, pub); // printed without -pubout
    EXPECT_EQ(pub.substr(0, 2), "UA");
    EXPECT_EQ(nkeys::KeyPair::from_seed(seed).public_key(), pub);
    EXPECT_EQ(nk({"-gen", "user", "-pre", "a1"}).out, "Can not generate base32 encoded strings to match 'A1'\n");
    // Fixed entropy gives one key, which cannot also start with both letters.
    const std::string entropy = file("entropy", std::string(32, '\x01'));
    const auto pinned = nk({"-gen", "user", "-e", entropy, "-pubout"});
    const char other = pinned.out[59 + 1] == 'A' ? 'B' : 'A';
    const auto fail = nk({"-gen", "user", "-e", entropy, "-pre", std::string(1, other), "-maxpre", "3"});
    EXPECT_EQ(fail.code, 1);
    EXPECT_EQ(fail.out, "Failed to generate prefix after 3 attempts\n");
}

TEST_F(NkRun, PuboutFromSeedFile) {
    const auto r = nk({"-inkey", file("user.seed", std::string(readme_seed) + "\n"), "-pubout"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, std::string(readme_public) + "\n");
    // Decorated files (comments, .creds blocks, CRLF) work: the first valid key line wins.
    const std::string creds = "-----BEGIN USER NKEY SEED-----\r\n" + std::string(readme_seed) +
                              "\r\n------END USER NKEY SEED------\r\n";
    EXPECT_EQ(nk({"-inkey", file("user.creds", creds), "-pubout"}).out, std::string(readme_public) + "\n");
}

TEST_F(NkRun, PuboutFromCurveSeed) {
    const auto gen = nk({"-gen", "curve", "-pubout"});
    const std::string seed = gen.out.substr(0, 58);
    const auto r = nk({"-inkey", file("x.seed", seed), "-pubout"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, gen.out.substr(59));
}

TEST_F(NkRun, PuboutErrors) {
    EXPECT_EQ(nk({"-inkey", path("nope"), "-pubout"}).out, "open " + path("nope") + ": no such file or directory\n");
    EXPECT_EQ(nk({"-inkey", file("junk", "hello\nworld\n"), "-pubout"}).out, "Could not find a valid key\n");
    EXPECT_EQ(nk({"-inkey", file("pub", readme_public), "-pubout"}).out, "nkeys: invalid seed\n");
    EXPECT_EQ(nk({"-inkey", dir_.string(), "-pubout"}).out, "read " + dir_.string() + ": is a directory\n");
    // -inkey alone is not a command.
    const auto r = nk({"-inkey", file("s", readme_seed)});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out.rfind("Usage: nk [options]\n", 0), 0U);
}

TEST_F(NkRun, SignReproducesReadmeSignature) {
    const auto r = nk({"-sign", file("some.txt", "Hello World!\n"), "-inkey", file("user.seed", readme_seed)});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, std::string(readme_signature) + "\n");
}

TEST_F(NkRun, SignErrors) {
    const std::string data = file("data", "x");
    EXPECT_EQ(nk({"-sign", data}).out, "Sign requires a seed/private key via -inkey <file>\n");
    EXPECT_EQ(nk({"-sign", path("absent"), "-inkey", file("s", readme_seed)}).out,
              "open " + path("absent") + ": no such file or directory\n");
    std::string bad_seed = readme_seed;
    bad_seed[20] = bad_seed[20] == 'A' ? 'B' : 'A';
    EXPECT_EQ(nk({"-sign", data, "-inkey", file("bad", bad_seed)}).out, "Could not find a valid key\n");
    EXPECT_EQ(nk({"-sign", data, "-inkey", file("p", readme_public)}).out, "nkeys: invalid seed\n");
    const std::string curve_seed = nk({"-gen", "x25519"}).out;
    EXPECT_EQ(nk({"-sign", data, "-inkey", file("x", curve_seed)}).out,
              "nkeys: curve key is not valid for sign/verify\n");
}

TEST_F(NkRun, VerifyWithSeedOrPublicKey) {
    const std::string content = file("some.txt", "Hello World!\n");
    const std::string sig = file("some.sig", std::string(readme_signature) + "\n");
    const auto by_seed = nk({"-verify", content, "-sigfile", sig, "-inkey", file("user.seed", readme_seed)});
    EXPECT_EQ(by_seed.code, 0);
    EXPECT_EQ(by_seed.out, "Verified OK\n");
    const auto by_pub = nk({"-verify", content, "-sigfile", sig, "-pubin", file("user.pub", readme_public)});
    EXPECT_EQ(by_pub.code, 0);
    EXPECT_EQ(by_pub.out, "Verified OK\n");
}

TEST_F(NkRun, VerifyAcceptsStandardBase64FromOlderNk) {
    const std::string content = file("c", "payload");
    const auto pair = nkeys::KeyPair::from_seed(readme_seed);
    const std::string sig = file("s", nkeys::base64_encode(pair.sign("payload")));
    EXPECT_EQ(nk({"-verify", content, "-sigfile", sig, "-pubin", file("p", readme_public)}).out, "Verified OK\n");
}

TEST_F(NkRun, VerifyFailures) {
    const std::string content = file("some.txt", "Hello World!\n");
    const std::string sig = file("some.sig", readme_signature);
    const std::string pub = file("user.pub", readme_public);
    const std::string tampered = file("tampered.txt", "Hello World?\n");
    auto r = nk({"-verify", tampered, "-sigfile", sig, "-pubin", pub});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "nkeys: signature verification failed\n");
    std::string flipped = readme_signature;
    flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(nk({"-verify", content, "-sigfile", file("f.sig", flipped), "-pubin", pub}).out,
              "nkeys: signature verification failed\n");
    const std::string other = nk({"-gen", "user", "-pubout"}).out.substr(59);
    EXPECT_EQ(nk({"-verify", content, "-sigfile", sig, "-pubin", file("o.pub", other)}).out,
              "nkeys: signature verification failed\n");
    EXPECT_EQ(nk({"-verify", content, "-sigfile", file("g.sig", "***"), "-pubin", pub}).out,
              "illegal base64 data in " + path("g.sig") + "\n");
    EXPECT_EQ(nk({"-verify", content, "-sigfile", path("none.sig"), "-pubin", pub}).out,
              "open " + path("none.sig") + ": no such file or directory\n");
    EXPECT_EQ(nk({"-verify", path("none.txt"), "-sigfile", sig, "-pubin", pub}).out,
              "open " + path("none.txt") + ": no such file or directory\n");
    EXPECT_EQ(nk({"-verify", content, "-sigfile", sig}).out,
              "Verify requires a seed key via -inkey or a public key via -pubin\n");
    EXPECT_EQ(nk({"-verify", content, "-pubin", pub}).out, "Verify requires a signature via -sigfile\n");
    EXPECT_EQ(nk({"-verify", content, "-sigfile", sig, "-pubin", file("seed-as-pub", readme_seed)}).out,
              "nkeys: invalid public key\n");
}

TEST_F(NkRun, UsageAndFlagErrors) {
    auto r = nk({});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out.rfind("Usage: nk [options]\n", 0), 0U);
    r = nk({"-bogus"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "flag provided but not defined: -bogus\n");
    EXPECT_EQ(r.out.rfind("Usage: nk [options]\n", 0), 0U);
    r = nk({"-h"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "");
}

TEST_F(NkRun, Version) {
    const auto r = nk({"-v", "-gen", "user"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out.rfind("nk version ", 0), 0U);
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1); // nothing generated
}

} // namespace
} // namespace nats::nk
