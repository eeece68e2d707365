// nats-server: the kernel's entry point. Parses flags and the config file the
// way nats-server does, starts the server and turns signals into lifecycle calls.
#include <asio.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/config/options.hpp"
#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/assembly.hpp"
#include "kernel/plugin_host/catalog.hpp"
#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/plugin_host.hpp"
#include "kernel/plugin_host/resolver.hpp"
#include "kernel/server/server.hpp"

namespace {

// --signal <command>[=<pid>]: find the target the way nats-server does (the one
// running nats-server process unless a pid is given) and send it the signal.
int send_signal_command(const std::string& spec) {
    std::string command = spec;
    std::string pid_text;
    if (auto eq = spec.find('='); eq != std::string::npos) {
        command = spec.substr(0, eq);
        pid_text = spec.substr(eq + 1);
    }
    int sig = 0;
    if (command == "stop" || command == "quit") sig = SIGINT;
    else if (command == "term") sig = SIGTERM;
    else if (command == "reopen") sig = SIGUSR1;
    else if (command == "reload") sig = SIGHUP;
    else if (command == "ldm") sig = SIGUSR2;
    else if (command == "kill") sig = SIGKILL;
    else {
        std::fprintf(stderr, "nats-server: unknown signal \"%s\"\n", command.c_str());
        return 1;
    }
    std::vector<pid_t> pids;
    if (!pid_text.empty()) {
        // A pid or a pid file.
        char* end = nullptr;
        long pid = std::strtol(pid_text.c_str(), &end, 10);
        if (end && *end == '\0' && pid > 0) {
            pids.push_back(static_cast<pid_t>(pid));
        } else {
            std::ifstream in(pid_text);
            if (!(in >> pid) || pid <= 0) {
                std::fprintf(stderr, "nats-server: invalid pid or pid file \"%s\"\n", pid_text.c_str());
                return 1;
            }
            pids.push_back(static_cast<pid_t>(pid));
        }
    } else if (DIR* proc = opendir("/proc")) {
        while (dirent* e = readdir(proc)) {
            char* end = nullptr;
            long pid = std::strtol(e->d_name, &end, 10);
            if (!end || *end != '\0' || pid <= 0 || pid == getpid()) continue;
            std::ifstream comm(std::string("/proc/") + e->d_name + "/comm");
            std::string name;
            if (std::getline(comm, name) && name == "nats-server") pids.push_back(static_cast<pid_t>(pid));
        }
        closedir(proc);
    }
    if (pids.empty()) {
        std::fprintf(stderr, "nats-server: no nats-server process running\n");
        return 1;
    }
    if (pids.size() > 1) {
        std::fprintf(stderr, "nats-server: multiple nats-server processes running; give one as --signal %s=<pid>\n",
                     command.c_str());
        return 1;
    }
    if (::kill(pids[0], sig) != 0) {
        std::fprintf(stderr, "nats-server: signal %s to %d failed: %s\n", command.c_str(), pids[0],
                     std::strerror(errno));
        return 1;
    }
    return 0;
}

// --plugins: what the config would load, one plugin a line; exit 1 with the
// error line when something would stop start-up.
int list_plugins(const nats::config::Options& options) {
    using namespace nats::plugins;
    try {
        auto plan = plan_plugins(options, default_plugin_dir());
        for (const auto& w : plan.warnings) std::fprintf(stderr, "nats-server: warning: %s\n", w.c_str());
        auto opened = open_plugins(plan);
        if (opened.empty()) {
            std::printf("no plugins to load\n");
            return 0;
        }
        std::printf("%-20s %-12s %-6s %s\n", "NAME", "VERSION", "SDK", "PATH");
        for (const auto& p : opened) {
            std::printf("%-20s %-12s %-6s %s\n", p.library.name().c_str(), p.library.version().c_str(),
                        p.library.sdk_version().c_str(), p.library.path().c_str());
        }
        return 0;
    } catch (const PluginError& e) {
        std::fprintf(stderr, "nats-server: %s\n", e.what());
        return 1;
    }
}

// The -c/--config argument, found before the flags are parsed: a flag served
// by a plugin is looked for in the search path that file's plugins block sets.
std::string config_file_argument(const std::vector<const char*>& args) {
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string_view a = args[i];
        if (a == "--") break;
        for (std::string_view name : {"-c", "--c", "-config", "--config"}) {
            if (a == name && i + 1 < args.size()) return args[i + 1];
            if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=')
                return std::string(a.substr(name.size() + 1));
        }
    }
    return {};
}

