#pragma once
// Extension kinds: a plugin declares a kind ("jetstream.store") at a version
// (NMK_KIND_VERSION(major, minor)) and others register named implementations
// of it (opaque tables whose first member is their uint32_t struct_size),
// optionally saying which version they implement: another major is refused,
// at registration and at a versioned lookup. Lookups are by kind and name.
// The registry also answers which plugins a provider serves, so the host can
// stop a provider only after the owners of the kinds it fills.
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nats::plugins {

class ExtensionRegistry {
public:
    enum class Result { ok, duplicate, unknown_kind, invalid, wrong_version };

    Result declare_kind(std::string_view kind, std::uint32_t version, std::string_view owner);
    // version 0: unversioned (SDK 1.0's register_extension), not checked.
    Result add(std::string_view kind, std::string_view name, const void* vtable, std::string_view owner,
               std::uint32_t version = 0, bool versioned = false);
    // The named implementation, or the first registered one when name is empty; null when none.
    const void* find(std::string_view kind, std::string_view name) const;
    // As find(), also null when the kind's declared major is not `version`'s;
    // `provider_version` gets what the implementation registered with.
    const void* find_versioned(std::string_view kind, std::string_view name, std::uint32_t version,
                               std::uint32_t* provider_version) const;
    // What `owner` declared or registered goes away with it.
    void remove_owner(std::string_view owner);
    std::string kind_owner(std::string_view kind) const;
    // The declared version; false when the kind is unknown.
    bool kind_version(std::string_view kind, std::uint32_t& version) const;
    // The plugins (other than `provider`) owning a kind `provider` registered into.
    std::set<std::string> owners_served_by(std::string_view provider) const;

private:
    struct Implementation {
        std::string name, owner;
        const void* vtable;
        std::uint32_t version;
    };
    struct Kind {
        std::uint32_t version = 0;
        std::string owner;
        std::vector<Implementation> implementations;
    };
    const Implementation* find_locked(std::string_view kind, std::string_view name) const;

    mutable std::mutex mutex_;
    std::map<std::string, Kind, std::less<>> kinds_;
};

}  // namespace nats::plugins
