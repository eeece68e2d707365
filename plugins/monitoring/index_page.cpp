// "/": links to every page, like nats-server's index, plus the pages this
// server adds. Self-contained (no external icon or font requests).
#include "plugins/monitoring/pages.hpp"

namespace nats::monitoring {

namespace {

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string join(std::string_view base, std::string_view path) {
    if (base == "/") return std::string(path);
    return std::string(base) + std::string(path);
}

}  // namespace

HttpResponse index_page(const PageContext& page, std::string_view base_path) {
    std::string version;
    if (const auto varz = page.ask_json("varz"); varz && varz->contains("version"))
        version = (*varz)["version"].get<std::string>();
    static constexpr std::pair<std::string_view, std::string_view> links[] = {
        {"/varz", "General"},       {"/jsz", "JetStream"},          {"/connz", "Connections"},
        {"/accountz", "Accounts"},  {"/accstatz", "Account Stats"}, {"/subsz", "Subscriptions"},
        {"/routez", "Routes"},      {"/leafz", "LeafNodes"},        {"/gatewayz", "Gateways"},
        {"/healthz", "Health Probe"},
    };
    static constexpr std::pair<std::string_view, std::string_view> extras[] = {
        {"/dashboard", "Live dashboard"},
        {"/metrics", "Prometheus metrics"},
        {"/pluginz", "Loaded plugins"},
    };
    std::string body = R"(<html lang="en">
<head>
<meta charset="utf-8">
<title>NATS server monitoring</title>
<link rel="icon" href="data:,">
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #30304a }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem }
  .version { color: #777; font-size: 0.9rem; margin-bottom: 1.2rem }
  a { display: block; margin: 0 0 0.45rem 0.4rem; color: #3b32ca; text-decoration: none }
  a:hover { font-weight: 600 }
  h2 { font-size: 1rem; margin-top: 1.4rem }
</style>
</head>
<body>
<h1>NATS server monitoring</h1>
<div class="version">compatible with nats-server v)" +
                       html_escape(version) + "</div>\n";
    for (const auto& [path, title] : links)
        body += "<a href=\"" + html_escape(join(base_path, path)) + "\">" + std::string(title) + "</a>\n";
    body += "<h2>Beyond nats-server</h2>\n";
    for (const auto& [path, title] : extras)
        body += "<a href=\"" + html_escape(join(base_path, path)) + "\">" + std::string(title) + "</a>\n";
    body += "</body>\n</html>\n";
    return HttpResponse{200, "text/html; charset=utf-8", {}, body};
}

}  // namespace nats::monitoring
