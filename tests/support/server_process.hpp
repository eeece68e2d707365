#pragma once
// Runs a server binary as a child process for black-box tests: the reference
// nats-server or ours, chosen at run time (see server_binary()).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace nats::test_support {

// $NMK_SERVER_BIN when set, otherwise the path fixed at build time (our
// build/bin/nats-server when that target exists, else the reference server).
std::string server_binary();

struct ServerOptions {
    // Extra command-line arguments, after the listen flags.
    std::vector<std::string> args;
    // When not empty: written to server.conf in the server's temp dir and passed with -c.
    std::string config;
    // Adds "-a 127.0.0.1 -p <free port>"; flags win over the config file.
    bool listen_args = true;
    // Bound for the client port to start listening.
    std::chrono::milliseconds ready_timeout{5000};
};

class ServerProcess {
public:
    // Starts the server and waits until it listens on port(). Throws
    // std::runtime_error (with the server's output) when it exits or does not
    // listen in time.
    explicit ServerProcess(ServerOptions options = {});
    // Same, with a config file holding `config_text` (none when it is empty).
    static std::unique_ptr<ServerProcess> with_config(std::string_view config_text,
                                                      std::vector<std::string> args = {});
    // SIGTERM, then SIGKILL when it has not exited within two seconds.
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    pid_t pid() const { return pid_; }
    int port() const { return port_; }
    std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    const TempDir& dir() const { return dir_; }
    // Everything the server wrote to stdout and stderr so far.
    std::string log_text() const;
    void send_signal(int sig) const;
    // Exit code once the process has ended (128 + n when killed by signal n),
    // nullopt when it is still running after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool running();

private:
    void spawn(const std::vector<std::string>& argv);
    void wait_ready(std::chrono::milliseconds timeout);

    TempDir dir_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::optional<int> exit_code_;
};

struct ExitResult {
    std::optional<int> exit_code; // nullopt: killed after the timeout
    std::string output;           // stdout and stderr
};

// Runs the server binary to completion (e.g. a config it must refuse).
// The process is killed if it has not exited within `timeout`.
ExitResult run_server_to_exit(const std::vector<std::string>& args, std::chrono::milliseconds timeout);
// The same with another binary (a copy of the server installed elsewhere).
ExitResult run_binary_to_exit(const std::string& binary, const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout);

} // namespace nats::test_support
