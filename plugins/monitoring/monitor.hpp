#pragma once
// The monitoring port's request router, laid out like nats-server's
// http.ServeMux: unclean paths redirect (301), the pages sit under
// http_base_path, anything else goes to an endpoint another plugin registered
// or gets Go's "404 page not found". Credentials are checked first, when
// configured, so an unauthenticated caller learns nothing about paths.
//
// Threads: handle() runs on the HTTP server's threads, several at once.
#include <map>
#include <mutex>
#include <string>

#include "plugins/monitoring/http_message.hpp"
#include "plugins/monitoring/kernel_source.hpp"
#include "plugins/monitoring/page_context.hpp"
#include "plugins/monitoring/settings.hpp"

namespace nats::monitoring {

class Monitor {
public:
    Monitor(KernelSource& kernel, Settings settings, PluginIdentity self);

    HttpResponse handle(const HttpRequest& request);
    // New credentials (config reload); requests already running keep the old ones.
    void set_auth(AuthSettings auth);

private:
    using Page = HttpResponse (*)(const PageContext&);
    struct Route {
        std::string_view path;  // relative to the base path; also the http_req_stats key
        Page page;
    };

    HttpResponse route(const HttpRequest& request, std::string_view relative_path, const GoQuery& query);
    std::string server_id();
    std::map<std::string, std::uint64_t> count(std::string_view path);

    AuthSettings auth() const;

    KernelSource& kernel_;
    const Settings settings_;  // auth below replaces settings_.auth
    mutable std::mutex auth_mutex_;
    AuthSettings auth_;
    const PluginIdentity self_;
    std::mutex mutex_;
    std::map<std::string, std::uint64_t> request_stats_;
    std::string server_id_;
};

}  // namespace nats::monitoring
