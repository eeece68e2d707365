// The nk key tool as a program: generate, print a public key, sign and verify,
// and its errors (status 1, one line on stdout, as nats-io's nk). Its keys and
// signatures are also checked against the official C client and the
// reference nats-server 2.9.10.
// Which nk runs: $NMK_NK_BIN when set, else the nk next to this test program
// (both land in build/bin).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>

#include "tests/support/nats_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;
using test_support::read_file;
using test_support::write_file;

std::string nk_binary() {
    if (const char* env = std::getenv("NMK_NK_BIN"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("nk") : (self.parent_path() / "nk").string();
}

struct NkResult {
    std::optional<int> code; // nullopt: killed after the timeout
    std::string out;
    std::string err;
};

// Runs nk to completion with stdout and stderr kept apart, bounded in time.
NkResult run_nk(const std::vector<std::string>& args) {
    TempDir dir;
    const auto out_path = dir.file("stdout");
    const auto err_path = dir.file("stderr");
    std::vector<std::string> argv{nk_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(null_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        ::execv(cargv[0], cargv.data());
        ::_exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
    ::close(null_fd);
    NkResult result;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            if (WIFEXITED(status)) result.code = WEXITSTATUS(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(2ms);
    }
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

class NkTool : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(nk_binary())) GTEST_SKIP() << "nk not built: " << nk_binary();
    }

    std::string file(const std::string& name, const std::string& content) {
        write_file(dir_.file(name), content);
        return dir_.file(name).string();
    }
    std::string path(const std::string& name) const { return dir_.file(name).string(); }

    // A failure: status 1 and exactly one line on stdout.
    static void expect_one_line_error(const NkResult& r, const std::string& text) {
        EXPECT_EQ(r.code, 1);
        EXPECT_EQ(r.out, text + "\n");
    }

    TempDir dir_;
};

TEST_F(NkTool, GenPuboutSignVerifyRoundTrip) {
    const auto gen = run_nk({"-gen", "user", "-pubout"});
    ASSERT_EQ(gen.code, 0) << gen.out << gen.err;
    const auto keys = lines(gen.out);
    ASSERT_EQ(keys.size(), 2U) << gen.out;
    EXPECT_EQ(keys[0].size(), 58U);
    EXPECT_EQ(keys[0].substr(0, 2), "SU");
    EXPECT_EQ(keys[1].size(), 56U);
    EXPECT_EQ(keys[1][0], 'U');
    EXPECT_EQ(gen.err, "");

    const std::string seed = file("user.seed", keys[0] + "\n");
    const auto pub = run_nk({"-inkey", seed, "-pubout"});
    EXPECT_EQ(pub.code, 0);
    EXPECT_EQ(pub.out, keys[1] + "\n");

    const std::string content = file("some.txt", "Hello World!\n");
    const auto sign = run_nk({"-sign", content, "-inkey", seed});
    ASSERT_EQ(sign.code, 0) << sign.out;
    EXPECT_EQ(sign.out.size(), 87U); // 64 bytes, URL-safe base64 without padding, newline
    EXPECT_EQ(sign.out.find_first_of("+/="), std::string::npos);
    const std::string sig = file("some.sig", sign.out);

    const auto by_seed = run_nk({"-verify", content, "-sigfile", sig, "-inkey", seed});
    EXPECT_EQ(by_seed.code, 0);
    EXPECT_EQ(by_seed.out, "Verified OK\n");
    const auto by_pub = run_nk({"-verify", content, "-sigfile", sig, "-pubin", file("user.pub", pub.out)});
    EXPECT_EQ(by_pub.code, 0);
    EXPECT_EQ(by_pub.out, "Verified OK\n");
}

TEST_F(NkTool, ReadmeExampleKeyAndSignature) {
    // nats-io/nkeys nk/README.md.
    const std::string seed = file("user.seed", "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY\n");
    EXPECT_EQ(run_nk({"-inkey", seed, "-pubout"}).out, "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT\n");
    EXPECT_EQ(run_nk({"-sign", file("some.txt", "Hello World!\n"), "-inkey", seed}).out,
              "0CK1XmkxNfUGfudxliWTWeoETgIo23m9qowS9yTfYFSrjR8HgAW63jQ3NxPU_jG38hZPW61IZSun37N690CkDg\n");
}

TEST_F(NkTool, GenEveryType) {
    const std::pair<const char*, char> types[] = {
        {"operator", 'O'}, {"account", 'A'}, {"user", 'U'}, {"server", 'N'}, {"cluster", 'C'}, {"curve", 'X'}};
    for (const auto& [type, letter] : types) {
        const auto r = run_nk({"-gen", type, "-pubout"});
        ASSERT_EQ(r.code, 0) << type;
        const auto keys = lines(r.out);
        ASSERT_EQ(keys.size(), 2U) << type;
        EXPECT_EQ(keys[0][1], letter) << type;
        EXPECT_EQ(keys[1][0], letter) << type;
    }
}

TEST_F(NkTool, BadInputs) {
    expect_one_line_error(run_nk({"-gen", "nobody"}),
                          "Usage: nk -gen [user|account|server|cluster|operator|curve|x25519]");
    expect_one_line_error(run_nk({"-inkey", path("missing.seed"), "-pubout"}),
                          "open " + path("missing.seed") + ": no such file or directory");
    // One symbol changed: the checksum no longer matches, so no line is a key.
    const std::string corrupt = file("bad.seed", "SUAKYRHVIOSEXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY");
    expect_one_line_error(run_nk({"-inkey", corrupt, "-pubout"}), "Could not find a valid key");
    expect_one_line_error(
        run_nk({"-inkey", file("pub.seed", "UD466L6EBCM3YY5HEGHJANNTN4LSKTSUXTH7RILHCKEQMQHTBNLHJJXT"), "-pubout"}),
        "nkeys: invalid seed");
    const std::string seed = file("user.seed", "SUAKYRHVIOREXV7EUZTBHUHL7NUMHPMAS7QMDU3GTIUWEI5LDNOXD43IZY");
    expect_one_line_error(run_nk({"-sign", path("missing.txt"), "-inkey", seed}),
                          "open " + path("missing.txt") + ": no such file or directory");
    expect_one_line_error(run_nk({"-sign", file("x.txt", "x")}), "Sign requires a seed/private key via -inkey <file>");

    const std::string content = file("some.txt", "Hello World!\n");
    const std::string wrong =
        file("wrong.sig", "1CK1XmkxNfUGfudxliWTWeoETgIo23m9qowS9yTfYFSrjR8HgAW63jQ3NxPU_jG38hZPW61IZSun37N690CkDg");
    expect_one_line_error(run_nk({"-verify", content, "-sigfile", wrong, "-inkey", seed}),
                          "nkeys: signature verification failed");
    expect_one_line_error(run_nk({"-verify", content, "-sigfile", file("junk.sig", "%%%"), "-inkey", seed}),
                          "illegal base64 data in " + path("junk.sig"));
    expect_one_line_error(run_nk({"-verify", content, "-inkey", seed}), "Verify requires a signature via -sigfile");
}

TEST_F(NkTool, UnknownFlagGoesToStderrWithUsage) {
    const auto r = run_nk({"-frobnicate"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "flag provided but not defined: -frobnicate\n");
    EXPECT_EQ(r.out.rfind("Usage: nk [options]", 0), 0U);
}

TEST_F(NkTool, NoCommandPrintsUsage) {
    const auto r = run_nk({});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out.rfind("Usage: nk [options]", 0), 0U);
}

// --- Interoperability: keys and signatures from nk, accepted by libnats and
// the reference nats-server (which does its own nkey checks).

constexpr const char* reference_server = "/usr/sbin/nats-server";

// Points ServerProcess at the reference server for one test.
class UseReferenceServer {
public:
    UseReferenceServer() {
        if (const char* old = std::getenv("NMK_SERVER_BIN")) old_ = old;
        ::setenv("NMK_SERVER_BIN", reference_server, 1);
    }
    ~UseReferenceServer() {
        if (old_) {
            ::setenv("NMK_SERVER_BIN", old_->c_str(), 1);
        } else {
            ::unsetenv("NMK_SERVER_BIN");
        }
    }
    UseReferenceServer(const UseReferenceServer&) = delete;
    UseReferenceServer& operator=(const UseReferenceServer&) = delete;

private:
    std::optional<std::string> old_;
};

// URL-safe unpadded base64 (nk's signature output) to bytes, via OpenSSL.
std::string decode_base64url(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    for (auto& c : text) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    const std::size_t unpadded = text.size();
    while (text.size() % 4 != 0) text.push_back('=');
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return {};
    out.resize(unpadded * 3 / 4);
    return out;
}

// libnats 3.4 (Debian's; nats.c before PR #705, fixed upstream in 3.8) base64-
// encodes the nonce signature with a routine that returns nothing when the
// first byte is 0x00: the CONNECT then has no "sig" and the server refuses it.
// The server picks the nonce at random, so one login in 256 hit this and these
// tests failed now and then (tools/nats retries for the same reason;
// nats_cli_nonce_signature_test.cpp reproduces it with a fixed nonce). Connects,
// trying again (a new connection, a new nonce) while `retry` says the refusal
// was that case; at most 4 attempts.
template <typename Retry>
natsStatus connect_despite_zero_led_signature(natsOptions* options, test_support::NatsConnectionPtr& nc,
                                              Retry retry) {
    natsStatus status = NATS_OK;
    for (int attempt = 0; attempt < 4; ++attempt) {
        status = test_support::nats_try_connect(options, nc);
        if (status == NATS_OK || !retry(status)) break;
    }
    return status;
}

struct SignWithNk {
    std::filesystem::path dir;
    std::string seed_file;
    int calls = 0;
    int zero_led = 0;   // signatures refused here because libnats would drop them
    std::string trace;  // what each call signed and got, for a failure's message
};

// libnats' nonce signer, delegating to `nk -sign`.
natsStatus sign_nonce_with_nk(char** error_text, unsigned char** signature, int* length, const char* nonce,
                              void* closure) {
    auto* ctx = static_cast<SignWithNk*>(closure);
    ++ctx->calls;
    const auto nonce_file = ctx->dir / "nonce";
    write_file(nonce_file, nonce);
    const auto r = run_nk({"-sign", nonce_file.string(), "-inkey", ctx->seed_file});
    ctx->trace += "nonce \"" + std::string(nonce) + "\" -> nk exit " + (r.code ? std::to_string(*r.code) : "killed") +
                  ", out \"" + r.out + "\", err \"" + r.err + "\"\n";
    const std::string raw = r.code == 0 ? decode_base64url(r.out) : std::string();
    if (raw.size() != 64) {
        *error_text = ::strdup(("nk -sign failed: " + r.out).c_str());
        return NATS_ERR;
    }
    if (static_cast<unsigned char>(raw[0]) == 0) {
        ++ctx->zero_led;
        *error_text = ::strdup("signature begins with 0x00, which libnats 3.4 would not send");
        return NATS_ERR;
    }
    *signature = static_cast<unsigned char*>(std::malloc(raw.size())); // libnats frees it
    std::memcpy(*signature, raw.data(), raw.size());
    *length = static_cast<int>(raw.size());
    return NATS_OK;
}

class NkInterop : public NkTool {
protected:
    void SetUp() override {
        NkTool::SetUp();
        if (IsSkipped()) return;
        if (!std::filesystem::exists(reference_server)) GTEST_SKIP() << "no reference server at " << reference_server;
        const auto gen = run_nk({"-gen", "user", "-pubout"});
        ASSERT_EQ(gen.code, 0) << gen.out;
        const auto keys = lines(gen.out);
        ASSERT_EQ(keys.size(), 2U);
        seed_file_ = file("user.seed", keys[0] + "\n");
        public_key_ = keys[1];
    }

    std::unique_ptr<test_support::ServerProcess> start_reference() {
        const UseReferenceServer reference;
        return test_support::ServerProcess::with_config("authorization { users = [ { nkey: " + public_key_ +
                                                        " } ] }\n");
    }

    std::string seed_file_;
    std::string public_key_;
};

TEST_F(NkInterop, LibnatsConnectsWithNkSeedFile) {
    const auto server = start_reference();
    const auto options = test_support::nats_options(server->url());
    test_support::nats_check(natsOptions_SetNKeyFromSeed(options.get(), public_key_.c_str(), seed_file_.c_str()),
                             "SetNKeyFromSeed");
    // libnats signs here, so which nonce's signature began with 0x00 cannot be
    // seen; a refusal is retried. A misread seed file is refused every time.
    test_support::NatsConnectionPtr nc;
    ASSERT_EQ(connect_despite_zero_led_signature(options.get(), nc,
                                                 [](natsStatus s) { return s == NATS_CONNECTION_AUTH_FAILED; }),
              NATS_OK)
        << "public key " << public_key_ << ", seed file:\n" << read_file(seed_file_) << "server log:\n"
        << server->log_text();
    EXPECT_EQ(natsConnection_Flush(nc.get()), NATS_OK);
}

TEST_F(NkInterop, ServerAcceptsNkSignatureOfItsNonce) {
    const auto server = start_reference();
    SignWithNk signer{dir_.path(), seed_file_};
    const auto options = test_support::nats_options(server->url());
    test_support::nats_check(natsOptions_SetNKey(options.get(), public_key_.c_str(), sign_nonce_with_nk, &signer),
                             "SetNKey");
    test_support::NatsConnectionPtr nc;
    // Only a signature the signer itself refused (leading 0x00) is retried.
    int zero_led_seen = 0;
    const auto status = connect_despite_zero_led_signature(options.get(), nc, [&](natsStatus) {
        const bool ours = signer.zero_led > zero_led_seen;
        zero_led_seen = signer.zero_led;
        return ours;
    });
    ASSERT_EQ(status, NATS_OK)
        << "public key " << public_key_ << ", seed file:\n" << read_file(seed_file_) << "signing:\n" << signer.trace
        << "server log:\n" << server->log_text();
    EXPECT_EQ(natsConnection_Flush(nc.get()), NATS_OK);
    EXPECT_EQ(signer.calls, 1 + signer.zero_led);
}

TEST_F(NkInterop, ServerRefusesAnotherKeysSignature) {
    const auto server = start_reference();
    const auto other = lines(run_nk({"-gen", "user"}).out);
    ASSERT_EQ(other.size(), 1U);
    SignWithNk signer{dir_.path(), file("other.seed", other[0])};
    const auto options = test_support::nats_options(server->url());
    test_support::nats_check(natsOptions_SetNKey(options.get(), public_key_.c_str(), sign_nonce_with_nk, &signer),
                             "SetNKey");
    test_support::NatsConnectionPtr nc;
    EXPECT_NE(test_support::nats_try_connect(options.get(), nc), NATS_OK);
    EXPECT_EQ(signer.calls, 1);
}

} // namespace
} // namespace nats::integration
