#pragma once
// Accounts (SDK 1.1): list them, watch them come, change and go, read an account's
// config block (its per-account `jetstream` setting included) and create or update an
// account at run time (JWT accounts arrive after start-up).
//
//   nats_sdk::Accounts accounts(host());
//   for (const auto& name : accounts.list()) { ... }
//   watch_ = accounts.watch([this](std::string_view account, nats_sdk::AccountEvent e) { ... });
//   nlohmann::json block = accounts.config("SALES");          // {"jetstream": {...}, "limits": {...}}
//   accounts.upsert("TEAM", {{"limits", {{"max_connections", 10}}}});   // not on an I/O thread

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/detail/registration.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk {

enum class AccountEvent {
    added = NMK_ACCOUNT_ADDED,
    updated = NMK_ACCOUNT_UPDATED,
    removed = NMK_ACCOUNT_REMOVED,
};

namespace detail {

template <class Fn>
struct account_box final : box_base {
    account_box(const nmk_host_api* host_api, Fn callable) : box_base(host_api), fn(std::move(callable)) {}
    static void call(void* user, nmk_str account, nmk_account_event event) noexcept {
        auto* self = static_cast<account_box*>(user);
        call_in_frame(self, "account callback", [&] { self->fn(to_view(account), static_cast<AccountEvent>(event)); });
    }
    Fn fn;
};

}  // namespace detail

// A watch as an RAII handle: destroying or resetting it ends the watch (also from
// inside its own callback); once that returns, no callback of it runs.
class AccountWatch : public detail::registration<&nmk_host_api::account_unwatch> {
public:
    using registration::registration;
    void reset() noexcept { release(); }
};

class Accounts {
public:
    explicit Accounts(const Host& host) noexcept : api_(&host.api()) {}

    // Every account the server has, sorted by name.
    std::vector<std::string> list() const {
        std::vector<std::string> names;
        detail::check_status(api_->account_list(api_->host, &Accounts::collect, &names), "account_list");
        return names;
    }

    // `callback(std::string_view account, AccountEvent)` on an I/O thread, one call at a time,
    // in order: first `added` for each existing account, then the changes. From start() on.
    template <class Fn>
        requires std::invocable<Fn&, std::string_view, AccountEvent>
    [[nodiscard]] AccountWatch watch(Fn&& callback) const {
        using box_type = detail::account_box<std::decay_t<Fn>>;
        auto box = std::make_unique<box_type>(api_, std::forward<Fn>(callback));
        std::uint64_t id = 0;
        detail::check_status(api_->account_watch(api_->host, &box_type::call, box.get(), &id), "account_watch");
        return AccountWatch(api_, id, box.release());
    }

    // The account's config block (no `users`); {} when it has none. Throws Error
    // (NMK_NOT_FOUND) for an account the server does not have.
    nlohmann::json config(std::string_view account) const {
        detail::string_writer out;
        const nmk_http_response_writer writer = out.writer();
        detail::check_status(api_->account_config(api_->host, to_nmk(account), &writer), "account_config", account);
        return nlohmann::json::parse(out.body);
    }

    // Creates the account or replaces its block; checked like the config file. Throws
    // Error with the kernel's reasons when refused. Not from an I/O thread.
    void upsert(std::string_view account, const nlohmann::json& block) const {
        const std::string text = block.dump();
        char reasons[2048] = {};
        const nmk_status status =
            api_->account_upsert(api_->host, to_nmk(account), to_nmk(text), nmk_error_buffer{reasons, sizeof reasons});
        if (status != NMK_OK) {
            // Quoted even when empty, as the kernel's reasons name the account.
            detail::throw_failed(status, "account_upsert '" + std::string(account) + "'", {}, reasons);
        }
    }

private:
    static void collect(void* user, nmk_str account, nmk_account_event) noexcept {
        try {
            static_cast<std::vector<std::string>*>(user)->emplace_back(to_view(account));
        } catch (...) {
        }
    }

    const nmk_host_api* api_;
};

}  // namespace nats_sdk
