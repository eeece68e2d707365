// natscli's JetStream verbs this build does not have yet. Each takes whatever
// words and flags follow it and says so in one line, exit 1, so a script
// written for natscli fails clearly instead of with a parse error.
#include "commands.hpp"
#include "console.hpp"
#include "errors.hpp"

namespace nats::cli {

std::string unsupported_message(const command& cmd) {
    std::string path = cmd.full_name();
    if (path.rfind("nats ", 0) == 0) path.erase(0, 5);
    return "nats: '" + path + "' is not supported by this build yet";
}

void add_unsupported_commands(command& parent, const std::vector<verb_summary>& verbs) {
    for (const auto& verb : verbs) {
        auto& cmd = parent.add_command(verb.name, verb.help + " (not supported by this build yet)");
        cmd.pass_through();
        const command* self = &cmd;
        cmd.action([self] {
            err(unsupported_message(*self) + "\n");
            return exit_failure;
        });
    }
}

void add_unsupported_jetstream_commands(command& app) {
    auto& consumer = app.add_command("consumer", "JetStream Consumer management").alias("con").alias("obs").alias("c");
    add_unsupported_commands(consumer,
                             {{"ls", "List known Consumers"},
                              {"report", "Reports on Consumer statistics"},
                              {"info", "Consumer information"},
                              {"add", "Creates a new Consumer"},
                              {"edit", "Edits the configuration of a consumer"},
                              {"rm", "Removes a Consumer"},
                              {"copy", "Creates a new Consumer based on the configuration of another"},
                              {"next", "Retrieves messages from Pull Consumers without interactive prompts"},
                              {"sub", "Retrieves messages from Consumers"},
                              {"cluster", "Manages a clustered Consumer"}});
    auto& object = app.add_command("object", "JetStream Object Store commands").alias("obj");
    add_unsupported_commands(object, {{"add", "Adds a new Object Store Bucket"},
                                      {"put", "Puts a file into the store"},
                                      {"del", "Deletes a file or bucket from the store"},
                                      {"rm", "Deletes a file or bucket from the store"},
                                      {"get", "Retrieves a file from the store"},
                                      {"info", "Get information about a bucket or object"},
                                      {"ls", "List buckets or contents of a specific bucket"},
                                      {"seal", "Seals a bucket preventing further updates"},
                                      {"watch", "Watch a bucket for changes"},
                                      {"status", "Get information about a bucket or object"}});
}

} // namespace nats::cli
