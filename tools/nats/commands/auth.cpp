// nats auth: decentralized authentication (operators, accounts, users, their
// keys and creds files) kept in an nsc-compatible store, after natscli's `nats
// auth` verbs; `auth generate config` writes the server's operator-mode config
// as nsc's `generate config` does. This file: the group, the operator verbs and
// config generation; accounts and users are in auth_account.cpp, auth_user.cpp.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <memory>

#include "auth_claims.hpp"
#include "auth_common.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "libs/jwt/mint.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace auth_verbs {

void add_store_flags(command& cmd, auth_flags& flags, bool with_operator) {
    cmd.string_flag("store", "Directory of the nsc store (stores/ and keys/)", &flags.store)
        .with_placeholder("DIR")
        .with_envar("NATS_AUTH_STORE");
    if (with_operator) cmd.string_flag("operator", "Operator to act on", &flags.op).with_placeholder("NAME");
}

flag& optional_flag(command& cmd, std::string name, std::string help, std::optional<std::string>* target) {
    flag f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.set = [target](const std::string& v) { *target = v; };
    return cmd.add_flag(std::move(f));
}

flag& optional_bool(command& cmd, std::string name, std::string help, std::optional<bool>* target) {
    flag f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.boolean = true;
    f.set = [target](const std::string& v) { *target = v == "true"; };
    return cmd.add_flag(std::move(f));
}

std::string unix_time_text(std::int64_t seconds) {
    if (seconds == 0) return "never";
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

} // namespace auth_verbs

namespace {

using nlohmann::json;

struct operator_options {
    std::shared_ptr<auth_flags> shared = std::make_shared<auth_flags>();
    auth_flags& flags = *shared;
    std::string name;
    std::string system_account = "SYSTEM";
    bool signing_key = true;
    bool json = false;
    bool names = false;
    // generate config
    bool mem_resolver = false;
    bool nats_resolver = false;
    std::string sys_account;
    std::string config_file;
    std::string resolver_dir = "./jwt";
    bool force = false;
};

std::string show_operator(const auth_session& s, bool as_json) {
    const jwt::Token token = s.operator_token();
    if (as_json) return token.claims.dump(2) + "\n";
    columns c("Operator " + s.operator_name() + " (" + token.subject + ")");
    c.section("Configuration");
    c.row("Name", s.operator_name());
    c.row("Subject", token.subject);
    c.row_if_not_empty("Account Server", token.nats().value("account_server_url", ""));
    c.row("Accounts", std::to_string(s.store().accounts(s.operator_name()).size()));
    const std::string sys_key = token.nats().value("system_account", "");
    if (sys_key.empty()) c.row("System Account", "not set");
    else c.row("System Account", s.system_account_name() + " (" + sys_key + ")");
    auto keys = signing_keys(token.claims);
    std::sort(keys.begin(), keys.end());
    for (std::size_t i = 0; i < keys.size(); ++i) c.row(i == 0 ? "Signing Keys" : "", keys[i]);
    return c.render();
}

int add_operator(const operator_options& o) {
    const auth_store store = auth_session::store_of(o.flags);
    if (!valid_entity_name(o.name)) throw cli_error("invalid operator name " + go_quote(o.name));
    if (store.has_operator(o.name)) throw cli_error("operator " + o.name + " already exist");
    if (!o.system_account.empty() && !valid_entity_name(o.system_account)) {
        throw cli_error("invalid account name " + go_quote(o.system_account));
    }
    const auto op_key = nkeys::KeyPair::generate(nkeys::KeyType::operator_);
    store.store_key(op_key);
    json claims = jwt::operator_claims(o.name, op_key.public_key());
    std::optional<nkeys::KeyPair> signer;
    if (o.signing_key) {
        signer = nkeys::KeyPair::generate(nkeys::KeyType::operator_);
        store.store_key(*signer);
        add_signing_key(claims, signer->public_key());
    }
    std::string sys_jwt;
    std::string sys_key;
    // natscli always gives a new operator a system account (the servers' own
    // traffic and `account push` need one).
    if (!o.system_account.empty()) {
        const auto acc_key = nkeys::KeyPair::generate(nkeys::KeyType::account);
        store.store_key(acc_key);
        sys_key = acc_key.public_key();
        claims["nats"]["system_account"] = sys_key;
        sys_jwt = jwt::encode(jwt::account_claims(o.system_account, sys_key), signer ? *signer : op_key);
    }
    store.create_operator(o.name, jwt::encode(claims, op_key));
    if (!sys_jwt.empty()) store.write_account_jwt(o.name, o.system_account, sys_jwt);
    auth_flags flags = o.flags;
    flags.op = o.name;
    out(show_operator(auth_session::open(flags), false));
    return 0;
}

int list_operators(const operator_options& o) {
    const auth_store store = auth_session::store_of(o.flags);
    const auto names = store.operators();
    if (names.empty()) {
        out("No Operators found\n");
        return 0;
    }
    if (o.names) {
        for (const auto& n : names) out(n + "\n");
        return 0;
    }
    table t("Operators");
    t.headers({"Name", "Subject", "Accounts", "Account Server", "Signing Keys"});
    for (const auto& n : names) {
        const auto token = jwt::decode(store.operator_jwt(n));
        t.row({n, token.subject, std::to_string(store.accounts(n).size()),
               token.nats().value("account_server_url", ""), std::to_string(signing_keys(token.claims).size())});
    }
    out(t.render() + "\n");
    return 0;
}

auth_session session_for(const operator_options& o) {
    auth_flags flags = o.flags;
    if (!o.name.empty()) flags.op = o.name;
    return auth_session::open(flags);
}

int select_operator(const operator_options& o) {
    const auth_session s = session_for(o);
    s.store().select_operator(s.operator_name());
    out("Selected operator " + go_quote(s.operator_name()) + " as default\n");
    return 0;
}

int add_operator_key(const operator_options& o) {
    const auth_session s = session_for(o);
    const auto key = nkeys::KeyPair::generate(nkeys::KeyType::operator_);
    s.store().store_key(key);
    json claims = s.operator_token().claims;
    add_signing_key(claims, key.public_key());
    s.save_operator(claims);
    out(key.public_key() + "\n");
    return 0;
}

int list_operator_keys(const operator_options& o) {
    const auth_session s = session_for(o);
    for (const auto& k : signing_keys(s.operator_token().claims)) out(k + "\n");
    return 0;
}

int generate_config(const operator_options& o) {
    if (o.mem_resolver == o.nats_resolver) throw cli_error("choose one of --mem-resolver or --nats-resolver");
    const auth_session s = auth_session::open(o.flags);
    const std::string op = s.operator_name();
    const std::string op_jwt = s.store().operator_jwt(op);
    const std::string sys_name = o.sys_account.empty() ? s.system_account_name() : o.sys_account;
    std::string sys_key;
    if (!sys_name.empty()) sys_key = s.account_token(sys_name).subject;
    std::string text;
    if (o.mem_resolver) {
        std::vector<resolver_account> accounts;
        for (const auto& a : s.store().accounts(op)) {
            const std::string token = s.store().account_jwt(op, a);
            accounts.push_back({a, jwt::decode(token).subject, token});
        }
        text = mem_resolver_config(op, op_jwt, sys_key, std::move(accounts));
    } else {
        if (sys_name.empty()) throw cli_error("system account is not set");
        const resolver_account sys{sys_name, sys_key, s.store().account_jwt(op, sys_name)};
        text = full_resolver_config(op, op_jwt, sys, o.resolver_dir);
    }
    if (o.config_file.empty() || o.config_file == "--") {
        out(text);
        return 0;
    }
    if (std::filesystem::exists(o.config_file) && !o.force) {
        throw cli_error(o.config_file + " already exists, use --force to overwrite it");
    }
    write_private_file(o.config_file, text);
    out("Success!! - generated " + go_quote(o.config_file) + "\n");
    return 0;
}

} // namespace

