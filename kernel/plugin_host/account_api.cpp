#include "kernel/plugin_host/account_api.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "kernel/config/value_json.hpp"
#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"

namespace nats::plugins {

namespace {

bool is_users_key(std::string_view key) {
    constexpr std::string_view users = "users";
    return key.size() == users.size() && std::equal(key.begin(), key.end(), users.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

void fill(nmk_error_buffer error, std::string_view text) {
    if (!error.data || error.capacity == 0) return;
    const std::size_t n = std::min(text.size(), error.capacity - 1);
    std::memcpy(error.data, text.data(), n);
    error.data[n] = '\0';
}

// Errors about the run-time block carry the marker file name and no line.
std::string readable(std::string text, const std::string& marker) {
    const std::string placed = marker + ":0:0: ";
    for (auto at = text.find(placed); at != std::string::npos; at = text.find(placed, at))
        text.replace(at, placed.size(), marker + ": ");
    return text;
}

}  // namespace

nmk_status list_accounts(server::Server& server, nmk_account_callback callback, void* user) {
    if (!callback) return NMK_INVALID_ARGUMENT;
    for (const auto& account : server.accounts()) callback(user, to_nmk(account->name), NMK_ACCOUNT_ADDED);
    return NMK_OK;
}

nmk_status write_account_config(server::Server& server, std::string_view account, const nmk_http_response_writer& out) {
    const auto block = server.account_block(account);
    if (!block) return NMK_NOT_FOUND;
    auto json = config::to_json(*block);
    for (auto it = json.begin(); it != json.end();) {
        if (is_users_key(it.key())) it = json.erase(it);
        else ++it;
    }
    const std::string text = json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    if (out.set_status) out.set_status(out.ctx, 200);
    if (out.set_content_type) out.set_content_type(out.ctx, to_nmk("application/json"));
    out.append_body(out.ctx, to_nmk(text));
    return NMK_OK;
}

nmk_status upsert_account(server::Server& server, std::string_view plugin, std::string_view account,
                          std::string_view config_json, nmk_error_buffer error) {
    auto refuse = [&](const std::string& why) {
        fill(error, why);
        NMK_ERROR("{}: account \"{}\" refused: {}", plugin, account, why);
        return NMK_INVALID_ARGUMENT;
    };
    if (account.empty()) return refuse("the account has no name");
    if (server::IoThread::current()) {
        fill(error, "account_upsert may not run on an I/O thread");
        return NMK_UNSUPPORTED;
    }
    const auto json = nlohmann::json::parse(config_json.begin(), config_json.end(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return refuse("the account's config is not a JSON object");
    for (const auto& [key, value] : json.items())
        if (is_users_key(key))
            return refuse("`users` are not taken at run time: an authenticator names the account in its answer");
    const std::string marker = "account \"" + std::string(account) + "\"";
    const std::string why = server.upsert_account(std::string(account), config::from_json(json, {marker, 0, 0}));
    if (!why.empty()) return refuse(readable(why, marker));
    return NMK_OK;
}

}  // namespace nats::plugins
