#pragma once
// Runs the loaded plugins through their lifecycle: create (with the config
// block as JSON), start in dependency order, reload on SIGHUP, stop in reverse
// order (a provider of an extension kind after the kind's owner), destroy in
// the stop order, and only then unload the library. Owns the registries the
// host API fills (metrics, HTTP endpoints, extensions) and the blocking pool.
//
// Threads: create/start/reload/stop/destroy run on the thread that calls them
// (main, or the one running Server::shutdown); plugin callbacks run on I/O
// threads and on the blocking pool, each behind the plugin's CallGate.
#include <atomic>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/config/options.hpp"
#include "kernel/plugin_host/account_watches.hpp"
#include "kernel/plugin_host/blocking_pool.hpp"
#include "kernel/plugin_host/extension_registry.hpp"
#include "kernel/plugin_host/http_registry.hpp"
#include "kernel/plugin_host/metrics.hpp"
#include "kernel/plugin_host/plugin_context.hpp"
#include "kernel/plugin_host/resolver.hpp"
#include "kernel/server/server.hpp"

namespace nats::plugins {

struct LoadedPluginInfo {
    std::string name, version, sdk_version, description, path, asked_by;
    bool started = false;
};

class PluginHost {
public:
    explicit PluginHost(server::Server& server);
    // Stops and destroys whatever is still loaded.
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // Creates each plugin, in the given (dependency) order, with its config
    // block. Throws PluginError (create() returned NULL or threw); the plugins
    // created so far stay, for destroy().
    void create(std::vector<OpenedPlugin> plugins, const config::Options& options);
    // nats-server -t: each plugin's validate() with the config create() would get,
    // or, for a plugin without one, create() then destroy() (never start()).
    // Throws PluginError naming the plugin, and the key's file:line:col when the
    // plugin's text names one.
    void check(std::vector<OpenedPlugin> plugins, const config::Options& options);
    // Starts the created plugins in order and logs each. Throws PluginError
    // (start() failed or threw); the failed plugin is released, the started
    // ones stay for stop().
    void start();
    // Hands every running plugin its new block; a refusal keeps its old config.
    void reload(const config::Options& options);
    // Stops the started plugins in reverse order (a provider of an extension
    // kind after the kind's owner) and takes back what they registered.
    void stop();
    // Destroys the created plugins in reverse order, then unloads them.
    void destroy();

    std::vector<LoadedPluginInfo> plugins() const;

    // For the monitoring plugin's server (and tests): the endpoint at request.path.
    std::optional<HttpResponse> dispatch_http(const HttpRequest& request) const { return http_.dispatch(request); }
    MetricsRegistry& metrics() { return metrics_; }
    HttpRegistry& http() { return http_; }
    ExtensionRegistry& extensions() { return extensions_; }
    AccountWatches& account_watches() { return account_watches_; }
    BlockingPool& blocking_pool() { return pool_; }
    server::Server& server() { return server_; }
    // nmk_host_api.on_all_started: the callback runs once every plugin has
    // started (at the end of start()), or soon on an I/O thread when they have.
    nmk_status on_all_started(PluginContext& context, nmk_task_callback callback, void* user);
    std::uint64_t next_id() { return next_id_.fetch_add(1, std::memory_order_relaxed) + 1; }

private:
    struct Plugin {
        PluginLibrary library;  // declared first: unloaded last
        PluginRequest request;
        std::unique_ptr<PluginContext> context;
        void* instance = nullptr;
        bool started = false;
    };
    const nmk_plugin_descriptor& descriptor(const Plugin& p) const { return p.library.descriptor(); }
    void announce_all_started();
    struct StartNotice {
        std::string plugin;
        std::shared_ptr<CallGate> gate;
        nmk_task_callback callback;
        void* user;
    };

    server::Server& server_;
    MetricsRegistry metrics_;
    HttpRegistry http_;
    ExtensionRegistry extensions_;
    AccountWatches account_watches_{server_};
    BlockingPool pool_{2};
    std::atomic<std::uint64_t> next_id_{0};
    std::vector<std::unique_ptr<Plugin>> plugins_;  // dependency order (stop order, reversed, once stopped)
    std::mutex notices_mutex_;
    std::vector<StartNotice> notices_;
    bool all_started_ = false;
};

}  // namespace nats::plugins
