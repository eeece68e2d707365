#pragma once
// `stream add`'s flags (natscli's addCreateFlags plus --config, --output and
// --defaults) and the stream configuration they make. natscli prompts for
// what is missing; this build never prompts: a missing value takes the
// prompt's default, except the stream name and subjects, which are required
// unless --defaults (subjects: the stream's name) or --config gives them.
#include <cstdint>
#include <string>
#include <vector>

#include "flags.hpp"
#include "jetstream_api.hpp"

namespace nats::cli {

struct stream_settings {
    std::vector<std::string> subjects;
    std::string description;
    std::string storage;
    std::int64_t replicas = 0;
    std::vector<std::string> tags;
    std::string cluster;
    bool ack = true;
    std::string retention;
    std::string discard;
    bool discard_per_subject = false;
    std::string max_age;
    std::string max_bytes;
    std::int64_t max_consumers = -1;
    std::string max_msg_size;
    std::int64_t max_msgs = 0;
    std::int64_t max_msgs_per_subject = 0;
    std::string dupe_window;
    std::string mirror;
    std::vector<std::string> sources;
    bool allow_rollup = false;
    bool deny_delete = false;
    bool deny_purge = false;
    bool allow_direct = false;
    bool allow_mirror_direct = false;
    std::string republish_source;
    std::string republish_destination;
    bool republish_headers = false;
    std::string config_file;
    std::string output_file;
    bool defaults = false;
    bool validate = false;
};

void add_stream_settings_flags(command& cmd, stream_settings& s);

// The STREAM.CREATE request for `name` (may be empty when the --config file
// names the stream). Throws cli_error with natscli's wording for bad values.
ordered_json build_stream_config(const std::string& name, const stream_settings& s);

// `stream edit` and `stream copy` (natscli's copyAndEditStream): `current` with
// the flags given applied, or the --config file. Throws cli_error.
ordered_json edit_stream_config(const ordered_json& current, const std::string& name, const stream_settings& s);

// natscli's splitCLISubjects: each value split on commas and white space.
std::vector<std::string> split_subjects(const std::vector<std::string>& values);

} // namespace nats::cli
