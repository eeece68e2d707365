#pragma once
// A small command-line parser with the rules of natscli's parser (fisk):
// nested commands with aliases, flags of the selected command and of every
// command above it accepted anywhere after it, --name=value or --name value,
// -xVALUE or -x VALUE, --no-<flag> for booleans, repeatable flags, "--" ending
// the flags, environment variables as flag defaults.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "errors.hpp"

namespace nats::cli {

struct flag {
    std::string name;
    char short_name = 0;
    std::string help;
    std::string placeholder;  // the value's name in the usage text
    std::string envar;        // environment variable giving the default
    bool boolean = false;     // takes no value; --no-<name> sets it false
    bool hidden = false;
    // Stores a value; throws usage_error when the value is invalid.
    std::function<void(const std::string&)> set;

    flag& with_short(char c) { short_name = c; return *this; }
    flag& with_placeholder(std::string p) { placeholder = std::move(p); return *this; }
    flag& with_envar(std::string e) { envar = std::move(e); return *this; }
    flag& make_hidden() { hidden = true; return *this; }
};

struct argument {
    std::string name;
    std::string help;
    bool required = false;
    bool remainder = false;  // takes every remaining positional value
    std::function<void(const std::string&)> set;
};

class command {
public:
    command(std::string name, std::string help);
    command(const command&) = delete;
    command& operator=(const command&) = delete;

    command& add_command(std::string name, std::string help);
    command& alias(std::string name);
    // The command's work; returns the exit code. Commands without an action
    // need one of their subcommands.
    command& action(std::function<int()> fn);
    command& long_help(std::string text);
    // Every word after this command is taken without checking: for verbs that
    // only report that they are not available, whatever the line holds.
    command& pass_through();

    flag& add_flag(flag f);
    argument& add_argument(argument a);

    // Typed helpers: each stores parsed values into *target.
    flag& string_flag(std::string name, std::string help, std::string* target, bool* is_set = nullptr);
    flag& strings_flag(std::string name, std::string help, std::vector<std::string>* target);
    flag& bool_flag(std::string name, std::string help, bool* target);
    flag& int_flag(std::string name, std::string help, std::int64_t* target);
    flag& duration_flag(std::string name, std::string help, std::chrono::nanoseconds* target);
    flag& enum_flag(std::string name, std::string help, std::string* target, std::vector<std::string> options);
    argument& string_arg(std::string name, std::string help, std::string* target, bool required,
                         bool* is_set = nullptr);
    argument& strings_arg(std::string name, std::string help, std::vector<std::string>* target);
    argument& int_arg(std::string name, std::string help, std::int64_t* target);

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    const std::string& long_help_text() const { return long_help_; }
    const std::vector<std::string>& aliases() const { return aliases_; }
    const std::vector<flag>& flags() const { return flags_; }
    const std::vector<argument>& arguments() const { return args_; }
    const std::vector<std::unique_ptr<command>>& commands() const { return commands_; }
    const command* parent() const { return parent_; }
    bool has_action() const { return static_cast<bool>(action_); }
    bool passes_through() const { return pass_through_; }
    int run() const { return action_(); }

    // The subcommand called `name` (or aliased so), nullptr when none.
    command* find_command(const std::string& name) const;
    // "nats server check connection"
    std::string full_name() const;

private:
    std::string name_;
    std::string help_;
    std::string long_help_;
    std::vector<std::string> aliases_;
    std::vector<flag> flags_;
    std::vector<argument> args_;
    std::vector<std::unique_ptr<command>> commands_;
    std::function<int()> action_;
    command* parent_ = nullptr;
    bool pass_through_ = false;
};

struct parse_result {
    const command* selected = nullptr;  // the innermost command named on the line
    bool help = false;                  // --help or -h was given
    bool version = false;               // --version was given
};

// A mistake on the command line, with the command reached so far (for its usage).
struct command_line_error : usage_error {
    command_line_error(const std::string& message, const command* reached)
        : usage_error(message), where(reached) {}
    const command* where;
};

// Applies the environment defaults of the flags, then the arguments. Throws
// command_line_error with fisk's wording on a mistake.
parse_result parse_command_line(command& app, const std::vector<std::string>& args);

// Usage text for a command: synopsis, help, flags (its own, then inherited),
// arguments and subcommands.
std::string usage_text(const command& cmd);

} // namespace nats::cli
