#include "settings.hpp"

#include "context_store.hpp"
#include "errors.hpp"

namespace nats::cli {
namespace {

// The flag's value when given, else the context's.
void prefer(std::string& out, const std::string& flag_value, const std::string& context_value) {
    if (!flag_value.empty()) out = flag_value;
    else if (!context_value.empty()) out = context_value;
}

} // namespace

void add_global_flags(command& app, global_options& o) {
    app.string_flag("server", "NATS server urls", &o.server).with_short('s').with_placeholder("URL").with_envar("NATS_URL");
    app.string_flag("user", "Username or Token", &o.user).with_placeholder("USER").with_envar("NATS_USER");
    app.string_flag("password", "Password", &o.password).with_placeholder("PASSWORD").with_envar("NATS_PASSWORD");
    app.string_flag("token", "Token", &o.token).with_placeholder("TOKEN").with_envar("NATS_TOKEN");
    app.string_flag("connection-name", "Nickname to use for the underlying NATS Connection", &o.connection_name)
        .with_placeholder("NAME");
    app.string_flag("creds", "User credentials", &o.creds).with_placeholder("FILE").with_envar("NATS_CREDS");
    app.string_flag("nkey", "User NKEY", &o.nkey).with_placeholder("FILE").with_envar("NATS_NKEY");
    app.string_flag("tlscert", "TLS public certificate", &o.tls_cert).with_placeholder("FILE").with_envar("NATS_CERT");
    app.string_flag("tlskey", "TLS private key", &o.tls_key).with_placeholder("FILE").with_envar("NATS_KEY");
    app.string_flag("tlsca", "TLS certificate authority chain", &o.tls_ca).with_placeholder("FILE").with_envar("NATS_CA");
    app.duration_flag("timeout", "Time to wait on responses from NATS", &o.timeout)
        .with_placeholder("DURATION")
        .with_envar("NATS_TIMEOUT");
    app.string_flag("inbox-prefix", "Custom inbox prefix to use for inboxes", &o.inbox_prefix).with_placeholder("PREFIX");
    app.string_flag("context", "Configuration context", &o.context).with_placeholder("NAME").with_envar("NATS_CONTEXT");
    app.bool_flag("no-context", "Disable the selected context", &o.no_context);
}

connection_settings resolve_settings(const global_options& o) {
    connection_settings s;
    context_settings ctx;
    if (!o.no_context) {
        const context_store store = context_store::from_environment();
        std::optional<std::string> name;
        if (!o.context.empty()) name = o.context;
        else name = store.selected();
        if (name) {
            ctx = store.load(*name);
            s.context_name = name;
        }
    }
    prefer(s.servers, o.server, ctx.url);
    prefer(s.user, o.user, ctx.user);
    prefer(s.password, o.password, ctx.password);
    prefer(s.token, o.token, ctx.token);
    prefer(s.creds, o.creds, ctx.creds);
    prefer(s.nkey, o.nkey, ctx.nkey);
    prefer(s.tls_cert, o.tls_cert, ctx.cert);
    prefer(s.tls_key, o.tls_key, ctx.key);
    prefer(s.tls_ca, o.tls_ca, ctx.ca);
    prefer(s.inbox_prefix, o.inbox_prefix, ctx.inbox_prefix);
    // A user without a password is a token, as in natscli ("Username or Token").
    if (s.token.empty() && !s.user.empty() && s.password.empty()) {
        s.token = s.user;
        s.user.clear();
    }
    s.connection_name = o.connection_name;
    s.timeout = o.timeout;
    return s;
}

} // namespace nats::cli
