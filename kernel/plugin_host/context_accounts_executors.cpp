// PluginContext: the SDK 1.1 calls for accounts, executors and versioned
// extension kinds. Thin: the work is in account_api, account_watches,
// plugin_executors and extension_registry.
#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/account_api.hpp"
#include "kernel/plugin_host/plugin_context.hpp"
#include "kernel/plugin_host/plugin_executors.hpp"
#include "kernel/plugin_host/plugin_host.hpp"

namespace nats::plugins {

nmk_status PluginContext::account_list(nmk_account_callback callback, void* user) {
    return list_accounts(host_.server(), callback, user);
}

nmk_status PluginContext::account_watch(nmk_account_callback callback, void* user, std::uint64_t* watch_id) {
    if (!callback) return NMK_INVALID_ARGUMENT;
    if (!accepting()) return NMK_ERROR;
    const auto id = host_.next_id();
    const nmk_status status = host_.account_watches().watch(id, name_, gate_, callback, user);
    if (status == NMK_OK && watch_id) *watch_id = id;
    return status;
}

nmk_status PluginContext::account_unwatch(std::uint64_t watch_id) {
    return host_.account_watches().unwatch(name_, watch_id);
}

nmk_status PluginContext::account_config(std::string_view account, const nmk_http_response_writer* out) {
    if (!out || !out->append_body) return NMK_INVALID_ARGUMENT;
    return write_account_config(host_.server(), account, *out);
}

nmk_status PluginContext::account_upsert(std::string_view account, std::string_view config_json,
                                         nmk_error_buffer error) {
    if (!accepting()) return NMK_ERROR;
    return upsert_account(host_.server(), name_, account, config_json, error);
}

std::uint64_t PluginContext::executor_create(nmk_executor_kind kind, std::uint32_t threads) {
    if (!accepting()) return 0;
    return executors_->create(kind, threads);
}

nmk_status PluginContext::executor_post(std::uint64_t executor_id, nmk_task_callback callback, void* user) {
    return executors_->post(executor_id, callback, user);
}

nmk_status PluginContext::executor_destroy(std::uint64_t executor_id) { return executors_->destroy(executor_id); }

nmk_status PluginContext::register_extension_versioned(std::string_view kind, std::uint32_t kind_version,
                                                       std::string_view name, const void* vtable) {
    if (!accepting()) return NMK_ERROR;
    auto& registry = host_.extensions();
    switch (registry.add(kind, name, vtable, name_, kind_version, true)) {
        case ExtensionRegistry::Result::ok: return NMK_OK;
        case ExtensionRegistry::Result::unknown_kind:
            NMK_ERROR("{}: extension kind \"{}\" is not declared (is its plugin in `requires`?)", name_, kind);
            return NMK_NOT_FOUND;
        case ExtensionRegistry::Result::wrong_version: {
            std::uint32_t declared = 0;
            registry.kind_version(kind, declared);
            NMK_ERROR("{}: extension \"{}\" implements kind \"{}\" version {}.{}, but \"{}\" declared version {}.{}",
                      name_, name, kind, NMK_KIND_VERSION_MAJOR(kind_version), NMK_KIND_VERSION_MINOR(kind_version),
                      registry.kind_owner(kind), NMK_KIND_VERSION_MAJOR(declared), NMK_KIND_VERSION_MINOR(declared));
            return NMK_UNSUPPORTED;
        }
        case ExtensionRegistry::Result::duplicate:
            NMK_ERROR("{}: extension \"{}\" of kind \"{}\" is already registered", name_, name, kind);
            return NMK_ERROR;
        default: return NMK_INVALID_ARGUMENT;
    }
}

const void* PluginContext::find_extension_versioned(std::string_view kind, std::uint32_t kind_version,
                                                    std::string_view name, std::uint32_t* provider_version) {
    return host_.extensions().find_versioned(kind, name, kind_version, provider_version);
}

nmk_status PluginContext::on_all_started(nmk_task_callback callback, void* user) {
    if (!callback) return NMK_INVALID_ARGUMENT;
    if (!accepting()) return NMK_ERROR;
    return host_.on_all_started(*this, callback, user);
}

}  // namespace nats::plugins
