// nats auth user: add, info, ls, edit, rm (--revoke) and credential (a .creds
// file: the user JWT and its seed, as nsc writes them). Users are signed by
// their account's key, or with --key by one of its signing keys (then the JWT
// names the account in issuer_account, as nats-io/jwt requires).
#include <algorithm>
#include <filesystem>
#include <memory>

#include "auth_claims.hpp"
#include "auth_common.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "libs/jwt/creds.hpp"
#include "libs/jwt/mint.hpp"
#include "tables.hpp"

namespace nats::cli::auth_verbs {
namespace {

using nlohmann::json;

struct user_options {
    std::shared_ptr<auth_flags> flags;
    std::string user;
    std::string account;
    std::string key;        // --key: an account signing key
    std::string cred_file;  // --credential, or credential's file argument
    std::vector<std::string> deny;  // --deny: both publish and subscribe
    std::optional<std::string> expiry;
    user_flags settings;
    bool json = false;
    bool names = false;
    bool force = false;
    bool revoke = false;
    bool defaults = false;
};

// --expiry: a duration from now ("1h", "30d"), or 0 / "never" for none.
std::optional<std::int64_t> expiry_of(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    if (*text == "0" || *text == "never") return 0;
    const auto d = parse_duration(*text);
    if (!d || d->count() <= 0) {
        throw cli_error("invalid value for --expiry: " + go_quote(*text) + " (a duration such as 1h or 30d)");
    }
    return jwt::now_unix() + std::chrono::duration_cast<std::chrono::seconds>(*d).count();
}

user_flags settings_of(const user_options& o) {
    user_flags f = o.settings;
    f.pub_deny.insert(f.pub_deny.end(), o.deny.begin(), o.deny.end());
    f.sub_deny.insert(f.sub_deny.end(), o.deny.begin(), o.deny.end());
    f.expires = expiry_of(o.expiry);
    return f;
}

void add_user_flags(command& cmd, user_options& o) {
    optional_bool(cmd, "bearer", "Enables the use of bearer tokens", &o.settings.bearer);
    optional_flag(cmd, "data", "Maximum message data size to allow", &o.settings.data).with_placeholder("BYTES");
    optional_flag(cmd, "payload", "Maximum payload size to allow", &o.settings.payload).with_placeholder("BYTES");
    optional_flag(cmd, "subscriptions", "Maximum subscription count to allow", &o.settings.subscriptions)
        .with_placeholder("N");
    cmd.strings_flag("pub-allow", "Allow publishing to a subject", &o.settings.pub_allow).with_placeholder("SUBJECT");
    cmd.strings_flag("pub-deny", "Deny publishing to a subject", &o.settings.pub_deny).with_placeholder("SUBJECT");
    cmd.strings_flag("sub-allow", "Allow subscribing to a subject", &o.settings.sub_allow).with_placeholder("SUBJECT");
    cmd.strings_flag("sub-deny", "Deny subscribing to a subject", &o.settings.sub_deny).with_placeholder("SUBJECT");
    cmd.strings_flag("deny", "Deny publishing and subscribing to a subject", &o.deny).with_placeholder("SUBJECT");
    optional_flag(cmd, "expiry", "How long the user JWT is valid for (0: no expiry)", &o.expiry)
        .with_placeholder("DURATION");
}

void permission_rows(columns& c, const json& nats, const char* section, const char* title) {
    const json perms = nats.value(section, json::object());
    bool any = false;
    for (const char* kind : {"allow", "deny"}) {
        const json list = perms.value(kind, json::array());
        for (std::size_t i = 0; i < list.size(); ++i) {
            c.row(i == 0 ? std::string(title) + " " + (kind[0] == 'a' ? "Allow" : "Deny") : "",
                  list[i].get<std::string>());
            any = true;
        }
    }
    if (!any) c.row(title, "No permissions defined");
}

std::string show_user(const auth_session& s, const std::string& account, const std::string& user, bool as_json) {
    const jwt::Token token = s.user_token(account, user);
    if (as_json) return token.claims.dump(2) + "\n";
    const json& nats = token.nats();
    const jwt::Token acct = s.account_token(account);
    const json revocations = acct.nats().value("revocations", json::object());
    bool revoked = false;
    for (const char* key : {token.subject.c_str(), "*"}) {
        if (revocations.contains(key) && revocations[key].is_number() &&
            revocations[key].get<std::int64_t>() >= token.issued_at) {
            revoked = true;
        }
    }
    columns c("User " + user + " (" + token.subject + ")");
    c.section("Configuration");
    c.row("Account", account + " (" + acct.subject + ")");
    c.row("Issuer", token.issuer);
    c.row("Scoped", yes_no(false));
    c.row("Bearer Token", yes_no(nats.value("bearer_token", false)));
    c.row("Expires", unix_time_text(token.expires));
    c.row("Revoked", yes_no(revoked));
    c.section("Limits");
    c.row("Max Payload", limit_text(nats.value("payload", json(-1)), true));
    c.row("Max Data", limit_text(nats.value("data", json(-1)), true));
    c.row("Max Subscriptions", limit_text(nats.value("subs", json(-1))));
    c.section("Permissions");
    permission_rows(c, nats, "pub", "Publish");
    permission_rows(c, nats, "sub", "Subscribe");
    return c.render();
}

// The account named on the line, or the only one besides the system account.
std::string account_for(const auth_session& s, const std::string& given) {
    if (!given.empty()) {
        s.require_account(given);
        return given;
    }
    const std::string sys = s.system_account_name();
    std::vector<std::string> candidates;
    for (const auto& a : s.store().accounts(s.operator_name())) {
        if (a != sys) candidates.push_back(a);
    }
    if (candidates.size() != 1) {
        throw cli_error("cannot pick an Account without a terminal and no Account name supplied");
    }
    return candidates.front();
}

void write_creds(const std::string& file, const std::string& jwt, const nkeys::KeyPair& key, bool force) {
    if (std::filesystem::exists(file) && !force) throw cli_error(file + " already exists, use --force to overwrite it");
    std::string seed = key.seed();
    write_private_file(file, jwt::format_creds(jwt, seed));
    std::fill(seed.begin(), seed.end(), '\0');
}

int add_user(const user_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const std::string account = account_for(s, o.account);
    if (!valid_entity_name(o.user)) throw cli_error("invalid user name " + go_quote(o.user));
    if (s.store().has_user(s.operator_name(), account, o.user)) {
        throw cli_error("user " + o.user + " already exist in account " + account);
    }
    const auto key = nkeys::KeyPair::generate(nkeys::KeyType::user);
    json claims = jwt::user_claims(o.user, key.public_key());
    apply_user_flags(claims, settings_of(o));
    const nkeys::KeyPair signer = s.account_signer(account, o.key);
    const std::string account_key = s.account_token(account).subject;
    if (signer.public_key() != account_key) claims["nats"]["issuer_account"] = account_key;
    const std::string token = jwt::encode(claims, signer);
    s.store().store_key(key);
    s.store().write_user_jwt(s.operator_name(), account, o.user, token);
    // nsc keeps a creds file for every user it makes.
    write_creds(s.store().creds_path(s.operator_name(), account, o.user).string(), token, key, true);
    if (!o.cred_file.empty()) write_creds(o.cred_file, token, key, o.force);
    out(show_user(s, account, o.user, false));
    return 0;
}

int edit_user(const user_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const std::string account = account_for(s, o.account);
    const jwt::Token old = s.user_token(account, o.user);
    json claims = old.claims;
    apply_user_flags(claims, settings_of(o));
    auto signer = s.store().key(old.issuer);
    if (!signer) throw cli_error("the store has no seed for " + old.issuer);
    const std::string token = jwt::encode(claims, *signer);
    s.store().write_user_jwt(s.operator_name(), account, o.user, token);
    if (auto key = s.store().key(old.subject)) {
        write_creds(s.store().creds_path(s.operator_name(), account, o.user).string(), token, *key, true);
        if (!o.cred_file.empty()) write_creds(o.cred_file, token, *key, o.force);
    }
    out(show_user(s, account, o.user, false));
    return 0;
}

int list_users(const user_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const std::string account = account_for(s, o.account);
    const auto names = s.store().users(s.operator_name(), account);
    if (names.empty()) {
        out("No users found\n");
        return 0;
    }
    if (o.names) {
        for (const auto& n : names) out(n + "\n");
        return 0;
    }
    table t("Users in account " + account);
    t.headers({"Name", "Subject", "Bearer", "Expires"});
    for (const auto& n : names) {
        const auto token = s.user_token(account, n);
        t.row({n, token.subject, yes_no(token.nats().value("bearer_token", false)), unix_time_text(token.expires)});
    }
    out(t.render() + "\n");
    return 0;
}

int remove_user(const user_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const std::string account = account_for(s, o.account);
    const jwt::Token token = s.user_token(account, o.user);
    if (o.revoke) {
        json claims = s.account_token(account).claims;
        revoke_user(claims, token.subject, jwt::now_unix());
        s.save_account(account, claims);
    }
    s.store().remove_user(s.operator_name(), account, o.user);
    out("Removed user " + o.user + (o.revoke ? " and revoked it" : "") + "\n");
    return 0;
}

int write_credential(const user_options& o) {
    const auth_session s = auth_session::open(*o.flags);
    const std::string account = account_for(s, o.account);
    const jwt::Token token = s.user_token(account, o.user);
    auto key = s.store().key(token.subject);
    if (!key) throw cli_error("the store has no seed for user " + o.user + " (" + token.subject + ")");
    std::string user_jwt = s.store().user_jwt(s.operator_name(), account, o.user);
    if (const auto expires = expiry_of(o.expiry); expires && *expires != 0) {
        // A shorter-lived copy for this file only; the stored user is unchanged.
        json claims = token.claims;
        claims["exp"] = *expires;
        auto signer = s.store().key(token.issuer);
        if (!signer) throw cli_error("the store has no seed for " + token.issuer);
        user_jwt = jwt::encode(claims, *signer);
    }
    write_creds(o.cred_file, user_jwt, *key, o.force);
    out("Wrote credential for " + o.user + " to " + o.cred_file + "\n");
    return 0;
}

} // namespace

void add_user_verbs(command& auth, app_state&, std::shared_ptr<auth_flags> flags) {
    auto o = std::make_shared<user_options>();
    o->flags = std::move(flags);
    auto& user = auth.add_command("user", "Manage Account Users").alias("u").alias("usr").alias("users");

    auto& add = user.add_command("add", "Adds a new User").alias("create").alias("new");
    add.string_arg("name", "Unique name for this User", &o->user, true);
    add.string_arg("account", "Account to add the user to", &o->account, false);
    add.string_flag("key", "The account signing key to sign the user with", &o->key).with_placeholder("KEY");
    add.string_flag("credential", "Writes credentials to a file", &o->cred_file).with_placeholder("FILE");
    add.bool_flag("force", "Overwrite existing files", &o->force).with_short('f');
    add.bool_flag("defaults", "Accept default values without prompting", &o->defaults);
    add_user_flags(add, *o);
    add.action([o] { return add_user(*o); });

    auto& info = user.add_command("info", "Show User information").alias("i").alias("show").alias("view");
    info.string_arg("name", "User to view", &o->user, true);
    info.string_arg("account", "Account to query", &o->account, false);
    info.bool_flag("json", "Produce JSON output", &o->json).with_short('j');
    info.action([o] {
        const auth_session s = auth_session::open(*o->flags);
        out(show_user(s, account_for(s, o->account), o->user, o->json));
        return 0;
    });

    auto& edit = user.add_command("edit", "Edits User settings").alias("update");
    edit.string_arg("name", "User to edit", &o->user, true);
    edit.string_arg("account", "Account to query", &o->account, false);
    edit.string_flag("credential", "Writes credentials to a file", &o->cred_file).with_placeholder("FILE");
    edit.bool_flag("force", "Overwrite existing files", &o->force).with_short('f');
    add_user_flags(edit, *o);
    edit.action([o] { return edit_user(*o); });

    auto& ls = user.add_command("ls", "List users").alias("list");
    ls.string_arg("account", "Account to query", &o->account, false);
    ls.bool_flag("names", "Show just the User names", &o->names);
    ls.action([o] { return list_users(*o); });

    auto& rm = user.add_command("rm", "Removes a user");
    rm.string_arg("name", "User to remove", &o->user, true);
    rm.string_arg("account", "Account to query", &o->account, false);
    rm.bool_flag("revoke", "Also revokes the user before deleting it", &o->revoke);
    rm.bool_flag("force", "Removes without prompting", &o->force).with_short('f');
    rm.action([o] { return remove_user(*o); });

    auto& cred = user.add_command("credential", "Creates a credential file for a user").alias("cred").alias("creds");
    cred.string_arg("file", "The file to create", &o->cred_file, true);
    cred.string_arg("name", "User to generate a credential for", &o->user, true);
    cred.string_arg("account", "Account to query", &o->account, false);
    optional_flag(cred, "expire", "Duration till expiry", &o->expiry).with_placeholder("DURATION");
    cred.bool_flag("force", "Overwrite existing files", &o->force).with_short('f');
    cred.action([o] { return write_credential(*o); });
}

} // namespace nats::cli::auth_verbs
