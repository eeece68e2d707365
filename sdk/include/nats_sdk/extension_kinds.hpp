#pragma once
// Versioned extension kinds (SDK 1.1) and the all-started notice.
//
// The plugin that owns a kind (JetStream owns "jetstream.store") declares it with
// Host::declare_kind(kind, KindVersion{1, 2}.packed()); a provider (a store backend)
// registers the version it implements, and a user looks it up with the version it was
// built for: another major is refused both ways. A provider stays registered until
// the kind's owner has stopped (the kernel stops providers after owners).
//
//   nats_sdk::register_extension(host(), "jetstream.store", {1, 0}, "memory", table_);
//   auto* store = nats_sdk::find_extension<store_table>(host(), "jetstream.store", {1, 0}, "memory");
//   nats_sdk::on_all_started(host(), [this] { recover_streams(); });

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/timer.hpp"
#include "nats_sdk/version.hpp"

namespace nats_sdk {

struct KindVersion {
    std::uint16_t major = 0;
    std::uint16_t minor = 0;

    constexpr std::uint32_t packed() const noexcept { return NMK_KIND_VERSION(major, minor); }
    static constexpr KindVersion unpack(std::uint32_t v) noexcept {
        return {static_cast<std::uint16_t>(NMK_KIND_VERSION_MAJOR(v)), static_cast<std::uint16_t>(NMK_KIND_VERSION_MINOR(v))};
    }
    friend constexpr bool operator==(KindVersion, KindVersion) = default;
};

// OWNERSHIP: `table` must live until the plugin's stop() has returned. Throws Error
// (NMK_UNSUPPORTED for another major than the declared kind's, NMK_NOT_FOUND when the
// kind is not declared).
template <sized_table Table>
void register_extension(const Host& host, std::string_view kind, KindVersion version, std::string_view name,
                        const Table& table) {
    static_assert(offsetof(Table, struct_size) == 0, "an extension table starts with its struct_size");
    const auto& api = host.api();
    const nmk_status status =
        api.register_extension_versioned(api.host, to_nmk(kind), version.packed(), to_nmk(name), &table);
    if (status != NMK_OK) {
        detail::throw_failed(status,
                             "register_extension '" + std::string(name) + "' of kind '" + std::string(kind) + "'");
    }
}

// nullptr when nothing of that kind and name (empty: the first) is registered, or the
// kind's major is not `version`'s. `provider` gets the version the provider registered
// with ({0, 0} when it gave none); check the table's struct_size before newer members.
template <sized_table Table>
const Table* find_extension(const Host& host, std::string_view kind, KindVersion version, std::string_view name = {},
                            KindVersion* provider = nullptr) {
    const auto& api = host.api();
    std::uint32_t raw = 0;
    const void* table = api.find_extension_versioned(api.host, to_nmk(kind), version.packed(), to_nmk(name), &raw);
    if (table != nullptr && provider != nullptr) {
        *provider = KindVersion::unpack(raw);
    }
    return static_cast<const Table*>(table);
}

// `callback()` runs once every plugin has started, before clients are accepted, on the
// thread that started the plugins (registered later: soon, on an I/O thread). A callback
// that never runs (start-up failed) is not freed.
template <class Fn>
    requires std::invocable<Fn&>
void on_all_started(const Host& host, Fn&& callback) {
    using box_type = detail::task_box<std::decay_t<Fn>>;
    const auto& api = host.api();
    auto box = std::make_unique<box_type>(&api, std::forward<Fn>(callback));
    detail::check_status(api.on_all_started(api.host, &box_type::call_once, box.get()), "on_all_started");
    box.release();
}

}  // namespace nats_sdk
