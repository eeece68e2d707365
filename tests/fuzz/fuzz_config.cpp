// libFuzzer target: the config parser and the options built from its tree
// (kernel/config), as the server reads a file: parse_config_string, then
// load_options_from_value. Any input must either give Options or throw ConfigError;
// another exception escapes to libFuzzer (std::terminate, a reported crash), and so
// does any sanitizer finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kernel/config/conf_value.hpp"
#include "kernel/config/options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    // `include` names are joined to the config's folder, which does not exist, so an
    // include cannot open a real file unless ".." climbs out of it (e.g. to /dev/zero,
    // which would never end). Such inputs are skipped.
    if (text.find("..") != std::string::npos) return 0;
    const std::string file = "/nonexistent-nmk-fuzz/fuzz.conf";
    try {
        const nats::config::Value root = nats::config::parse_config_string(text, file);
        const nats::config::Options options = nats::config::load_options_from_value(root, file);
        (void)options;
    } catch (const nats::config::ConfigError&) {
        // The documented way to refuse a config.
    }
    return 0;
}
