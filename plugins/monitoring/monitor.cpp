#include "plugins/monitoring/monitor.hpp"

#include "plugins/monitoring/go_query.hpp"
#include "plugins/monitoring/http_auth.hpp"
#include "plugins/monitoring/pages.hpp"

namespace nats::monitoring {

namespace {

// Go's http.Redirect for GET/HEAD with 301.
HttpResponse moved_permanently(const std::string& location) {
    std::string escaped;
    for (char c : location) {
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&#34;"; break;
            case '\'': escaped += "&#39;"; break;
            default: escaped += c;
        }
    }
    return HttpResponse{301, "text/html; charset=utf-8", {{"Location", location}},
                        "<a href=\"" + escaped + "\">Moved Permanently</a>.\n\n"};
}

// The path Go's ServeMux would serve: cleaned, keeping a trailing slash.
std::string mux_clean(const std::string& path) {
    if (path.empty()) return "/";
    std::string p = path.front() == '/' ? path : "/" + path;
    std::string cleaned = clean_path(p);
    if (p.back() == '/' && cleaned != "/") cleaned += '/';
    return cleaned;
}

// Percent-encodes what a path may not carry as it is (for Location).
std::string escape_path(std::string_view path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (c > 0x20 && c < 0x7F && c != '%' && c != '?' && c != '#' && c != '"') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

}  // namespace

Monitor::Monitor(KernelSource& kernel, Settings settings, PluginIdentity self)
    : kernel_(kernel), settings_(std::move(settings)), auth_(settings_.auth), self_(std::move(self)) {}

void Monitor::set_auth(AuthSettings auth) {
    std::lock_guard lock(auth_mutex_);
    auth_ = std::move(auth);
}

AuthSettings Monitor::auth() const {
    std::lock_guard lock(auth_mutex_);
    return auth_;
}

std::string Monitor::server_id() {
    {
        std::lock_guard lock(mutex_);
        if (!server_id_.empty()) return server_id_;
    }
    const KernelAnswer answer = kernel_.query("varz", "");
    const auto v = nlohmann::json::parse(answer.body, nullptr, false);
    std::string id = v.is_object() && v.contains("server_id") && v["server_id"].is_string()
                         ? v["server_id"].get<std::string>()
                         : std::string();
    std::lock_guard lock(mutex_);
    server_id_ = id;
    return id;
}

std::map<std::string, std::uint64_t> Monitor::count(std::string_view path) {
    std::lock_guard lock(mutex_);
    ++request_stats_[std::string(path)];
    return request_stats_;
}

HttpResponse Monitor::handle(const HttpRequest& request) {
    const auto decoded = path_unescape(request.path);
    if (!decoded) return bad_request("invalid URL escape in path");
    const std::string path = mux_clean(*decoded);
    if (path != *decoded && request.method != "CONNECT")
        return moved_permanently(escape_path(path) + (request.query.empty() ? "" : "?" + request.query));

    if (const AuthSettings auth = this->auth(); auth.enabled() && !credentials_accepted(auth, request.authorization)) {
        bool open = false;
        for (const auto& p : auth.public_paths) open = open || p == path;
        if (!open)
            return HttpResponse{401, "text/plain; charset=utf-8", {{"WWW-Authenticate", auth_challenge(auth)}},
                                "401 Unauthorized\n"};
    }

    // Under base path "/nats": "/nats" is the index, "/nats/varz" a page, the rest 404.
    std::string_view relative = path;
    const std::string& base = settings_.base_path;
    if (base != "/") {
        if (path == base) relative = "/";
        else if (path.size() > base.size() + 1 && path.compare(0, base.size(), base) == 0 && path[base.size()] == '/')
            relative = std::string_view(path).substr(base.size());
        else
            return not_found();
    }
    const GoQuery query(request.query);
    return route(request, relative, query);
}

HttpResponse Monitor::route(const HttpRequest& request, std::string_view relative, const GoQuery& query) {
    static constexpr Route routes[] = {
        {"/varz", varz_page},         {"/connz", connz_page},         {"/routez", routez_page},
        {"/gatewayz", gatewayz_page}, {"/leafz", leafz_page},         {"/subsz", subsz_page},
        {"/accountz", accountz_page}, {"/accstatz", accstatz_page},   {"/jsz", jsz_page},
        {"/healthz", healthz_page},   {"/metrics", metrics_page},     {"/dashboard", dashboard_page},
        {"/pluginz", pluginz_page},
    };
    auto id = [this] { return server_id(); };
    if (relative == "/") {
        PageContext page(kernel_, request, query, self_, id, count("/"));
        return index_page(page, settings_.base_path);
    }
    std::string_view key = relative == "/subscriptionsz" ? std::string_view("/subsz") : relative;
    for (const auto& r : routes) {
        if (r.path != key) continue;
        PageContext page(kernel_, request, query, self_, id, count(r.path));
        return r.page(page);
    }
    PageContext page(kernel_, request, query, self_, id, {});
    if (auto served = page.plugin_page(relative)) return *served;
    return not_found();
}

}  // namespace nats::monitoring
