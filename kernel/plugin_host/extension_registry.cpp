#include "kernel/plugin_host/extension_registry.hpp"

#include <algorithm>
#include <cstring>

namespace nats::plugins {

ExtensionRegistry::Result ExtensionRegistry::declare_kind(std::string_view kind, std::uint32_t version,
                                                          std::string_view owner) {
    if (kind.empty()) return Result::invalid;
    std::lock_guard lock(mutex_);
    auto [it, added] = kinds_.try_emplace(std::string(kind));
    if (!added) return Result::duplicate;
    it->second.version = version;
    it->second.owner.assign(owner);
    return Result::ok;
}

ExtensionRegistry::Result ExtensionRegistry::add(std::string_view kind, std::string_view name, const void* vtable,
                                                 std::string_view owner) {
    if (name.empty() || !vtable) return Result::invalid;
    std::uint32_t size = 0;
    std::memcpy(&size, vtable, sizeof size);
    if (size < sizeof size) return Result::invalid;
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(kind);
    if (it == kinds_.end()) return Result::unknown_kind;
    auto& impls = it->second.implementations;
    if (std::any_of(impls.begin(), impls.end(), [&](const Implementation& i) { return i.name == name; }))
        return Result::duplicate;
    impls.push_back({std::string(name), std::string(owner), vtable});
    return Result::ok;
}

const void* ExtensionRegistry::find(std::string_view kind, std::string_view name) const {
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(kind);
    if (it == kinds_.end() || it->second.implementations.empty()) return nullptr;
    if (name.empty()) return it->second.implementations.front().vtable;
    for (const auto& i : it->second.implementations)
        if (i.name == name) return i.vtable;
    return nullptr;
}

void ExtensionRegistry::remove_owner(std::string_view owner) {
    std::lock_guard lock(mutex_);
    for (auto it = kinds_.begin(); it != kinds_.end();) {
        if (it->second.owner == owner) {
            it = kinds_.erase(it);
            continue;
        }
        std::erase_if(it->second.implementations, [&](const Implementation& i) { return i.owner == owner; });
        ++it;
    }
}

std::string ExtensionRegistry::kind_owner(std::string_view kind) const {
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(kind);
    return it == kinds_.end() ? std::string() : it->second.owner;
}

}  // namespace nats::plugins
