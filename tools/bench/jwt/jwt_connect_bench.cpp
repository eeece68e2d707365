// nats-bench-jwt: the cost of user-JWT logins (issue 17). Two commands:
//
//   nats-bench-jwt setup DIR
//       mints an operator, an account and a user (libs/jwt) and writes DIR/server.conf
//       (operator inline, MEMORY resolver, the account preloaded) and DIR/user.creds;
//       both our server and nats-server start on that config.
//   nats-bench-jwt connect --server URL --creds FILE [--conns N] [--threads T] [--pid PID]
//       opens N connections with the creds file (libnats: JWT + nonce signature), each
//       connected then closed, T at a time, and prints one JSON line with the wall time and
//       the CPU of this client and (with --pid) of the server.
//
// compare_jwt.sh runs it against both servers alternately and reports server CPU per login.
#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpu_meter.hpp"
#include "libs/jwt/creds.hpp"
#include "libs/jwt/mint.hpp"
#include "libs/jwt/token.hpp"
#include "run_result.hpp"

namespace {

using nats::nkeys::KeyPair;
using nats::nkeys::KeyType;

int setup(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    const auto op = KeyPair::generate(KeyType::operator_);
    const auto account = KeyPair::generate(KeyType::account);
    const auto user = KeyPair::generate(KeyType::user);
    const std::string op_jwt = nats::jwt::encode(nats::jwt::operator_claims("BENCH", op.public_key()), op);
    const std::string account_jwt = nats::jwt::encode(nats::jwt::account_claims("BENCH", account.public_key()), op);
    const std::string user_jwt = nats::jwt::encode(nats::jwt::user_claims("bench", user.public_key()), account);
    std::ofstream(dir / "server.conf") << "operator: \"" << op_jwt << "\"\nresolver: MEMORY\nresolver_preload: {\n  "
                                       << account.public_key() << ": \"" << account_jwt << "\"\n}\n";
    std::ofstream(dir / "user.creds") << nats::jwt::format_creds(user_jwt, user.seed());
    return 0;
}

int connect_many(const std::string& url, const std::string& creds, std::uint64_t conns, unsigned threads, long pid) {
    if (nats_Open(0) != NATS_OK) return 3;
    std::atomic<std::uint64_t> next{0}, failed{0};
    std::mutex first_error_mutex;
    std::string first_error;
    nats::bench::cpu_meter cpu(pid);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            natsOptions* options = nullptr;
            natsOptions_Create(&options);
            natsOptions_SetURL(options, url.c_str());
            natsOptions_SetUserCredentialsFromFiles(options, creds.c_str(), nullptr);
            natsOptions_SetAllowReconnect(options, false);
            natsOptions_SetTimeout(options, 10000);  // a loaded machine: count logins, not timeouts
            while (next.fetch_add(1) < conns) {
                natsConnection* nc = nullptr;
                if (const natsStatus s = natsConnection_Connect(&nc, options); s != NATS_OK) {
                    ++failed;
                    std::lock_guard lock(first_error_mutex);
                    if (first_error.empty()) {
                        const char* text = nats_GetLastError(nullptr);
                        first_error = std::string(natsStatus_GetText(s)) + (text ? std::string(": ") + text : "");
                    }
                }
                natsConnection_Destroy(nc);
            }
            natsOptions_Destroy(options);
        });
    }
    for (auto& w : workers) w.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu.stop();
    nats::bench::run_result r;
    r.fields["conns"] = conns;
    r.fields["failed"] = failed.load();
    if (!first_error.empty()) r.fields["first_error"] = first_error;
    r.fields["seconds"] = seconds;
    cpu.report(r);
    std::cout << r.fields.dump() << std::endl;
    nats_CloseAndWait(5000);
    return failed.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "setup") return setup(args[1]);
    if (!args.empty() && args[0] == "connect") {
        std::string url, creds;
        std::uint64_t conns = 5000;
        unsigned threads = 2;
        long pid = 0;
        for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
            if (args[i] == "--server") url = args[i + 1];
            else if (args[i] == "--creds") creds = args[i + 1];
            else if (args[i] == "--conns") conns = std::stoull(args[i + 1]);
            else if (args[i] == "--threads") threads = static_cast<unsigned>(std::stoul(args[i + 1]));
            else if (args[i] == "--pid") pid = std::stol(args[i + 1]);
        }
        if (!url.empty() && !creds.empty() && threads > 0) return connect_many(url, creds, conns, threads, pid);
    }
    std::cerr << "usage: nats-bench-jwt setup DIR\n"
                 "       nats-bench-jwt connect --server URL --creds FILE [--conns N] [--threads T] [--pid PID]\n";
    return 2;
}
