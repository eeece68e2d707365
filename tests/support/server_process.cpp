#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "tests/support/net.hpp"

#ifndef NMK_SERVER_BIN
#define NMK_SERVER_BIN "/usr/bin/nats-server"
#endif

namespace nats::test_support {

std::string server_binary() {
    if (const char* env = std::getenv("NMK_SERVER_BIN"); env != nullptr && *env != '\0') return env;
    return NMK_SERVER_BIN;
}

namespace {

using namespace std::chrono_literals;

std::string lower_case(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::optional<int> decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return std::nullopt;
}

// fork + exec with stdout/stderr going to `log`. Everything the child needs is
// prepared before fork, because the test process has threads (libnats) and the
// child may only make async-signal-safe calls.
pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::runtime_error("cannot open " + log.string());
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        // Inherited client sockets would keep connections open after a test
        // closes its end, so the child keeps nothing but stdio.
        ::close_range(3, ~0U, 0);
        ::execv(cargv[0], cargv.data());
        static const char msg[] = "exec failed\n";
        [[maybe_unused]] auto n = ::write(2, msg, sizeof(msg) - 1);
        ::_exit(127);
    }
    const int fork_errno = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    if (pid < 0) throw std::runtime_error("fork: " + std::string(std::strerror(fork_errno)));
    return pid;
}

} // namespace

ServerProcess::ServerProcess(ServerOptions options) {
    if (!options.config.empty()) write_file(dir_.file("server.conf"), options.config);
    // free_port() only finds a port that was free a moment ago; when another
    // test's process takes it first, start again on a new one.
    constexpr int attempts = 3;
    for (int attempt = 1;; ++attempt) {
        std::vector<std::string> argv{server_binary()};
        if (options.listen_args) {
            port_ = free_port();
            argv.insert(argv.end(), {"-a", "127.0.0.1", "-p", std::to_string(port_)});
        }
        if (!options.config.empty()) argv.insert(argv.end(), {"-c", dir_.file("server.conf").string()});
        argv.insert(argv.end(), options.args.begin(), options.args.end());
        spawn(argv);
        if (!options.listen_args) return;
        try {
            wait_ready(options.ready_timeout);
            return;
        } catch (const std::runtime_error&) {
            const bool port_taken = lower_case(log_text()).find("address already in use") != std::string::npos;
            if (!port_taken || attempt == attempts || running()) throw;
            exit_code_.reset();
            std::filesystem::remove(dir_.file("server.log"));
        }
    }
}

std::unique_ptr<ServerProcess> ServerProcess::with_config(std::string_view config_text,
                                                          std::vector<std::string> args) {
    ServerOptions options;
    options.config = std::string(config_text);
    options.args = std::move(args);
    return std::make_unique<ServerProcess>(std::move(options));
}

void ServerProcess::spawn(const std::vector<std::string>& argv) {
    pid_ = spawn_process(argv, dir_.file("server.log"));
}

void ServerProcess::wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) {
            throw std::runtime_error("server " + server_binary() + " exited with code " +
                                     std::to_string(exit_code_.value_or(-1)) + ":\n" + log_text());
        }
        if (process_listens_on(pid_, port_)) return;
        std::this_thread::sleep_for(5ms);
    }
    throw std::runtime_error("server " + server_binary() + " did not listen on port " + std::to_string(port_) +
                             " within " + std::to_string(timeout.count()) + " ms:\n" + log_text());
}

ServerProcess::~ServerProcess() {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    if (!wait_exit(2s)) {
        ::kill(pid_, SIGKILL);
        wait_exit(2s);
    }
}

std::string ServerProcess::log_text() const { return read_file(dir_.file("server.log")); }

void ServerProcess::send_signal(int sig) const {
    if (!exit_code_) ::kill(pid_, sig);
}

bool ServerProcess::running() {
    if (exit_code_) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exit_code_ = decode_status(status);
        if (!exit_code_) exit_code_ = -1;
        return false;
    }
    return r == 0;
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(5ms);
    }
    return exit_code_;
}

ExitResult run_server_to_exit(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    return run_binary_to_exit(server_binary(), args, timeout);
}

ExitResult run_binary_to_exit(const std::string& binary, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout) {
    TempDir dir;
    std::vector<std::string> argv{binary};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto log = dir.file("output.log");
    const pid_t pid = spawn_process(argv, log);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ExitResult result;
    for (;;) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            result.exit_code = decode_status(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(5ms);
    }
    result.output = read_file(log);
    return result;
}

} // namespace nats::test_support
