#include "kernel/plugin_host/resolver.hpp"

#include <algorithm>
#include <unordered_map>

#include "kernel/plugin_host/plugin_error.hpp"

namespace nats::plugins {

std::vector<std::string> split_names(const char* list) {
    std::vector<std::string> out;
    if (!list) return out;
    std::string_view rest(list);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

std::vector<OpenedPlugin> open_plugins(const AssemblyPlan& plan) {
    std::vector<OpenedPlugin> opened;
    std::unordered_map<std::string, std::size_t> by_name;
    auto open_one = [&](PluginRequest request) {
        OpenedPlugin p{PluginLibrary::open(request.path), std::move(request)};
        const std::string name = p.library.name();
        if (auto it = by_name.find(name); it != by_name.end()) {
            throw plugin_error(p.library.path().string(), "plugin name \"" + name + "\" is already taken by \"" +
                                                              opened[it->second].library.path().string() + "\"");
        }
        by_name.emplace(name, opened.size());
        opened.push_back(std::move(p));
    };
    for (const auto& request : plan.requests) open_one(request);
    // Requirements not asked for come from the search path (the list grows as we go).
    for (std::size_t i = 0; i < opened.size(); ++i) {
        for (const auto& needed : split_names(opened[i].library.descriptor().requires_plugins)) {
            if (by_name.count(needed)) continue;
            auto file = find_plugin_file(needed, plan.search_paths);
            if (file.empty()) {
                throw plugin_error(opened[i].library.path().string(),
                                   "requires plugin \"" + needed + "\", which is not installed (looked for lib" +
                                       needed + ".so in the plugin search path)");
            }
            open_one(PluginRequest{needed, file, "requires", true});
            if (!by_name.count(needed)) {
                throw plugin_error(file.string(), "was loaded for \"" + needed + "\" but calls itself \"" +
                                                      opened.back().library.name() + "\"");
            }
        }
    }
    // Depth-first order: requirements first, otherwise the order asked.
    std::vector<int> state(opened.size(), 0);  // 0 new, 1 visiting, 2 done
    std::vector<std::size_t> order;
    std::vector<std::string> stack;
    auto visit = [&](auto&& self, std::size_t i) -> void {
        if (state[i] == 2) return;
        const std::string name = opened[i].library.name();
        if (state[i] == 1) {
            std::string cycle;
            auto from = std::find(stack.begin(), stack.end(), name);
            for (auto it = from; it != stack.end(); ++it) cycle += *it + " -> ";
            throw plugin_error(opened[i].library.path().string(), "dependency cycle: " + cycle + name);
        }
        state[i] = 1;
        stack.push_back(name);
        for (const auto& needed : split_names(opened[i].library.descriptor().requires_plugins)) self(self, by_name.at(needed));
        stack.pop_back();
        state[i] = 2;
        order.push_back(i);
    };
    for (std::size_t i = 0; i < opened.size(); ++i) visit(visit, i);
    std::vector<std::string> names;
    for (const auto& p : opened) names.push_back(p.library.name());
    check_plugin_blocks(plan, names);
    std::vector<OpenedPlugin> sorted;
    sorted.reserve(opened.size());
    for (auto i : order) sorted.push_back(std::move(opened[i]));
    return sorted;
}

}  // namespace nats::plugins
