#include "flags.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "durations.hpp"

namespace nats::cli {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

bool parse_bool(const std::string& value, bool& out) {
    if (value == "true" || value == "1" || value == "t" || value == "T" || value == "TRUE" || value == "True") {
        out = true;
        return true;
    }
    if (value == "false" || value == "0" || value == "f" || value == "F" || value == "FALSE" || value == "False") {
        out = false;
        return true;
    }
    return false;
}

// The flags in reach of a command: its own, then those of the commands above it.
const flag* find_short(const command* cmd, char name) {
    for (; cmd != nullptr; cmd = cmd->parent()) {
        for (const auto& f : cmd->flags()) {
            if (f.short_name == name) return &f;
        }
    }
    return nullptr;
}

void apply_environment(const command& cmd) {
    for (const auto& f : cmd.flags()) {
        if (f.envar.empty()) continue;
        const char* value = std::getenv(f.envar.c_str());
        if (value == nullptr || *value == '\0') continue;
        try {
            f.set(value);
        } catch (const usage_error& e) {
            throw command_line_error(std::string(e.what()) + " (from $" + f.envar + ")", &cmd);
        }
    }
    for (const auto& sub : cmd.commands()) apply_environment(*sub);
}

class parser {
public:
    parser(const command& app, const std::vector<std::string>& args) : current_(&app), args_(args) {}

    parse_result run() {
        parse_result result;
        std::size_t i = 0;
        bool args_only = false;
        while (i < args_.size()) {
            const std::string& token = args_[i++];
            if (current_->passes_through()) continue;
            if (args_only || token == "-" || token.empty() || token[0] != '-') {
                positional(token);
                continue;
            }
            if (token == "--") {
                args_only = true;
                continue;
            }
            if (token.rfind("--", 0) == 0) {
                i = long_flag(token.substr(2), i, result);
            } else {
                i = short_flags(token.substr(1), i, result);
            }
        }
        result.selected = current_;
        if (result.help || result.version) return result;
        if (!current_->has_action()) {
            throw command_line_error("a subcommand from the list below is required", current_);
        }
        for (std::size_t k = next_arg_; k < current_->arguments().size(); ++k) {
            const auto& a = current_->arguments()[k];
            if (a.required && !(a.remainder && remainder_used_)) {
                throw command_line_error("required argument '" + a.name + "' not provided", current_);
            }
        }
        return result;
    }

private:
    [[noreturn]] void fail(const std::string& message) { throw command_line_error(message, current_); }

    void set(const flag& f, const std::string& value, const std::string& shown) {
        try {
            f.set(value);
        } catch (const usage_error& e) {
            fail(std::string(e.what()) + " for flag '" + shown + "'");
        }
    }

    // A flag's value: the rest of the token, or the next argument unless that
    // looks like a flag.
    std::size_t take_value(const flag& f, const std::string& shown, std::size_t i) {
        if (i >= args_.size() || (args_[i].size() > 1 && args_[i][0] == '-')) {
            fail("expected argument for flag '" + shown + "'");
        }
        set(f, args_[i], shown);
        return i + 1;
    }

    std::size_t long_flag(const std::string& body, std::size_t i, parse_result& result) {
        const auto eq = body.find('=');
        std::string name = body.substr(0, eq);
        const bool has_value = eq != std::string::npos;
        const std::string value = has_value ? body.substr(eq + 1) : std::string();
        const std::string shown = "--" + name;
        if (name == "help") {
            result.help = true;
            return i;
        }
        if (name == "version" && current_->parent() == nullptr) {
            result.version = true;
            return i;
        }
        // The nearest command wins: a subcommand's --no-progress negates its
        // own --progress before a parent's --no-progress flag is considered.
        const flag* f = nullptr;
        bool negated = false;
        for (const command* c = current_; c != nullptr && f == nullptr; c = c->parent()) {
            for (const auto& candidate : c->flags()) {
                if (candidate.name == name) f = &candidate;
            }
            if (f != nullptr || name.rfind("no-", 0) != 0) continue;
            for (const auto& candidate : c->flags()) {
                if (candidate.name == name.substr(3)) f = &candidate;
            }
            negated = f != nullptr;
        }
        if (f == nullptr) fail("unknown long flag '" + shown + "'");
        if (negated && !f->boolean) fail("unknown long flag '" + shown + "'");
        if (f->boolean) {
            if (has_value) {
                bool b = false;
                if (!parse_bool(value, b)) fail("invalid boolean value " + quoted(value) + " for flag '" + shown + "'");
                set(*f, (b != negated) ? "true" : "false", shown);
            } else {
                set(*f, negated ? "false" : "true", shown);
            }
            return i;
        }
        if (has_value) {
            set(*f, value, shown);
            return i;
        }
        return take_value(*f, shown, i);
    }

