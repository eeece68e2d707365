#pragma once
// The FakeHost's SDK 1.1 accounts, executors and versioned extension kinds
// (FakeHost owns one and fills those host API members from it).
//
// Like the rest of the FakeHost nothing runs on its own: executor tasks queue until
// run_executors() (in post order per executor), account watches are called by
// account_event(), the all-started notices by announce_all_started(). Destroying an
// executor runs what it has queued first (drained, as the kernel does).
#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk::testing {

class FakeSdk11 {
public:
    // Owner: the FakeHost, which resolves `host` to its FakeSdk11 (Owner::sdk11_of)
    // and its declared kinds (Owner::declared_kind).
    template <class Owner>
    void install(nmk_host_api& api) {
        api.account_list = [](void* h, nmk_account_callback cb, void* user) noexcept {
            return Owner::sdk11_of(h).account_list(cb, user);
        };
        api.account_watch = [](void* h, nmk_account_callback cb, void* user, std::uint64_t* id) noexcept {
            return Owner::sdk11_of(h).account_watch(cb, user, id);
        };
        api.account_unwatch = [](void* h, std::uint64_t id) noexcept { return Owner::sdk11_of(h).account_unwatch(id); };
        api.account_config = [](void* h, nmk_str account, const nmk_http_response_writer* out) noexcept {
            return Owner::sdk11_of(h).account_config(to_view(account), out);
        };
        api.account_upsert = [](void* h, nmk_str account, nmk_str json, nmk_error_buffer error) noexcept {
            return Owner::sdk11_of(h).account_upsert(to_view(account), to_view(json), error);
        };
        api.executor_create = [](void* h, nmk_executor_kind kind, std::uint32_t threads) noexcept {
            return Owner::sdk11_of(h).executor_create(kind, threads);
        };
        api.executor_post = [](void* h, std::uint64_t id, nmk_task_callback cb, void* user) noexcept {
            return Owner::sdk11_of(h).executor_post(id, cb, user);
        };
        api.executor_destroy = [](void* h, std::uint64_t id) noexcept { return Owner::sdk11_of(h).executor_destroy(id); };
        api.register_extension_versioned = [](void* h, nmk_str kind, std::uint32_t version, nmk_str name,
                                              const void* table) noexcept {
            std::uint32_t declared = 0;
            if (!Owner::declared_kind(h, to_view(kind), declared)) {
                return NMK_NOT_FOUND;
            }
            return Owner::sdk11_of(h).register_versioned(to_view(kind), version, declared, to_view(name), table);
        };
        api.find_extension_versioned = [](void* h, nmk_str kind, std::uint32_t version, nmk_str name,
                                          std::uint32_t* provider) noexcept -> const void* {
            std::uint32_t declared = 0;
            if (!Owner::declared_kind(h, to_view(kind), declared) ||
                NMK_KIND_VERSION_MAJOR(declared) != NMK_KIND_VERSION_MAJOR(version)) {
                return nullptr;
            }
            return Owner::sdk11_of(h).find_versioned(to_view(kind), to_view(name), provider);
        };
        api.on_all_started = [](void* h, nmk_task_callback cb, void* user) noexcept {
            return Owner::sdk11_of(h).on_all_started(cb, user);
        };
    }

    // ------------------------------------------------------------- driving

    // An account the fake server has, with its block (users are never shown).
    void add_account(std::string name, nlohmann::json block = nlohmann::json::object()) {
        const std::lock_guard lock(mutex_);
        accounts_[std::move(name)] = std::move(block);
    }
    // Adds an empty account unless the fake server has it (account_handle() creates
    // accounts on demand, as the kernel does).
    void ensure_account(const std::string& name) {
        const std::lock_guard lock(mutex_);
        accounts_.try_emplace(name, nlohmann::json::object());
    }
    // Calls every watch now, on this thread.
    void account_event(std::string_view account, nmk_account_event event) {
        std::vector<std::pair<nmk_account_callback, void*>> watches;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& [id, w] : watches_) {
                watches.push_back(w);
            }
        }
        for (const auto& [cb, user] : watches) {
            cb(user, to_nmk(account), event);
        }
    }
    // Blocks account_upsert took, in order ("<account> <json>").
    std::vector<std::string> upserts() const {
        const std::lock_guard lock(mutex_);
        return upserts_;
    }
    // Runs queued executor tasks (those they post too), executor by executor in id order.
    std::size_t run_executors(std::size_t limit = 100000) {
        std::size_t ran = 0;
        while (ran < limit) {
            std::pair<nmk_task_callback, void*> task{};
            {
                const std::lock_guard lock(mutex_);
                for (auto& [id, queue] : executors_) {
                    if (!queue.empty()) {
                        task = queue.front();
                        queue.pop_front();
                        break;
                    }
                }
            }
            if (task.first == nullptr) {
                break;
            }
            task.first(task.second);
            ++ran;
        }
        return ran;
    }
    std::size_t live_executors() const {
        const std::lock_guard lock(mutex_);
        return executors_.size();
    }
    void announce_all_started() {
        std::vector<std::pair<nmk_task_callback, void*>> notices;
        {
            const std::lock_guard lock(mutex_);
            notices.swap(notices_);
            all_started_ = true;
        }
        for (const auto& [cb, user] : notices) {
            cb(user);
        }
    }

    // The names registered with register_extension_versioned into `kind`, in order.
    std::vector<std::string> providers(std::string_view kind) const {
        const std::lock_guard lock(mutex_);
        std::vector<std::string> names;
        if (const auto it = versioned_.find(std::string(kind)); it != versioned_.end()) {
            for (const auto& p : it->second) {
                names.push_back(p.name);
            }
        }
        return names;
    }