// -t: what start-up would do short of starting. The accounts block, the plugin
// plan, each plugin file, and each plugin's config (validate(), or create() and
// destroy()).
int check_config(const nats::config::Options& options) {
    try {
        nats::accounts::load_accounts(options);
        auto plan = nats::plugins::plan_plugins(options, nats::plugins::default_plugin_dir());
        auto opened = nats::plugins::open_plugins(plan);
        nats::server::Server server(options);
        nats::plugins::PluginHost host(server);
        host.check(std::move(opened), options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nats-server: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "nats-server: configuration file %s is valid\n", options.config_file.c_str());
    return 0;
}

// Plugins are loaded once: a reload that asks for others only says so.
void warn_if_plugin_list_changed(const nats::plugins::PluginHost& host, const nats::config::Options& options) {
    std::vector<std::string> loaded, wanted;
    for (const auto& p : host.plugins())
        if (p.asked_by != "requires") loaded.push_back(p.path);
    try {
        for (const auto& r : nats::plugins::plan_plugins(options, nats::plugins::default_plugin_dir()).requests)
            wanted.push_back(r.path.string());
    } catch (const nats::plugins::PluginError& e) {
        NMK_WARN("{} (the running plugins stay as they are)", e.what());
        return;
    }
    std::sort(loaded.begin(), loaded.end());
    std::sort(wanted.begin(), wanted.end());
    if (loaded != wanted) NMK_WARN("The list of plugins changed: it takes effect when the server restarts");
}

// Shuts the server down before the plugins go away (its shutdown stops them).
struct ShutdownFirst {
    nats::server::Server& server;
    ~ShutdownFirst() { server.shutdown(); }
};

}  // namespace

