#include "jetstream_session.hpp"

#include <algorithm>

namespace nats::cli {

jetstream_session::jetstream_session(const connection_settings& s)
    : settings(s), nc(connect(s, {.reconnect = false})), api(nc.get(), s.timeout) {}

bool is_internal_stream(const std::string& name) {
    return name.starts_with("KV_") || name.starts_with("OBJ_") || name.starts_with("$MQTT_");
}

std::vector<std::string> stream_names(const jetstream_api& api) {
    std::vector<std::string> names;
    for (int page = 0; page < 100000; ++page) {
        const ordered_json reply = api.request("STREAM.NAMES", ordered_json{{"offset", names.size()}});
        const auto list = reply.value("streams", ordered_json::array());
        if (!list.is_array() || list.empty()) break;
        for (const auto& n : list) {
            if (n.is_string()) names.push_back(n.get<std::string>());
        }
        if (names.size() >= reply.value("total", std::size_t{0})) break;
    }
    return names;
}

std::string select_stream(const jetstream_api& api, const std::string& name, bool force, bool all) {
    const std::string prefix = "could not pick a Stream to operate on: ";
    try {
        if (!name.empty()) {
            api.request("STREAM.INFO." + name);
            return name;
        }
    } catch (const api_error&) {
        // Unknown: natscli then looks at the list of streams, below.
    }
    std::vector<std::string> names;
    try {
        names = stream_names(api);
    } catch (const cli_error& e) {
        throw cli_error(prefix + e.what());
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) return name;
    if (force) throw cli_error(prefix + "unknown stream \"" + name + "\"");
    const bool any = std::any_of(names.begin(), names.end(), [&](const auto& n) { return all || !is_internal_stream(n); });
    if (!any) throw cli_error(prefix + "no Streams are defined");
    throw cli_error(prefix + "cannot prompt for user input without a terminal");
}

void confirmation_needed() {
    throw cli_error("could not obtain confirmation: cannot ask for confirmation without a terminal");
}

} // namespace nats::cli
