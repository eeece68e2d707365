#pragma once
// Running a command for `nats reply --command`: the command line is split into
// words the way a POSIX shell would (quotes and backslashes, no expansion),
// as natscli does with go-shellquote, and run without a shell.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nats::cli {

// nullopt for an unterminated quote or a trailing backslash.
std::optional<std::vector<std::string>> split_shell_words(std::string_view line);

struct command_output {
    int exit_code = 0;      // 127 when the program could not be started
    std::string output;     // stdout and stderr together
};

// Runs argv[0] (looked up on PATH) with the environment plus `extra_env`
// ("NAME=value"), stdin from /dev/null, and collects its output.
command_output run_program(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env);

} // namespace nats::cli
