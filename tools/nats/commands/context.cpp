// nats context: save, list, select, show and remove natscli configuration
// contexts (server URL and credentials under a name).
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "context_store.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

struct context_options {
    std::string name;
    std::string source;  // context copy
    std::string description;
    bool select = false;
    bool json = false;
    bool names = false;
    bool connect = false;
    bool force = false;
};

// "path (OK)" or "path (ERROR)" for a credential file.
std::string file_state(const std::string& path) {
    return path + (::access(path.c_str(), R_OK) == 0 ? " (OK)" : " (ERROR)");
}

std::vector<std::string> environment_overrides() {
    std::vector<std::string> found;
    for (const char* name : {"NATS_URL", "NATS_USER", "NATS_PASSWORD", "NATS_CREDS", "NATS_NKEY", "NATS_CERT",
                             "NATS_KEY", "NATS_CA", "NATS_TIMEOUT"}) {
        if (const char* v = std::getenv(name); v != nullptr && *v != '\0') found.emplace_back(name);
    }
    return found;
}

int show_context(const app_state& state, const context_store& store, std::string name, const context_options& o) {
    if (name.empty()) name = store.selected().value_or("");
    if (name.empty()) throw cli_error("no default context and no name supplied");
    const context_settings s = store.load(name);
    if (o.json) {
        nlohmann::ordered_json j;
        j["description"] = s.description;
        j["url"] = s.url;
        j["user"] = s.user;
        j["password"] = s.password;
        j["token"] = s.token;
        j["creds"] = s.creds;
        j["nkey"] = s.nkey;
        j["cert"] = s.cert;
        j["key"] = s.key;
        j["ca"] = s.ca;
        j["inbox_prefix"] = s.inbox_prefix;
        out(j.dump(2) + "\n");
        return 0;
    }
    columns c("NATS Configuration Context " + go_quote(name));
    c.row_if_not_empty("Description", s.description);
    c.row_if_not_empty("Server URLs", s.url);
    c.row_if_not_empty("Username", s.user);
    c.row_if_not_empty("Password", std::string(s.password.size(), '*'));
    c.row_if_not_empty("Token", s.token);
    if (!s.creds.empty()) c.row("Credentials", file_state(s.creds));
    if (!s.nkey.empty()) c.row("NKey", file_state(s.nkey));
    if (!s.cert.empty()) c.row("Certificate", file_state(s.cert));
    if (!s.key.empty()) c.row("Key", file_state(s.key));
    if (!s.ca.empty()) c.row("CA", file_state(s.ca));
    c.row_if_not_empty("Inbox Prefix", s.inbox_prefix);
    c.row("Path", store.path_of(name).string());
    int status = 0;
    if (o.connect) {
        global_options only_context;
        only_context.context = name;
        only_context.timeout = state.options.timeout;
        try {
            connect(resolve_settings(only_context), {.reconnect = false, .report_events = false});
            c.row("Connection", "OK");
        } catch (const std::exception& e) {
            c.row("Connection", e.what());
            status = exit_failure;
        }
    }
    std::string text = c.render() + "\n";
    if (const auto overrides = environment_overrides(); !overrides.empty()) {
        std::string list;
        for (const auto& v : overrides) list += (list.empty() ? "" : ", ") + v;
        text += "WARNING: Shell environment overrides in place using " + list + "\n";
    }
    out(text);
    return status;
}

int save_context(const app_state& state, const context_store& store, const context_options& o) {
    const global_options& g = state.options;
    context_settings s;
    // An existing context is updated: only what is given changes.
    if (store.exists(o.name)) s = store.load(o.name);
    else if (!g.context.empty()) s = store.load(g.context);
    auto take = [](std::string& field, const std::string& value) {
        if (!value.empty()) field = value;
    };
    take(s.url, g.server);
    if (!g.user.empty() && g.password.empty() && g.token.empty()) {
        take(s.token, g.user);  // natscli: --user without --password is a token
    } else {
        take(s.user, g.user);
        take(s.password, g.password);
        take(s.token, g.token);
    }
    take(s.creds, g.creds);
    take(s.nkey, g.nkey);
    take(s.cert, g.tls_cert);
    take(s.key, g.tls_key);
    take(s.ca, g.tls_ca);
    take(s.inbox_prefix, g.inbox_prefix);
    take(s.description, o.description);
    store.save(o.name, s);
    if (o.select) store.select(o.name);
    return show_context(state, store, o.name, o);
}

int list_contexts(const context_store& store, const context_options& o) {
    const auto names = store.names();
    const std::string current = store.selected().value_or("");
    if (o.names) {
        std::string text;
        for (const auto& n : names) text += n + "\n";
        out(text);
        return 0;
    }
    if (o.json) {
        out(nlohmann::json(names).dump(2) + "\n");
        return 0;
    }
    if (names.empty()) {
        out("No known contexts\n");
        return 0;
    }
    table t("Known Contexts");
    t.headers({"Name", "Description"});
    for (const auto& n : names) {
        std::string description;
        try {
            description = store.load(n).description;
        } catch (const cli_error& e) {
            log_line("Could not load context " + n + ": " + e.what());
            continue;
        }
        t.row({n == current ? n + "*" : n, description});
    }
    out(t.render() + "\n");
    return 0;
}

