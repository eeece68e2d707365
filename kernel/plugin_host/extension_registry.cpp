#include "kernel/plugin_host/extension_registry.hpp"

#include <algorithm>
#include <cstring>

#include <nats_sdk/abi.h>

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
                                                 std::string_view owner, std::uint32_t version, bool versioned) {
    if (name.empty() || !vtable) return Result::invalid;
    std::uint32_t size = 0;
    std::memcpy(&size, vtable, sizeof size);
    if (size < sizeof size) return Result::invalid;
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(kind);
    if (it == kinds_.end()) return Result::unknown_kind;
    if (versioned && NMK_KIND_VERSION_MAJOR(version) != NMK_KIND_VERSION_MAJOR(it->second.version))
        return Result::wrong_version;
    auto& impls = it->second.implementations;
    if (std::any_of(impls.begin(), impls.end(), [&](const Implementation& i) { return i.name == name; }))
        return Result::duplicate;
    impls.push_back({std::string(name), std::string(owner), vtable, versioned ? version : 0});
    return Result::ok;
}

const ExtensionRegistry::Implementation* ExtensionRegistry::find_locked(std::string_view kind,
                                                                        std::string_view name) const {
    auto it = kinds_.find(kind);
    if (it == kinds_.end() || it->second.implementations.empty()) return nullptr;
    if (name.empty()) return &it->second.implementations.front();
    for (const auto& i : it->second.implementations)
        if (i.name == name) return &i;
    return nullptr;
}

const void* ExtensionRegistry::find(std::string_view kind, std::string_view name) const {
    std::lock_guard lock(mutex_);
    const Implementation* i = find_locked(kind, name);
    return i ? i->vtable : nullptr;
}

const void* ExtensionRegistry::find_versioned(std::string_view kind, std::string_view name, std::uint32_t version,
                                              std::uint32_t* provider_version) const {
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(kind);
    if (it == kinds_.end() || NMK_KIND_VERSION_MAJOR(it->second.version) != NMK_KIND_VERSION_MAJOR(version))
        return nullptr;
    const Implementation* i = find_locked(kind, name);
    if (!i) return nullptr;
    if (provider_version) *provider_version = i->version;
    return i->vtable;
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

bool ExtensionRegistry::kind_version(std::string_view kind, std::uint32_t& version) const {
    std::lock_guard lock(mutex_);
    auto it = kinds_.find(kind);
    if (it == kinds_.end()) return false;
    version = it->second.version;
    return true;
}

std::set<std::string> ExtensionRegistry::owners_served_by(std::string_view provider) const {
    std::lock_guard lock(mutex_);
    std::set<std::string> owners;
    for (const auto& [name, kind] : kinds_) {
        if (kind.owner == provider) continue;
        for (const auto& i : kind.implementations)
            if (i.owner == provider) owners.insert(kind.owner);
    }
    return owners;
}

}  // namespace nats::plugins
