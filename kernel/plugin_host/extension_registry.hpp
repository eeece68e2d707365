#pragma once
// Extension kinds: a plugin declares a kind ("jetstream.store") and others
// register named implementations of it (opaque tables whose first member is
// their uint32_t struct_size). Lookups are by kind and name.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nats::plugins {

class ExtensionRegistry {
public:
    enum class Result { ok, duplicate, unknown_kind, invalid };

    Result declare_kind(std::string_view kind, std::uint32_t version, std::string_view owner);
    Result add(std::string_view kind, std::string_view name, const void* vtable, std::string_view owner);
    // The named implementation, or the first registered one when name is empty; null when none.
    const void* find(std::string_view kind, std::string_view name) const;
    // What `owner` declared or registered goes away with it.
    void remove_owner(std::string_view owner);
    std::string kind_owner(std::string_view kind) const;

private:
    struct Implementation {
        std::string name, owner;
        const void* vtable;
    };
    struct Kind {
        std::uint32_t version = 0;
        std::string owner;
        std::vector<Implementation> implementations;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Kind, std::less<>> kinds_;
};

}  // namespace nats::plugins