void add_auth_command(command& app, app_state& state) {
    auto o = std::make_shared<operator_options>();
    auto& auth = app.add_command("auth", "NATS Decentralized Authentication");
    auth_verbs::add_store_flags(auth, o->flags, true);

    auto& op = auth.add_command("operator", "Manage NATS Operators").alias("o").alias("op");
    auto& add = op.add_command("add", "Adds a new Operator");
    add.string_arg("name", "Unique name for this Operator", &o->name, true);
    add.bool_flag("signing-key", "Creates a signing key for this Operator", &o->signing_key);
    add.string_flag("system-account", "Name of the system account created with the Operator (empty: none)",
                    &o->system_account)
        .with_placeholder("NAME");
    add.action([o] { return add_operator(*o); });

    auto& info = op.add_command("info", "Show Operator information").alias("i").alias("show").alias("view");
    info.string_arg("name", "Operator to view", &o->name, false);
    info.bool_flag("json", "Produce JSON output", &o->json).with_short('j');
    info.action([o] {
        out(show_operator(session_for(*o), o->json));
        return 0;
    });

    auto& ls = op.add_command("list", "List Operators").alias("ls");
    ls.bool_flag("names", "Show just the Operator names", &o->names);
    ls.action([o] { return list_operators(*o); });

    auto& sel = op.add_command("select", "Selects the default operator");
    sel.string_arg("name", "Operator to select", &o->name, true);
    sel.action([o] { return select_operator(*o); });

    auto& keys = op.add_command("keys", "Manage Operator Signing Keys").alias("sk").alias("s");
    auto& kadd = keys.add_command("add", "Adds a new Signing Key").alias("new").alias("create");
    kadd.string_arg("name", "Operator to act on", &o->name, false);
    kadd.action([o] { return add_operator_key(*o); });
    auto& kls = keys.add_command("list", "List Signing Keys").alias("ls");
    kls.string_arg("name", "Operator to act on", &o->name, false);
    kls.action([o] { return list_operator_keys(*o); });

    auth_verbs::add_account_verbs(auth, state, o->shared);
    auth_verbs::add_user_verbs(auth, state, o->shared);

    auto& gen = auth.add_command("generate", "Generates server configuration (nsc generate)");
    auto& config = gen.add_command("config", "Writes an operator-mode nats-server configuration");
    config.bool_flag("mem-resolver", "A MEMORY resolver with every account JWT preloaded", &o->mem_resolver);
    config.bool_flag("nats-resolver", "A full resolver (accounts pushed with 'nats auth account push')",
                     &o->nats_resolver);
    config.string_flag("config-file", "Output file ('--': standard output)", &o->config_file).with_placeholder("FILE");
    config.string_flag("resolver-dir", "The full resolver's JWT directory", &o->resolver_dir).with_placeholder("DIR");
    config.string_flag("sys-account", "System account name (default: the operator's)", &o->sys_account)
        .with_placeholder("NAME");
    config.bool_flag("force", "Overwrite the output file", &o->force).with_short('F');
    config.action([o] { return generate_config(*o); });
}

} // namespace nats::cli