    std::size_t short_flags(const std::string& body, std::size_t i, parse_result& result) {
        for (std::size_t k = 0; k < body.size(); ++k) {
            const char c = body[k];
            const std::string shown = std::string("-") + c;
            if (c == 'h') {
                result.help = true;
                continue;
            }
            const flag* f = find_short(current_, c);
            if (f == nullptr) fail("unknown short flag '" + shown + "'");
            if (f->boolean) {
                set(*f, "true", shown);
                continue;
            }
            if (k + 1 < body.size()) {
                set(*f, body.substr(k + 1), shown);
                return i;
            }
            return take_value(*f, shown, i);
        }
        return i;
    }

    void positional(const std::string& token) {
        if (!current_->commands().empty() && next_arg_ == 0 && !remainder_used_) {
            const command* sub = current_->find_command(token);
            if (sub != nullptr) {
                current_ = sub;
                return;
            }
            // A command with an action and arguments of its own takes a word
            // that names none of its subcommands as its first argument (`nats
            // bench <subject>` next to `nats bench pub <subject>`).
            if (current_->arguments().empty() || !current_->has_action()) {
                throw command_line_error("expected command but got " + quoted(token), current_);
            }
        }
        const auto& defs = current_->arguments();
        if (next_arg_ >= defs.size()) fail("unexpected " + token);
        const argument& a = defs[next_arg_];
        try {
            a.set(token);
        } catch (const usage_error& e) {
            fail(std::string(e.what()) + " for argument '" + a.name + "'");
        }
        if (a.remainder) {
            remainder_used_ = true;
        } else {
            ++next_arg_;
        }
    }

    const command* current_;
    const std::vector<std::string>& args_;
    std::size_t next_arg_ = 0;
    bool remainder_used_ = false;
};

template <typename Int>
Int parse_integer(const std::string& value) {
    Int out{};
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, out);
    if (ec != std::errc() || ptr != end || value.empty()) {
        throw usage_error("invalid integer " + quoted(value));
    }
    return out;
}

std::string value_placeholder(const flag& f) {
    if (!f.placeholder.empty()) return f.placeholder;
    std::string upper = f.name;
    for (auto& c : upper) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
}

void append_flag_lines(std::ostringstream& out, const std::vector<flag>& flags) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& f : flags) {
        if (f.hidden) continue;
        std::string left = f.short_name != 0 ? std::string("-") + f.short_name + ", " : "    ";
        left += "--" + f.name;
        if (!f.boolean) left += "=" + value_placeholder(f);
        std::string help = f.help;
        if (!f.envar.empty()) help += " ($" + f.envar + ")";
        rows.emplace_back(left, help);
    }
    std::size_t width = 0;
    for (const auto& r : rows) width = std::max(width, r.first.size());
    for (const auto& r : rows) {
        out << "  " << r.first << std::string(width - r.first.size() + 2, ' ') << r.second << "\n";
    }
}

flag make_flag(std::string name, std::string help, bool boolean, std::function<void(const std::string&)> set) {
    flag f;
    f.name = std::move(name);
    f.help = std::move(help);
    f.boolean = boolean;
    f.set = std::move(set);
    return f;
}

argument make_argument(std::string name, std::string help, bool required, bool remainder,
                       std::function<void(const std::string&)> set) {
    argument a;
    a.name = std::move(name);
    a.help = std::move(help);
    a.required = required;
    a.remainder = remainder;
    a.set = std::move(set);
    return a;
}

} // namespace

command::command(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}

command& command::add_command(std::string name, std::string help) {
    commands_.push_back(std::make_unique<command>(std::move(name), std::move(help)));
    commands_.back()->parent_ = this;
    return *commands_.back();
}

command& command::alias(std::string name) {
    aliases_.push_back(std::move(name));
    return *this;
}

command& command::action(std::function<int()> fn) {
    action_ = std::move(fn);
    return *this;
}

command& command::long_help(std::string text) {
    long_help_ = std::move(text);
    return *this;
}

command& command::pass_through() {
    pass_through_ = true;
    return *this;
}

flag& command::add_flag(flag f) {
    flags_.push_back(std::move(f));
    return flags_.back();
}

argument& command::add_argument(argument a) {
    args_.push_back(std::move(a));
    return args_.back();
}

flag& command::string_flag(std::string name, std::string help, std::string* target, bool* is_set) {
    return add_flag(make_flag(std::move(name), std::move(help), false, [target, is_set](const std::string& v) {
        *target = v;
        if (is_set != nullptr) *is_set = true;
    }));
}

flag& command::strings_flag(std::string name, std::string help, std::vector<std::string>* target) {
    return add_flag(make_flag(std::move(name), std::move(help), false,
                              [target](const std::string& v) { target->push_back(v); }));
}

