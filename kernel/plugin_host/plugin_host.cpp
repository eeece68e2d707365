#include "kernel/plugin_host/plugin_host.hpp"

#include <algorithm>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"
#include "kernel/plugin_host/assembly.hpp"
#include "kernel/plugin_host/catalog.hpp"
#include "kernel/plugin_host/plugin_error.hpp"

namespace nats::plugins {

namespace {

constexpr std::size_t error_capacity = 1024;

std::string failure(const char* call, const char* buffer) {
    std::string text = error_text(buffer, error_capacity);
    return std::string(call) + " failed: " + (text.empty() ? "no reason given" : text);
}

// A refused config: `<file>:<line>:<col>: plugin "<name>": <text>` when the text
// names a config key found in the file (abi.h's convention), else the usual
// `plugin "<file>": <call> failed: <text>`.
PluginError config_failure(const config::Options& options, const nmk_plugin_descriptor& d, const std::string& path,
                           const char* call, const char* buffer) {
    const std::string text = error_text(buffer, error_capacity);
    const std::string at = config_key_location(options, d.name, text);
    if (at.empty()) return plugin_error(path, failure(call, buffer));
    return PluginError(at + ": plugin \"" + std::string(d.name) + "\": " + text);
}

std::string config_for(const config::Options& options, const PluginLibrary& library) {
    const auto& d = library.descriptor();
    return plugin_config_json(options, d.name, read_declarations(d, library.path()).keys);
}

}  // namespace

PluginHost::PluginHost(server::Server& server) : server_(server) {}

PluginHost::~PluginHost() {
    stop();
    destroy();
}

void PluginHost::create(std::vector<OpenedPlugin> opened, const config::Options& options) {
    for (auto& o : opened) {
        auto p = std::make_unique<Plugin>(Plugin{std::move(o.library), std::move(o.request), nullptr});
        const auto& d = descriptor(*p);
        const std::string path = p->library.path().string();
        p->context = std::make_unique<PluginContext>(*this, d.name);
        const std::string config = config_for(options, p->library);
        char error[error_capacity] = {};
        void* instance = nullptr;
        try {
            instance = d.create(p->context->api(), to_nmk(config), nmk_error_buffer{error, sizeof error});
        } catch (const std::exception& e) {
            throw plugin_error(path, std::string("create() threw an exception: ") + e.what());
        } catch (...) {
            throw plugin_error(path, "create() threw an exception");
        }
        if (!instance) {
            p->context->release();
            throw config_failure(options, d, path, "create()", error);
        }
        p->instance = instance;
        plugins_.push_back(std::move(p));
    }
}

void PluginHost::check(std::vector<OpenedPlugin> opened, const config::Options& options) {
    std::vector<OpenedPlugin> to_create;
    for (auto& o : opened) {
        const auto& d = o.library.descriptor();
        const ValidateFn validate = validate_function(d);
        if (!validate) {
            to_create.push_back(std::move(o));
            continue;
        }
        const std::string config = config_for(options, o.library);
        const std::string path = o.library.path().string();
        char error[error_capacity] = {};
        int rc = 0;
        try {
            rc = validate(to_nmk(config), nmk_error_buffer{error, sizeof error});
        } catch (const std::exception& e) {
            throw plugin_error(path, std::string("validate() threw an exception: ") + e.what());
        } catch (...) {
            throw plugin_error(path, "validate() threw an exception");
        }
        if (rc != 0) throw config_failure(options, d, path, "validate()", error);
    }
    // No validate(): creating the plugin (and destroying it unstarted) is the check.
    create(std::move(to_create), options);
    destroy();
}

void PluginHost::start() {
    for (auto& p : plugins_) {
        if (p->started) continue;
        const auto& d = descriptor(*p);
        const std::string path = p->library.path().string();
        char error[error_capacity] = {};
        int rc = 0;
        std::string reason;
        try {
            if (d.start) rc = d.start(p->instance, nmk_error_buffer{error, sizeof error});
            if (rc != 0) reason = failure("start()", error);
        } catch (const std::exception& e) {
            reason = std::string("start() threw an exception: ") + e.what();
        } catch (...) {
            reason = "start() threw an exception";
        }
        if (!reason.empty()) {
            p->context->release();
            throw plugin_error(path, reason);
        }
        p->started = true;
        NMK_INFO("Plugin \"{}\" version {} (SDK {}) started from {}", d.name, p->library.version(),
                 p->library.sdk_version(), path);
    }
    announce_all_started();
}

void PluginHost::reload(const config::Options& options) {
    for (auto& p : plugins_) {
        if (!p->started) continue;
        const auto& d = descriptor(*p);
        if (!d.reload) continue;
        char error[error_capacity] = {};
        std::string reason;
        try {
            // Inside the try: a block that cannot be handed over leaves this plugin as it
            // was, like a refused reload, and the server running.
            const std::string config = config_for(options, p->library);
            if (d.reload(p->instance, to_nmk(config), nmk_error_buffer{error, sizeof error}) != 0)
                reason = failure("reload()", error);
        } catch (const std::exception& e) {
            reason = std::string("reload() threw an exception: ") + e.what();
        } catch (...) {
            reason = "reload() threw an exception";
        }
        if (!reason.empty()) NMK_ERROR("Plugin \"{}\" keeps its previous configuration: {}", d.name, reason);
    }
}

void PluginHost::stop() {
    // Reverse start order, except that a plugin providing an extension of a
    // kind another running plugin declared waits until that owner has stopped:
    // the owner may still call the provider's table in its stop().
    std::vector<Plugin*> remaining;
    for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it)
        if ((*it)->started) remaining.push_back(it->get());
    std::vector<Plugin*> order;
    while (!remaining.empty()) {
        auto running = [&](const std::string& name) {
            return std::any_of(remaining.begin(), remaining.end(),
                               [&](const Plugin* p) { return descriptor(*p).name == name; });
        };
        auto next = std::find_if(remaining.begin(), remaining.end(), [&](const Plugin* p) {
            const auto owners = extensions_.owners_served_by(descriptor(*p).name);
            return std::none_of(owners.begin(), owners.end(), running);
        });
        if (next == remaining.end()) next = remaining.begin();  // providers of each other: plain reverse order
        Plugin& p = **next;
        remaining.erase(next);
        order.push_back(&p);
        p.started = false;
        const auto& d = descriptor(p);
        try {
            if (d.stop) d.stop(p.instance);
        } catch (...) {
            NMK_ERROR("Plugin \"{}\": stop() threw an exception", d.name);
        }
        p.context->release();
        NMK_DEBUG("Plugin \"{}\" stopped", d.name);
    }
    // destroy() goes from the back: make it follow the stop order.
    std::stable_partition(plugins_.begin(), plugins_.end(), [&](const std::unique_ptr<Plugin>& p) {
        return std::find(order.begin(), order.end(), p.get()) == order.end();
    });
    auto stopped_at = [&](const std::unique_ptr<Plugin>& p) { return std::find(order.begin(), order.end(), p.get()) - order.begin(); };
    std::sort(plugins_.end() - static_cast<std::ptrdiff_t>(order.size()), plugins_.end(),
              [&](const auto& a, const auto& b) { return stopped_at(a) > stopped_at(b); });
    pool_.stop();
}

