#pragma once
// The monitoring pages. Each decodes its query options in nats-server's order
// (so the first bad value gives the same 400 text), reads kernel state and
// answers in nats-server 2.9.10's JSON shape.
#include <string_view>

#include "plugins/monitoring/page_context.hpp"

namespace nats::monitoring {

// Kernel state (core_pages.cpp).
HttpResponse varz_page(const PageContext& page);
HttpResponse connz_page(const PageContext& page);
HttpResponse subsz_page(const PageContext& page);
HttpResponse accountz_page(const PageContext& page);
HttpResponse accstatz_page(const PageContext& page);

// Features that plugins bring (feature_pages.cpp): the plugin's own endpoint
// when one is registered at the path, else what nats-server answers with the
// feature off.
HttpResponse routez_page(const PageContext& page);
HttpResponse gatewayz_page(const PageContext& page);
HttpResponse leafz_page(const PageContext& page);
HttpResponse jsz_page(const PageContext& page);
HttpResponse healthz_page(const PageContext& page);

// Beyond nats-server.
HttpResponse index_page(const PageContext& page, std::string_view base_path);  // index_page.cpp
HttpResponse dashboard_page(const PageContext& page);                          // dashboard_page.cpp
HttpResponse metrics_page(const PageContext& page);                            // metrics_page.cpp
HttpResponse pluginz_page(const PageContext& page);                            // feature_pages.cpp

// Sections of /varz that plugins fill by registering /varz/<section>.
inline constexpr std::string_view varz_sections[] = {"cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream"};

}  // namespace nats::monitoring