int main(int argc, char** argv) {
    // --plugins is ours, not nats-server's: take it out before the flag parser sees it.
    bool show_plugins = false;
    std::vector<const char*> argv_kept;
    for (int i = 0; i < argc; ++i) {
        if (i > 0 && (std::strcmp(argv[i], "--plugins") == 0 || std::strcmp(argv[i], "-plugins") == 0)) {
            show_plugins = true;
            continue;
        }
        argv_kept.push_back(argv[i]);
    }
    nats::config::CommandLine cmd;
    nats::config::Options options;
    const std::string config_file = config_file_argument(argv_kept);
    nats::plugins::CatalogClaims claims(nats::plugins::default_plugin_dir(), config_file);
    try {
        options = nats::config::parse_command_line(static_cast<int>(argv_kept.size()), argv_kept.data(), cmd, &claims);
    } catch (const nats::config::FlagError& e) {
        // As Go's flag package does: the problem, then the usage.
        std::fprintf(stderr, "nats-server: %s\n%s", e.what(), nats::config::usage_text().c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nats-server: %s\n", e.what());
        return 1;
    }
    if (cmd.show_help) {
        std::fputs(nats::config::usage_text().c_str(), stdout);
        std::fputs(claims.usage_text().c_str(), stdout);
        return 0;
    }
    if (cmd.show_version) {
        std::printf("nats-server: v%s (nats-microkernel %s)\n", NMK_NATS_COMPAT_VERSION, NMK_PRODUCT_VERSION);
        return 0;
    }
    if (!cmd.signal.empty()) return send_signal_command(cmd.signal);
    if (show_plugins) return list_plugins(options);
    if (cmd.check_config) return check_config(options);

    nats::log::configure({options.log_file, options.debug, options.trace, options.logtime, options.log_size_limit});
    std::signal(SIGPIPE, SIG_IGN);
    for (const auto& w : options.warnings) NMK_WARN("{}", w);

    // Plugins are found, checked and created before the server starts, so a bad
    // one stops start-up with its one line and nothing else.
    std::vector<nats::plugins::OpenedPlugin> opened;
    try {
        auto plan = nats::plugins::plan_plugins(options, nats::plugins::default_plugin_dir());
        for (const auto& w : plan.warnings) NMK_WARN("{}", w);
        opened = nats::plugins::open_plugins(plan);
    } catch (const std::exception& e) {
        NMK_FATAL("{}", e.what());
        return 1;
    }

    // Signals are handled on the main thread; the server runs on its own threads.
    asio::io_context signal_context(1);
    asio::signal_set signals(signal_context, SIGINT, SIGTERM, SIGHUP);
    signals.add(SIGUSR1);
    signals.add(SIGUSR2);

    nats::server::Server server(options);
    nats::plugins::PluginHost plugins(server);
    ShutdownFirst shutdown_first{server};
    try {
        plugins.create(std::move(opened), options);
    } catch (const std::exception& e) {  // PluginError, or anything else: one line and exit 1
        NMK_FATAL("{}", e.what());
        return 1;
    }
    server.set_shutdown_hook([&plugins] { plugins.stop(); });
    server.set_reload_check([&plugins](const nats::config::Options& next) {
        std::vector<std::string> running;
        for (const auto& p : plugins.plugins()) running.push_back(p.name);
        return nats::plugins::reload_blocker(next, running);
    });
    std::vector<std::string> args(argv_kept.begin(), argv_kept.end());
    server.set_reload_source([args, config_file] {
        std::vector<const char*> raw;
        for (auto& a : args) raw.push_back(a.c_str());
        nats::config::CommandLine ignored;
        nats::plugins::CatalogClaims claims(nats::plugins::default_plugin_dir(), config_file);
        return nats::config::parse_command_line(static_cast<int>(raw.size()), raw.data(), ignored, &claims);
    });
    try {
        server.start();
    } catch (const std::exception& e) {
        NMK_FATAL("{}", e.what());
        return 1;
    }
    try {
        plugins.start();
    } catch (const std::exception& e) {
        NMK_FATAL("{}", e.what());
        return 1;
    }
    server.accept_clients();

    std::function<void()> wait_signal = [&] {
        signals.async_wait([&](const asio::error_code& ec, int sig) {
            if (ec) return;
            switch (sig) {
                case SIGINT:
                case SIGTERM:
                    NMK_INFO("Trapped \"{}\" signal", sig == SIGINT ? "interrupt" : "terminated");
                    server.shutdown();
                    return;  // no more signal handling; main waits for the shutdown
                case SIGHUP:
                    NMK_INFO("Trapped \"hangup\" signal");
                    // A reload never ends the server: whatever goes wrong is logged, and what
                    // was not applied keeps its running configuration.
                    try {
                        if (server.reload()) {
                            warn_if_plugin_list_changed(plugins, *server.options());
                            plugins.reload(*server.options());
                            server.reauthenticate_clients();  // with the authenticators' new config
                        }
                    } catch (const std::exception& e) {
                        NMK_ERROR("Failed to reload server configuration: {}", e.what());
                    }
                    break;
                case SIGUSR1:
                    server.reopen_log();
                    break;
                case SIGUSR2:
                    NMK_INFO("Trapped \"user defined signal 2\" signal");
                    server.enter_lame_duck();
                    break;
            }
            wait_signal();
        });
    };
    wait_signal();
    std::thread signal_thread([&] { signal_context.run(); });
    server.wait();
    signal_context.stop();
    signal_thread.join();
    return 0;
}
