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

} // namespace nats::cli