flag& command::bool_flag(std::string name, std::string help, bool* target) {
    return add_flag(make_flag(std::move(name), std::move(help), true,
                              [target](const std::string& v) { *target = v == "true"; }));
}

flag& command::int_flag(std::string name, std::string help, std::int64_t* target) {
    return add_flag(make_flag(std::move(name), std::move(help), false,
                              [target](const std::string& v) { *target = parse_integer<std::int64_t>(v); }));
}

flag& command::duration_flag(std::string name, std::string help, std::chrono::nanoseconds* target) {
    return add_flag(make_flag(std::move(name), std::move(help), false, [target](const std::string& v) {
        const auto d = parse_duration(v);
        if (!d) throw usage_error("invalid duration " + quoted(v));
        *target = *d;
    }));
}

flag& command::enum_flag(std::string name, std::string help, std::string* target, std::vector<std::string> options) {
    return add_flag(make_flag(std::move(name), std::move(help), false,
                              [target, options = std::move(options)](const std::string& v) {
                                  if (std::find(options.begin(), options.end(), v) == options.end()) {
                                      std::string list;
                                      for (const auto& o : options) list += (list.empty() ? "" : ",") + o;
                                      throw usage_error("enum value must be one of " + list + ", got '" + v + "'");
                                  }
                                  *target = v;
                              }));
}

argument& command::string_arg(std::string name, std::string help, std::string* target, bool required,
                              bool* is_set) {
    return add_argument(make_argument(std::move(name), std::move(help), required, false,
                                      [target, is_set](const std::string& v) {
                                          *target = v;
                                          if (is_set != nullptr) *is_set = true;
                                      }));
}

argument& command::strings_arg(std::string name, std::string help, std::vector<std::string>* target) {
    return add_argument(make_argument(std::move(name), std::move(help), false, true,
                                      [target](const std::string& v) { target->push_back(v); }));
}

argument& command::int_arg(std::string name, std::string help, std::int64_t* target) {
    return add_argument(make_argument(std::move(name), std::move(help), false, false,
                                      [target](const std::string& v) { *target = parse_integer<std::int64_t>(v); }));
}

command* command::find_command(const std::string& name) const {
    for (const auto& c : commands_) {
        if (c->name_ == name) return c.get();
        for (const auto& a : c->aliases_) {
            if (a == name) return c.get();
        }
    }
    return nullptr;
}

std::string command::full_name() const {
    return parent_ == nullptr ? name_ : parent_->full_name() + " " + name_;
}

parse_result parse_command_line(command& app, const std::vector<std::string>& args) {
    apply_environment(app);
    return parser(app, args).run();
}

std::string usage_text(const command& cmd) {
    std::ostringstream out;
    out << "usage: " << cmd.full_name();
    bool any_flags = false;
    for (const command* c = &cmd; c != nullptr; c = c->parent()) any_flags = any_flags || !c->flags().empty();
    if (any_flags) out << " [<flags>]";
    if (!cmd.commands().empty()) out << " <command> [<args> ...]";
    for (const auto& a : cmd.arguments()) {
        std::string shown = "<" + a.name + ">";
        if (a.remainder) shown += "...";
        out << " " << (a.required ? shown : "[" + shown + "]");
    }
    out << "\n\n" << cmd.help() << "\n";
    if (!cmd.long_help_text().empty()) out << "\n" << cmd.long_help_text() << "\n";
    if (!cmd.arguments().empty()) {
        out << "\nArgs:\n";
        auto shown = [](const argument& a) { return a.required ? "<" + a.name + ">" : "[<" + a.name + ">]"; };
        std::size_t width = 0;
        for (const auto& a : cmd.arguments()) width = std::max(width, shown(a).size());
        for (const auto& a : cmd.arguments()) {
            out << "  " << shown(a) << std::string(width - shown(a).size() + 2, ' ') << a.help << "\n";
        }
    }
    if (!cmd.commands().empty()) {
        out << "\nCommands:\n";
        std::size_t width = 0;
        for (const auto& c : cmd.commands()) width = std::max(width, c->name().size());
        for (const auto& c : cmd.commands()) {
            out << "  " << c->name() << std::string(width - c->name().size() + 2, ' ') << c->help() << "\n";
        }
    }
    if (!cmd.flags().empty()) {
        out << "\nFlags:\n";
        append_flag_lines(out, cmd.flags());
    }
    for (const command* c = cmd.parent(); c != nullptr; c = c->parent()) {
        if (c->flags().empty()) continue;
        out << "\n" << (c->parent() == nullptr ? "Global" : "'" + c->full_name() + "'") << " Flags:\n";
        append_flag_lines(out, c->flags());
    }
    return out.str();
}

} // namespace nats::cli
