// nats auth account: add, info, ls, edit (limits and JetStream limits), signing
// keys, revoke (a user's revocation entry in the account JWT) and push (the
// account JWT to the servers' resolver on $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE,
// as natscli does; the connection must be a system account user).
#include <memory>

#include "auth_claims.hpp"
#include "auth_common.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "libs/jwt/mint.hpp"
#include "subscriptions.hpp"
#include "tables.hpp"
#include "waiter.hpp"

namespace nats::cli::auth_verbs {
namespace {

using nlohmann::json;

struct account_options {
    std::shared_ptr<auth_flags> flags;
    std::string account;
    std::string user;  // revoke: a user name or public key
    std::string key;   // --key: the operator signing key to sign with
    account_limit_flags limits;
    bool json = false;
    bool names = false;
    bool show = false;
    bool defaults = false;
};

void add_limit_flags(command& cmd, account_limit_flags& l) {
    optional_bool(cmd, "bearer", "Allows bearer tokens", &l.bearer);
    optional_flag(cmd, "connections", "Maximum allowed connections (-1: unlimited)", &l.connections)
        .with_placeholder("N");
    optional_flag(cmd, "max-conns", "Maximum allowed connections (nsc's name)", &l.connections).make_hidden();
    optional_flag(cmd, "subscriptions", "Maximum allowed subscriptions", &l.subscriptions).with_placeholder("N");
    optional_flag(cmd, "max-subs", "Maximum allowed subscriptions (nsc's name)", &l.subscriptions).make_hidden();
    optional_flag(cmd, "payload", "Maximum allowed payload", &l.payload).with_placeholder("BYTES");
    optional_flag(cmd, "max-payload", "Maximum allowed payload", &l.payload).make_hidden();
    optional_flag(cmd, "data", "Maximum message data", &l.data).with_placeholder("BYTES").make_hidden();
    optional_flag(cmd, "leafnodes", "Maximum allowed Leafnode connections", &l.leafnodes).with_placeholder("N");
    optional_flag(cmd, "imports", "Maximum allowed imports", &l.imports).with_placeholder("N");
    optional_flag(cmd, "exports", "Maximum allowed exports", &l.exports).with_placeholder("N");
    optional_bool(cmd, "jetstream", "Enables JetStream", &l.jetstream);
    optional_flag(cmd, "js-memory", "Sets a Memory Storage quota", &l.js_memory).with_placeholder("BYTES");
    optional_flag(cmd, "js-disk", "Sets a Disk Storage quota", &l.js_disk).with_placeholder("BYTES");
    optional_flag(cmd, "js-streams", "Sets the maximum Streams the account can have", &l.js_streams)
        .with_placeholder("N");
    optional_flag(cmd, "js-consumers", "Sets the maximum Consumers the account can have", &l.js_consumers)
        .with_placeholder("N");
    optional_flag(cmd, "js-max-pending", "Default Max Ack Pending", &l.js_max_pending).with_placeholder("MESSAGES");
    optional_flag(cmd, "js-memory-stream", "Sets the maximum size a Memory Storage stream may be",
                  &l.js_memory_stream)
        .with_placeholder("BYTES");
    optional_flag(cmd, "js-disk-stream", "Sets the maximum size a Disk Storage stream may be", &l.js_disk_stream)
        .with_placeholder("BYTES");
    optional_bool(cmd, "js-stream-size-required", "Requires Streams to have a maximum size declared",
                  &l.js_stream_size_required);
}

std::string show_account(const auth_session& s, const std::string& name, bool as_json) {
    const jwt::Token token = s.account_token(name);
    if (as_json) return token.claims.dump(2) + "\n";
    const json& nats = token.nats();
    const json limits = nats.value("limits", json::object());
    auto count_of = [&](const char* key, const char* type) {
        std::size_t n = 0;
        for (const auto& e : nats.value(key, json::array())) n += e.value("type", "") == type ? 1 : 0;
        return std::to_string(n);
    };
    const bool js = limits.value("mem_storage", 0) != 0 || limits.value("disk_storage", 0) != 0;
    const std::string sys_key = s.operator_token().nats().value("system_account", "");
    columns c("Account " + name + " (" + token.subject + ")");
    c.section("Configuration");
    c.row("Name", name);
    c.row("Issuer", token.issuer);
    c.row("Operator", s.operator_name());
    c.row("System Account", yes_no(sys_key == token.subject));
    c.row("JetStream", yes_no(js));
    c.row("Users", std::to_string(s.store().users(s.operator_name(), name).size()));
    c.row("Revocations", std::to_string(nats.value("revocations", json::object()).size()));
    c.row("Service Exports", count_of("exports", "service"));
    c.row("Stream Exports", count_of("exports", "stream"));
    c.row("Service Imports", count_of("imports", "service"));
    c.row("Stream Imports", count_of("imports", "stream"));
    if (token.expires != 0) c.row("Expires", unix_time_text(token.expires));
    auto keys = signing_keys(token.claims);
    for (std::size_t i = 0; i < keys.size(); ++i) c.row(i == 0 ? "Signing Keys" : "", keys[i]);
    c.section("Limits");
    c.row("Bearer Tokens Allowed", yes_no(!nats.value("disallow_bearer", false)));
    c.row("Subscriptions", limit_text(limits.value("subs", json(-1))));
    c.row("Connections", limit_text(limits.value("conn", json(-1))));
    c.row("Maximum Payload", limit_text(limits.value("payload", json(-1)), true));
    c.row("Leafnodes", limit_text(limits.value("leaf", json(-1))));
    c.row("Imports", limit_text(limits.value("imports", json(-1))));
    c.row("Exports", limit_text(limits.value("exports", json(-1))));
    if (js) {
        c.section("JetStream Limits");
        c.row("Memory Storage", limit_text(limits.value("mem_storage", json(0)), true));
        c.row("Disk Storage", limit_text(limits.value("disk_storage", json(0)), true));
        c.row("Streams", limit_text(limits.value("streams", json(-1))));
        c.row("Consumers", limit_text(limits.value("consumer", json(-1))));
        c.row("Max Ack Pending", limit_text(limits.value("max_ack_pending", json(-1))));
        c.row("Stream Size Required", yes_no(limits.value("max_bytes_required", false)));
    }
    const json revocations = nats.value("revocations", json::object());
    if (!revocations.empty()) {
        c.section("Revocations");
        for (const auto& [key, at] : revocations.items()) {
            c.row(key, "issued before " + unix_time_text(at.is_number() ? at.get<std::int64_t>() : 0));
        }
    }
    return c.render();
}

int add_account(const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    if (!valid_entity_name(o.account)) throw cli_error("invalid account name " + go_quote(o.account));
    if (s.store().has_account(s.operator_name(), o.account)) throw cli_error("account " + o.account + " already exist");
    json claims;  // built (and the limits checked) before anything is written
    const auto key = nkeys::KeyPair::generate(nkeys::KeyType::account);
    claims = jwt::account_claims(o.account, key.public_key());
    apply_account_limits(claims, o.limits);
    const nkeys::KeyPair signer = s.operator_signer(o.key);
    s.store().store_key(key);
    s.store().write_account_jwt(s.operator_name(), o.account, jwt::encode(claims, signer));
    out(show_account(s, o.account, false));
    return 0;
}

int edit_account(const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    json claims = s.account_token(o.account).claims;
    apply_account_limits(claims, o.limits);
    s.save_account(o.account, claims);
    out(show_account(s, o.account, false));
    return 0;
}

int list_accounts(const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const auto names = s.store().accounts(s.operator_name());
    if (names.empty()) {
        out("No Accounts found\n");
        return 0;
    }
    if (o.names) {
        for (const auto& n : names) out(n + "\n");
        return 0;
    }
    const std::string sys_key = s.operator_token().nats().value("system_account", "");
    table t("Accounts");
    t.headers({"Name", "Subject", "System", "JetStream", "Users"});
    for (const auto& n : names) {
        const auto token = s.account_token(n);
        const json limits = token.nats().value("limits", json::object());
        const bool js = limits.value("mem_storage", 0) != 0 || limits.value("disk_storage", 0) != 0;
        t.row({n, token.subject, yes_no(token.subject == sys_key), yes_no(js),
               std::to_string(s.store().users(s.operator_name(), n).size())});
    }
    out(t.render() + "\n");
    return 0;
}

int add_account_key(const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    json claims = s.account_token(o.account).claims;
    const auto key = nkeys::KeyPair::generate(nkeys::KeyType::account);
    s.store().store_key(key);
    add_signing_key(claims, key.public_key());
    s.save_account(o.account, claims);
    out(key.public_key() + "\n");
    return 0;
}

int list_account_keys(const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    for (const auto& k : signing_keys(s.account_token(o.account).claims)) out(k + "\n");
    return 0;
}

int revoke(const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    json claims = s.account_token(o.account).claims;
    std::string key = o.user;
    if (!nkeys::is_valid_public_key(o.user, nkeys::KeyType::user)) key = s.user_token(o.account, o.user).subject;
    revoke_user(claims, key, jwt::now_unix());
    s.save_account(o.account, claims);
    out("Revoked user " + o.user + " (" + key + ") in account " + o.account +
        "; servers refuse it once they have the new account JWT (nats auth account push)\n");
    return 0;
}

// One server's answer to a claims update (nats-server's ServerAPIClaimUpdateResponse).
struct push_state {
    waiter* wake = nullptr;
    std::vector<std::string> replies;
};

void on_push_reply(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* st = static_cast<push_state*>(closure);
    const std::string body(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    natsMsg_Destroy(msg);
    std::lock_guard lock(st->wake->mutex());
    st->replies.push_back(body);
    st->wake->notify_locked();
}

int push_account(const app_state& state, const account_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const jwt::Token token = s.account_token(o.account);
    const std::string account_jwt = s.store().account_jwt(s.operator_name(), o.account);
    if (o.show) out("Account JWT for " + o.account + "\n\n" + account_jwt + "\n\n");
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false, .report_events = false});
    out("Updating Account " + o.account + " (" + token.subject + ") on all servers\n\n");
    waiter wake;
    auto st = std::make_unique<push_state>();
    st->wake = &wake;
    const std::string inbox = new_inbox(settings);
    async_subscriptions subs;
    subs.subscribe(nc.get(), inbox, "", on_push_reply, st.get());
    const std::string subject = "$SYS.REQ.ACCOUNT." + token.subject + ".CLAIMS.UPDATE";
    check(natsConnection_PublishRequest(nc.get(), subject.c_str(), inbox.c_str(), account_jwt.data(),
                                        static_cast<int>(account_jwt.size())));
    check(natsConnection_FlushTimeout(nc.get(), 5000));
    // Every server with a resolver answers; without knowing how many there are,
    // wait the whole timeout for the first answer, then a short while for more.
    wake.wait([&] { return !st->replies.empty(); }, settings.timeout);
    wake.wait([] { return false; }, std::chrono::milliseconds(300));
    subs.close();
    std::vector<std::string> replies;
    {
        std::lock_guard lock(wake.mutex());
        replies = st->replies;
    }
    int updated = 0;
    int failed = 0;
    for (const auto& r : replies) {
        const json j = json::parse(r, nullptr, false);
        const std::string server = j.is_object() ? j.value("server", json::object()).value("name", "") : "";
        if (!j.is_object()) {
            out("X Invalid JSON response received: " + r + "\n");
            ++failed;
        } else if (j.contains("error")) {
            out("X Update failed on " + server + ": " + j["error"].value("description", "") + "\n");
            ++failed;
        } else {
            out("✓ Update completed on " + server + "\n");
            ++updated;
        }
    }
    out("\nSuccess " + std::to_string(updated) + " Failed " + std::to_string(failed) + "\n");
    if (failed > 0) throw cli_error("update failed on " + std::to_string(failed) + " servers");
    if (updated == 0) throw cli_error("no servers were updated");
    return 0;
}

} // namespace

