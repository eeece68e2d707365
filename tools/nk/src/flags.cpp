#include "flags.hpp"

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace nats::nk {
namespace {

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

std::optional<bool> parse_bool(std::string_view s) {
    // strconv.ParseBool's spellings.
    for (const char* t : {"1", "t", "T", "true", "TRUE", "True"})
        if (s == t) return true;
    for (const char* f : {"0", "f", "F", "false", "FALSE", "False"})
        if (s == f) return false;
    return std::nullopt;
}

std::optional<long long> parse_int(const std::string& s) {
    if (s.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 0); // base 0: 0x.., 0.. like Go
    if (errno != 0 || end != s.c_str() + s.size()) return std::nullopt;
    return v;
}

std::string* string_flag(Options& o, std::string_view name) {
    if (name == "e") return &o.entropy;
    if (name == "inkey") return &o.inkey;
    if (name == "pubin") return &o.pubin;
    if (name == "sign") return &o.sign;
    if (name == "sigfile") return &o.sigfile;
    if (name == "verify") return &o.verify;
    if (name == "gen") return &o.gen;
    if (name == "pre") return &o.pre;
    return nullptr;
}

bool* bool_flag(Options& o, std::string_view name) {
    if (name == "pubout") return &o.pubout;
    if (name == "v") return &o.version;
    return nullptr;
}

} // namespace

ParsedFlags parse_flags(const std::vector<std::string>& args) {
    ParsedFlags result;
    Options& o = result.options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') break;
        std::size_t dashes = 1;
        if (arg[1] == '-') {
            if (arg.size() == 2) break; // "--" ends the flags
            dashes = 2;
        }
        std::string name = arg.substr(dashes);
        if (name.empty() || name[0] == '-' || name[0] == '=') {
            result.error = "bad flag syntax: " + arg;
            return result;
        }
        std::optional<std::string> value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        if (bool* flag = bool_flag(o, name)) {
            if (!value) {
                *flag = true;
            } else if (const auto b = parse_bool(*value)) {
                *flag = *b;
            } else {
                result.error = "invalid boolean value " + quoted(*value) + " for -" + name + ": parse error";
                return result;
            }
            continue;
        }
        std::string* text = string_flag(o, name);
        const bool is_int = name == "maxpre";
        if (text == nullptr && !is_int) {
            if (name == "h" || name == "help") {
                result.help = true;
            } else {
                result.error = "flag provided but not defined: -" + name;
            }
            return result;
        }
        if (!value) {
            if (i + 1 >= args.size()) {
                result.error = "flag needs an argument: -" + name;
                return result;
            }
            value = args[++i];
        }
        if (is_int) {
            const auto n = parse_int(*value);
            if (!n) {
                result.error = "invalid value " + quoted(*value) + " for flag -" + name + ": parse error";
                return result;
            }
            o.maxpre = *n;
        } else {
            *text = *value;
        }
    }
    return result;
}

} // namespace nats::nk