nmk_status PluginHost::on_all_started(PluginContext& context, nmk_task_callback callback, void* user) {
    {
        std::lock_guard lock(notices_mutex_);
        if (!all_started_) {
            notices_.push_back({context.name(), context.gate(), callback, user});
            return NMK_OK;
        }
    }
    context.post(callback, user);
    return NMK_OK;
}

void PluginHost::announce_all_started() {
    std::vector<StartNotice> notices;
    {
        std::lock_guard lock(notices_mutex_);
        if (all_started_) return;
        all_started_ = true;
        notices.swap(notices_);
    }
    for (const auto& n : notices) {
        CallGate::Pass pass(*n.gate);
        if (!pass) continue;
        try {
            n.callback(n.user);
        } catch (...) {
            NMK_ERROR("{}: all-started callback threw an exception", n.plugin);
        }
    }
}

void PluginHost::destroy() {
    while (!plugins_.empty()) {
        auto p = std::move(plugins_.back());
        plugins_.pop_back();
        const auto& d = descriptor(*p);
        p->context->release();
        try {
            if (p->instance) d.destroy(p->instance);
        } catch (...) {
            NMK_ERROR("Plugin \"{}\": destroy() threw an exception", d.name);
        }
        // The context, then the library, go with p.
    }
}

std::vector<LoadedPluginInfo> PluginHost::plugins() const {
    std::vector<LoadedPluginInfo> out;
    for (const auto& p : plugins_) {
        const auto& d = descriptor(*p);
        out.push_back({d.name, p->library.version(), p->library.sdk_version(), d.description ? d.description : "",
                       p->library.path().string(), p->request.asked_by, p->started});
    }
    return out;
}

}  // namespace nats::plugins