int remove_context(const context_store& store, const context_options& o) {
    if (!store.exists(o.name)) throw cli_error("unknown context " + go_quote(o.name));
    if (!o.force) {
        out("? Really delete context " + go_quote(o.name) + " (y/N) ");
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") return 0;
    }
    store.remove(o.name);
    return 0;
}

// natscli's copyCommand: a new context from an existing one, with the global
// flags given applied on top.
int copy_context(const app_state& state, const context_store& store, const context_options& o) {
    if (!store.exists(o.source)) throw cli_error("unknown context " + go_quote(o.source));
    if (store.exists(o.name)) throw cli_error("context " + go_quote(o.name) + " already exist");
    app_state from_source = state;
    from_source.options.context = o.source;
    return save_context(from_source, store, o);
}

int edit_context(const app_state& state, const context_store& store, const context_options& o) {
    const char* editor = std::getenv("EDITOR");
    if (editor == nullptr || *editor == '\0') throw cli_error("set EDITOR environment variable to your chosen editor");
    if (!store.exists(o.name)) throw cli_error("unknown context " + go_quote(o.name));
    // Saved once first so keys added since the file was written show up too.
    store.save(o.name, store.load(o.name));
    const std::string command = std::string(editor) + " '" + store.path_of(o.name).string() + "'";
    if (std::system(command.c_str()) != 0) throw cli_error("exit status 1");
    return show_context(state, store, o.name, o);
}

// natscli's validateCommand: each context (or the named one) shown, failures
// reported per context; exit 1 when any failed.
int validate_contexts(const app_state& state, const context_store& store, const context_options& o) {
    std::vector<std::string> names = o.name.empty() ? store.names() : std::vector<std::string>{o.name};
    int failures = 0;
    for (const auto& name : names) {
        try {
            show_context(state, store, name, o);
        } catch (const cli_error& e) {
            out("Could not load " + name + ": " + e.what() + "\n\n");
            ++failures;
        }
        out("\n");
    }
    if (failures > 0) throw cli_error("validation failed");
    return 0;
}

} // namespace

void add_context_command(command& app, app_state& state) {
    auto o = std::make_shared<context_options>();
    auto& ctx = app.add_command("context", "Manage nats configuration contexts").alias("ctx");

    auto& save = ctx.add_command("add", "Update or create a context").alias("create").alias("save");
    save.string_arg("name", "The context name to act on", &o->name, true);
    save.string_flag("description", "Set a friendly description for this context", &o->description);
    save.bool_flag("select", "Select the saved context as the default one", &o->select);
    save.action([&state, o] { return save_context(state, context_store::from_environment(), *o); });

    auto& copy = ctx.add_command("copy", "Copies an existing context").alias("cp");
    copy.string_arg("source", "The name of the context to copy from", &o->source, true);
    copy.string_arg("name", "The name of the context to create", &o->name, true);
    copy.string_flag("description", "Set a friendly description for this context", &o->description);
    copy.bool_flag("select", "Select the saved context as the default one", &o->select);
    copy.action([&state, o] { return copy_context(state, context_store::from_environment(), *o); });

    auto& edit = ctx.add_command("edit", "Edit a context in your EDITOR").alias("vi");
    edit.string_arg("name", "The context name to edit", &o->name, true);
    edit.action([&state, o] { return edit_context(state, context_store::from_environment(), *o); });

    auto& validate = ctx.add_command("validate", "Validate one or all contexts");
    validate.string_arg("name", "Validate a specific context, validates all when not supplied", &o->name, false);
    validate.bool_flag("connect", "Attempts to connect to NATS using the context while validating", &o->connect);
    validate.action([&state, o] { return validate_contexts(state, context_store::from_environment(), *o); });

    auto& ls = ctx.add_command("ls", "List known contexts").alias("list").alias("l");
    ls.bool_flag("json", "Show the list in JSON format", &o->json).with_short('j');
    ls.bool_flag("names", "List just the names of known contexts", &o->names);
    ls.action([o] { return list_contexts(context_store::from_environment(), *o); });

    auto& rm = ctx.add_command("rm", "Remove a context").alias("remove");
    rm.string_arg("name", "The context name to remove", &o->name, true);
    rm.bool_flag("force", "Force remove without prompting", &o->force).with_short('f');
    rm.action([o] { return remove_context(context_store::from_environment(), *o); });

    auto& pick = ctx.add_command("select", "Select the default context").alias("switch").alias("set");
    pick.string_arg("name", "The context name to select", &o->name, false);
    pick.action([&state, o] {
        const auto store = context_store::from_environment();
        if (store.names().empty()) throw cli_error("no context defined");
        if (o->name.empty()) throw cli_error("please select a context to activate");
        store.select(o->name);
        return show_context(state, store, o->name, *o);
    });

    ctx.add_command("unselect", "Ensures that no context is the default context").action([] {
        context_store::from_environment().unselect();
        return 0;
    });

    auto& info = ctx.add_command("info", "Display information on the current or named context")
                     .alias("show")
                     .alias("v")
                     .alias("view");
    info.string_arg("name", "The context name to show", &o->name, false);
    info.bool_flag("json", "Show the context in JSON format", &o->json).with_short('j');
    info.bool_flag("connect", "Attempts to connect to NATS using the context while validating", &o->connect);
    info.action([&state, o] { return show_context(state, context_store::from_environment(), o->name, *o); });
}

} // namespace nats::cli
