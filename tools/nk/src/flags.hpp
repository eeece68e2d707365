#pragma once
// nk's command line in the syntax of Go's flag package, which the original
// tool uses: -flag, --flag, -flag value, -flag=value; booleans take no value
// unless written -flag=true|false; parsing stops at the first non-flag or "--".
#include <optional>
#include <string>
#include <vector>

namespace nats::nk {

struct Options {
    std::string entropy; // -e
    std::string inkey;
    std::string pubin;
    std::string sign;
    std::string sigfile;
    std::string verify;
    std::string gen;
    std::string pre;
    long long maxpre = 10'000'000;
    bool pubout = false;
    bool version = false; // -v
};

struct ParsedFlags {
    Options options;
    // Go's wording, e.g. "flag provided but not defined: -x"; the caller
    // prints it to stderr, then the usage.
    std::optional<std::string> error;
    bool help = false; // -h / -help: usage only
};

// `args` excludes the program name.
ParsedFlags parse_flags(const std::vector<std::string>& args);

} // namespace nats::nk