private:
    nmk_status account_list(nmk_account_callback cb, void* user) {
        if (cb == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        std::vector<std::string> names;
        {
            const std::lock_guard lock(mutex_);
            for (const auto& [name, block] : accounts_) {
                names.push_back(name);
            }
        }
        for (const auto& name : names) {
            cb(user, to_nmk(name), NMK_ACCOUNT_ADDED);
        }
        return NMK_OK;
    }
    nmk_status account_watch(nmk_account_callback cb, void* user, std::uint64_t* id) {
        if (cb == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::lock_guard lock(mutex_);
        watches_[++next_id_] = {cb, user};
        if (id != nullptr) {
            *id = next_id_;
        }
        return NMK_OK;
    }
    nmk_status account_unwatch(std::uint64_t id) {
        const std::lock_guard lock(mutex_);
        return watches_.erase(id) != 0 ? NMK_OK : NMK_NOT_FOUND;
    }
    nmk_status account_config(std::string_view account, const nmk_http_response_writer* out) {
        if (out == nullptr || out->append_body == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        std::string text;
        {
            const std::lock_guard lock(mutex_);
            const auto it = accounts_.find(std::string(account.empty() ? "$G" : account));
            if (it == accounts_.end()) {
                return NMK_NOT_FOUND;
            }
            nlohmann::json block = it->second;
            block.erase("users");
            text = block.dump();
        }
        out->append_body(out->ctx, to_nmk(text));
        return NMK_OK;
    }
    nmk_status account_upsert(std::string_view account, std::string_view json, nmk_error_buffer error) {
        auto refuse = [&](std::string_view why) {
            if (error.data != nullptr && error.capacity > 0) {
                const std::size_t n = std::min(why.size(), error.capacity - 1);
                std::copy_n(why.data(), n, error.data);
                error.data[n] = '\0';
            }
            return NMK_INVALID_ARGUMENT;
        };
        auto block = nlohmann::json::parse(json, nullptr, false);
        if (account.empty()) {
            return refuse("the account has no name");
        }
        if (block.is_discarded() || !block.is_object()) {
            return refuse("the account's config is not a JSON object");
        }
        if (block.contains("users")) {
            return refuse("`users` are not taken at run time");
        }
        const std::lock_guard lock(mutex_);
        upserts_.push_back(std::string(account) + " " + block.dump());
        accounts_[std::string(account)] = std::move(block);
        return NMK_OK;
    }
    std::uint64_t executor_create(nmk_executor_kind kind, std::uint32_t threads) {
        if ((kind != NMK_EXECUTOR_SERIAL && kind != NMK_EXECUTOR_BLOCKING) || threads > 64) {
            return 0;
        }
        const std::lock_guard lock(mutex_);
        executors_[++next_id_];
        return next_id_;
    }
    nmk_status executor_post(std::uint64_t id, nmk_task_callback cb, void* user) {
        if (cb == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        const std::lock_guard lock(mutex_);
        const auto it = executors_.find(id);
        if (it == executors_.end()) {
            return NMK_NOT_FOUND;
        }
        it->second.emplace_back(cb, user);
        return NMK_OK;
    }
    nmk_status executor_destroy(std::uint64_t id) {
        std::deque<std::pair<nmk_task_callback, void*>> queued;
        {
            const std::lock_guard lock(mutex_);
            const auto it = executors_.find(id);
            if (it == executors_.end()) {
                return NMK_NOT_FOUND;
            }
            queued.swap(it->second);
            executors_.erase(it);
        }
        for (const auto& [cb, user] : queued) {
            cb(user);
        }
        return NMK_OK;
    }
    nmk_status register_versioned(std::string_view kind, std::uint32_t version, std::uint32_t declared,
                                  std::string_view name, const void* table) {
        if (table == nullptr || name.empty()) {
            return NMK_INVALID_ARGUMENT;
        }
        if (NMK_KIND_VERSION_MAJOR(version) != NMK_KIND_VERSION_MAJOR(declared)) {
            return NMK_UNSUPPORTED;
        }
        const std::lock_guard lock(mutex_);
        auto& providers = versioned_[std::string(kind)];
        for (const auto& p : providers) {
            if (p.name == name) {
                return NMK_ERROR;
            }
        }
        providers.push_back({std::string(name), version, table});
        return NMK_OK;
    }
    const void* find_versioned(std::string_view kind, std::string_view name, std::uint32_t* provider) {
        const std::lock_guard lock(mutex_);
        const auto it = versioned_.find(std::string(kind));
        if (it == versioned_.end()) {
            return nullptr;
        }
        for (const auto& p : it->second) {
            if (name.empty() || p.name == name) {
                if (provider != nullptr) {
                    *provider = p.version;
                }
                return p.table;
            }
        }
        return nullptr;
    }
    nmk_status on_all_started(nmk_task_callback cb, void* user) {
        if (cb == nullptr) {
            return NMK_INVALID_ARGUMENT;
        }
        {
            const std::lock_guard lock(mutex_);
            if (!all_started_) {
                notices_.emplace_back(cb, user);
                return NMK_OK;
            }
        }
        cb(user);
        return NMK_OK;
    }

    struct Provider {
        std::string name;
        std::uint32_t version;
        const void* table;
    };
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1000000;  // apart from the FakeHost's own ids
    std::map<std::string, nlohmann::json> accounts_{{"$G", nlohmann::json::object()}};
    std::map<std::uint64_t, std::pair<nmk_account_callback, void*>> watches_;
    std::vector<std::string> upserts_;
    std::map<std::uint64_t, std::deque<std::pair<nmk_task_callback, void*>>> executors_;
    std::map<std::string, std::vector<Provider>> versioned_;
    std::vector<std::pair<nmk_task_callback, void*>> notices_;
    bool all_started_ = false;
};

}  // namespace nats_sdk::testing