void add_account_verbs(command& auth, app_state& state, std::shared_ptr<auth_flags> flags) {
    auto o = std::make_shared<account_options>();
    o->flags = std::move(flags);
    auto& acct = auth.add_command("account", "Manage NATS Accounts").alias("a").alias("acct").alias("act");

    auto& add = acct.add_command("add", "Adds a new Account").alias("create").alias("new");
    add.string_arg("account", "Unique name for this Account", &o->account, true);
    add.string_flag("key", "The operator signing key to sign the account with", &o->key).with_placeholder("KEY");
    add.bool_flag("defaults", "Accept default values without prompting", &o->defaults);
    add_limit_flags(add, o->limits);
    add.action([o] { return add_account(*o); });

    auto& info = acct.add_command("info", "Show Account information").alias("i").alias("show").alias("view");
    info.string_arg("account", "Account to view", &o->account, true);
    info.bool_flag("json", "Produce JSON output", &o->json).with_short('j');
    info.action([o] {
        out(show_account(auth_session::open(*o->flags), o->account, o->json));
        return 0;
    });

    auto& edit = acct.add_command("edit", "Edit Account settings").alias("update");
    edit.string_arg("account", "Account to edit", &o->account, true);
    add_limit_flags(edit, o->limits);
    edit.action([o] { return edit_account(*o); });

    auto& ls = acct.add_command("ls", "List Accounts").alias("list");
    ls.bool_flag("names", "Show just the Account names", &o->names);
    ls.action([o] { return list_accounts(*o); });

    auto& revoke_cmd = acct.add_command("revoke", "Revokes a user of the Account (nsc revocations add-user)");
    revoke_cmd.string_arg("account", "Account to act on", &o->account, true);
    revoke_cmd.string_arg("user", "User name or public key to revoke", &o->user, true);
    revoke_cmd.action([o] { return revoke(*o); });

    auto& push = acct.add_command("push", "Push the Account to the NATS Resolver");
    push.string_arg("account", "Account to act on", &o->account, true);
    push.bool_flag("show", "Show the Account JWT before pushing", &o->show);
    push.action([&state, o] { return push_account(state, *o); });

    auto& keys = acct.add_command("keys", "Manage Account Signing Keys").alias("sk").alias("s");
    auto& kadd = keys.add_command("add", "Adds a signing key").alias("new");
    kadd.string_arg("account", "Account to act on", &o->account, true);
    kadd.action([o] { return add_account_key(*o); });
    auto& kls = keys.add_command("ls", "List signing keys").alias("list");
    kls.string_arg("account", "Account to act on", &o->account, true);
    kls.action([o] { return list_account_keys(*o); });
}

} // namespace nats::cli::auth_verbs
