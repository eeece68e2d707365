#pragma once
// Running the nats command-line tool (build/bin/nats, or $NMK_NATS_CLI_BIN) as
// a child process in tests: its output and exit code, with a scratch HOME so
// the contexts of whoever runs the tests are never read.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/net.hpp"

extern char** environ;

namespace nats::integration::cli_testing {

using test_support::TempDir;
using test_support::read_file;
using test_support::write_file;

// $NMK_NATS_CLI_BIN, else `nats` next to this test program (both are in build/bin).
inline std::string cli_binary() {
    if (const char* env = std::getenv("NMK_NATS_CLI_BIN"); env != nullptr && *env != '\0') return env;
    std::error_code ec;
    return (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "nats").string();
}

inline bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

inline std::size_t count_of(const std::string& text, std::string_view part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

// A child process with stdout and stderr in files and an environment without
// the caller's NATS_* variables; HOME and XDG_CONFIG_HOME point into `home`,
// so contexts of the person running the tests are never read.
class child_process {
public:
    child_process(std::vector<std::string> argv, const std::filesystem::path& home,
                  std::vector<std::string> extra_env = {}, std::string_view stdin_text = {})
        : dir_() {
        const auto in_file = dir_.file("stdin");
        write_file(in_file, stdin_text);
        std::vector<std::string> env;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string_view entry(*e);
            if (entry.rfind("NATS_", 0) == 0 || entry.rfind("HOME=", 0) == 0 || entry.rfind("XDG_CONFIG_HOME=", 0) == 0) {
                continue;
            }
            env.emplace_back(entry);
        }
        env.push_back("HOME=" + home.string());
        env.push_back("XDG_CONFIG_HOME=" + (home / "config").string());
        env.insert(env.end(), extra_env.begin(), extra_env.end());

        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        std::vector<char*> cenv;
        for (auto& e : env) cenv.push_back(e.data());
        cenv.push_back(nullptr);
        const int in_fd = ::open(in_file.c_str(), O_RDONLY | O_CLOEXEC);
        const int out_fd = ::open(dir_.file("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int err_fd = ::open(dir_.file("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(in_fd, 0);
            ::dup2(out_fd, 1);
            ::dup2(err_fd, 2);
            ::close_range(3, ~0U, 0);
            ::execve(cargv[0], cargv.data(), cenv.data());
            ::_exit(127);
        }
        ::close(in_fd);
        ::close(out_fd);
        ::close(err_fd);
        if (pid_ < 0) throw std::runtime_error("fork failed");
    }

    ~child_process() {
        if (!exit_code_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const { return pid_; }
    std::string out() const { return read_file(dir_.file("stdout")); }
    std::string err() const { return read_file(dir_.file("stderr")); }
    void signal(int sig) const { ::kill(pid_, sig); }

    std::optional<int> wait_exit(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!exit_code_) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(5ms);
        }
        return exit_code_;
    }

    // Waits until stderr contains `text` (the commands log readiness there).
    bool wait_for_err(std::string_view text, std::chrono::milliseconds limit = 5s) const {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (contains(err(), text)) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }

private:
    TempDir dir_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

struct cli_result {
    std::optional<int> code;  // nullopt: still running after the limit (then killed)
    std::string out;
    std::string err;
};

// The CLI and the scratch home its contexts live in.
class Cli {
public:
    std::vector<std::string> argv(std::vector<std::string> args) const {
        args.insert(args.begin(), cli_binary());
        return args;
    }
    std::unique_ptr<child_process> start(std::vector<std::string> args, std::vector<std::string> env = {},
                                         std::string_view stdin_text = {}) const {
        return std::make_unique<child_process>(argv(std::move(args)), home_.path(), std::move(env), stdin_text);
    }
    cli_result run(std::vector<std::string> args, std::vector<std::string> env = {}, std::string_view stdin_text = {},
                   std::chrono::milliseconds limit = 15s) const {
        auto p = start(std::move(args), std::move(env), stdin_text);
        const auto code = p->wait_exit(limit);
        return {code, p->out(), p->err()};
    }
    const std::filesystem::path& home() const { return home_.path(); }

private:
    TempDir home_;
};

class NatsCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(cli_binary())) << cli_binary() << " is missing: build the `nats` target";
    }
    // "-s <url>" for a server.
    static std::vector<std::string> at(const ServerProcess& s, std::vector<std::string> args) {
        args.insert(args.begin(), {"-s", s.url()});
        return args;
    }
    Cli cli;
};

} // namespace nats::integration::cli_testing
