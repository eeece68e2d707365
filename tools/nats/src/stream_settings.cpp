#include "stream_settings.hpp"

#include <fstream>
#include <sstream>

#include "durations.hpp"
#include "format.hpp"

namespace nats::cli {
namespace {

std::int64_t bytes_value(const std::string& text, const char* what) {
    if (text.empty()) return 0;
    if (text == "-1") return -1;
    const auto n = parse_size(text);
    if (n < 0) throw cli_error(std::string("invalid ") + what + " " + go_quote(text));
    return n;
}

std::int64_t duration_value(const std::string& text, const char* prefix) {
    const auto d = parse_long_duration(text);
    if (!d) throw cli_error(std::string(prefix) + ": invalid duration " + go_quote(text));
    return d->count();
}

ordered_json read_config_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw cli_error("invalid input: open " + path + ": no such file or directory");
    std::stringstream text;
    text << file.rdbuf();
    ordered_json parsed = ordered_json::parse(text.str(), nullptr, false);
    if (!parsed.is_object()) throw cli_error("invalid input: " + path + " is not a JSON object");
    // A `stream info --json` output holds the configuration under "config".
    if (parsed.contains("config") && parsed["config"].is_object()) return parsed["config"];
    return parsed;
}

ordered_json source_of(const std::string& value, const char* what) {
    if (!value.empty() && value.front() == '{') {
        ordered_json parsed = ordered_json::parse(value, nullptr, false);
        if (!parsed.is_object()) throw cli_error(std::string("invalid ") + what + ": not a JSON object");
        return parsed;
    }
    // natscli asks further questions (start, filter, external) here; the plain
    // name is what its prompts default to.
    return ordered_json{{"name", value}};
}

} // namespace

std::vector<std::string> split_subjects(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& v : values) {
        std::string piece;
        for (char c : v) {
            if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (!piece.empty()) out.push_back(piece);
                piece.clear();
            } else {
                piece += c;
            }
        }
        if (!piece.empty()) out.push_back(piece);
    }
    return out;
}

void add_stream_settings_flags(command& cmd, stream_settings& s) {
    cmd.string_flag("config", "JSON file to read configuration from", &s.config_file);
    cmd.bool_flag("validate", "Only validates the configuration against the official Schema", &s.validate);
    cmd.string_flag("output", "Save configuration instead of creating", &s.output_file).with_placeholder("FILE");
    cmd.bool_flag("defaults", "Accept default values for all prompts", &s.defaults);
    cmd.strings_flag("subjects", "Subjects that are consumed by the Stream", &s.subjects);
    cmd.string_flag("description", "Sets a contextual description for the stream", &s.description);
    cmd.enum_flag("storage", "Storage backend to use (file, memory)", &s.storage, {"file", "f", "memory", "m"});
    cmd.int_flag("replicas", "When clustered, how many replicas of the data to create", &s.replicas);
    cmd.strings_flag("tag", "Place the stream on servers that has specific tags (pass multiple times)", &s.tags);
    cmd.strings_flag("tags", "Backward compatibility only, use --tag", &s.tags).make_hidden();
    cmd.string_flag("cluster", "Place the stream on a specific cluster", &s.cluster);
    cmd.bool_flag("ack", "Acknowledge publishes", &s.ack);
    cmd.enum_flag("retention", "Defines a retention policy (limits, interest, work)", &s.retention,
                  {"limits", "interest", "workq", "work"});
    cmd.enum_flag("discard", "Defines the discard policy (new, old)", &s.discard, {"new", "old"});
    cmd.bool_flag("discard-per-subject", "Sets the 'new' discard policy and applies it to every subject in the stream",
                  &s.discard_per_subject);
    cmd.string_flag("max-age", "Maximum age of messages to keep", &s.max_age);
    cmd.string_flag("max-bytes", "Maximum bytes to keep", &s.max_bytes).with_placeholder("BYTES");
    cmd.int_flag("max-consumers", "Maximum number of consumers to allow", &s.max_consumers);
    cmd.string_flag("max-msg-size", "Maximum size any 1 message may be", &s.max_msg_size).with_placeholder("BYTES");
    cmd.int_flag("max-msgs", "Maximum amount of messages to keep", &s.max_msgs);
    cmd.int_flag("max-msgs-per-subject", "Maximum amount of messages to keep per subject", &s.max_msgs_per_subject);
    cmd.string_flag("dupe-window", "Duration of the duplicate message tracking window", &s.dupe_window);
    cmd.string_flag("mirror", "Completely mirror another stream", &s.mirror);
    cmd.strings_flag("source", "Source data from other Streams, merging into this one", &s.sources)
        .with_placeholder("STREAM");
    cmd.bool_flag("allow-rollup", "Allows roll-ups to be done by publishing messages with special headers",
                  &s.allow_rollup);
    cmd.bool_flag("deny-delete", "Deny messages from being deleted via the API", &s.deny_delete);
    cmd.bool_flag("deny-purge", "Deny entire stream or subject purges via the API", &s.deny_purge);
    cmd.bool_flag("allow-direct", "Allows fast, direct, access to stream data via the direct get API",
                  &s.allow_direct);
    cmd.bool_flag("allow-mirror-direct", "Allows fast, direct, access to stream data via the direct get API on mirrors",
                  &s.allow_mirror_direct);
    cmd.string_flag("republish-source", "Republish messages to --republish-destination", &s.republish_source)
        .with_placeholder("SOURCE");
    cmd.string_flag("republish-destination", "Republish destination for messages in --republish-source",
                    &s.republish_destination)
        .with_placeholder("DEST");
    cmd.bool_flag("republish-headers", "Republish only message headers, no bodies", &s.republish_headers);
}

ordered_json build_stream_config(const std::string& name, const stream_settings& s) {
    if (s.validate) throw cli_error("'stream add --validate' is not supported by this build yet");
    const std::vector<std::string> subjects = split_subjects(s.subjects);
    if (!s.config_file.empty()) {
        ordered_json cfg = read_config_file(s.config_file);
        if (!name.empty()) cfg["name"] = name;
        if (!subjects.empty()) cfg["subjects"] = subjects;
        if (cfg.value("name", std::string()).empty()) throw cli_error("a stream name is required");
        return cfg;
    }
    if (name.empty()) throw cli_error("a stream name is required (natscli would prompt for it)");
    ordered_json cfg;
    cfg["name"] = name;
    if (!s.description.empty()) cfg["description"] = s.description;
    if (s.mirror.empty() && s.sources.empty()) {
        if (!subjects.empty()) cfg["subjects"] = subjects;
        else if (s.defaults) cfg["subjects"] = {name};
        else throw cli_error("--subjects is required (natscli would prompt for it), or pass --defaults");
    } else if (!s.mirror.empty() && !subjects.empty()) {
        throw cli_error("mirrors cannot listen for messages on subjects");
    } else if (!subjects.empty()) {
        cfg["subjects"] = subjects;
    }
    if (s.replicas < 0) throw cli_error("replicas should be >= 1");
    const std::string retention = s.retention == "interest" ? "interest"
                                  : (s.retention == "workq" || s.retention == "work") ? "workqueue"
                                                                                       : "limits";
    cfg["retention"] = retention;
    cfg["max_consumers"] = s.max_consumers;
    cfg["max_msgs"] = s.max_msgs <= 0 ? -1 : s.max_msgs;
    const std::int64_t max_bytes = bytes_value(s.max_bytes, "max bytes");
    cfg["max_bytes"] = max_bytes <= 0 ? -1 : max_bytes;
    const std::int64_t max_age =
        s.max_age.empty() || s.max_age == "-1" ? 0 : duration_value(s.max_age, "invalid maximum age limit format");
    cfg["max_age"] = max_age;
    cfg["max_msgs_per_subject"] = s.max_msgs_per_subject <= 0 ? -1 : s.max_msgs_per_subject;
    const std::int64_t max_msg_size = bytes_value(s.max_msg_size, "max message size");
    cfg["max_msg_size"] = max_msg_size == 0 ? -1 : max_msg_size;
    cfg["discard"] = s.discard == "new" || s.discard_per_subject ? "new" : "old";
    cfg["storage"] = s.storage.empty() || s.storage[0] == 'f' ? "file" : "memory";
    cfg["num_replicas"] = s.replicas <= 0 ? 1 : s.replicas;
    if (s.mirror.empty()) {
        // The prompt's default: two minutes, or the maximum age when shorter.
        std::int64_t window = 120000000000LL;
        if (max_age > 0 && max_age < window) window = max_age;
        if (!s.dupe_window.empty()) window = duration_value(s.dupe_window, "invalid duplicate window format");
        cfg["duplicate_window"] = window;
    } else if (!s.dupe_window.empty()) {
        cfg["duplicate_window"] = duration_value(s.dupe_window, "invalid duplicate window format");
    }
    if (!s.cluster.empty() || !s.tags.empty()) {
        ordered_json placement = ordered_json::object();
        if (!s.cluster.empty()) placement["cluster"] = s.cluster;
        if (!s.tags.empty()) placement["tags"] = s.tags;
        cfg["placement"] = placement;
    }
    if (!s.mirror.empty()) cfg["mirror"] = source_of(s.mirror, "mirror");
    if (!s.sources.empty()) {
        cfg["sources"] = ordered_json::array();
        for (const auto& src : s.sources) cfg["sources"].push_back(source_of(src, "source"));
    }
    cfg["sealed"] = false;
    cfg["deny_delete"] = s.deny_delete;
    cfg["deny_purge"] = s.deny_purge;
    cfg["allow_rollup_hdrs"] = s.allow_rollup;
    cfg["allow_direct"] = s.allow_direct;
    cfg["mirror_direct"] = s.allow_mirror_direct;
    if (!s.republish_source.empty() && !s.republish_destination.empty()) {
        cfg["republish"] = {{"src", s.republish_source}, {"dest", s.republish_destination},
                            {"headers_only", s.republish_headers}};
    }
    if (s.discard_per_subject) cfg["discard_new_per_subject"] = true;
    if (!s.ack) cfg["no_ack"] = true;
    return cfg;
}

} // namespace nats::cli

namespace nats::cli {

ordered_json edit_stream_config(const ordered_json& current, const std::string& name, const stream_settings& s) {
    if (!s.config_file.empty()) {
        ordered_json cfg = read_config_file(s.config_file);
        if (cfg.value("name", std::string()).empty()) cfg["name"] = name;
        return cfg;
    }
    ordered_json cfg = current;
    if (!s.ack) cfg["no_ack"] = true;
    else cfg.erase("no_ack");
    if (!s.discard.empty()) cfg["discard"] = s.discard;
    if (!s.subjects.empty()) cfg["subjects"] = split_subjects(s.subjects);
    if (!s.storage.empty()) cfg["storage"] = s.storage[0] == 'f' ? "file" : "memory";
    if (!s.retention.empty()) {
        cfg["retention"] = s.retention == "interest" ? "interest" : s.retention == "limits" ? "limits" : "workqueue";
    }
    if (const auto b = bytes_value(s.max_bytes, "max bytes"); b != 0) cfg["max_bytes"] = b;
    if (s.max_msgs != 0) cfg["max_msgs"] = s.max_msgs;
    if (s.max_msgs_per_subject != 0) cfg["max_msgs_per_subject"] = s.max_msgs_per_subject;
    if (!s.max_age.empty()) cfg["max_age"] = duration_value(s.max_age, "invalid maximum age limit format");
    if (const auto m = bytes_value(s.max_msg_size, "max message size"); m != 0) cfg["max_msg_size"] = m;
    if (s.max_consumers != -1) cfg["max_consumers"] = s.max_consumers;
    if (!s.dupe_window.empty()) cfg["duplicate_window"] = duration_value(s.dupe_window, "invalid duplicate window");
    if (s.replicas != 0) cfg["num_replicas"] = s.replicas;
    if (!s.cluster.empty()) cfg["placement"]["cluster"] = s.cluster;
    if (!s.tags.empty()) cfg["placement"]["tags"] = s.tags;
    if (!s.sources.empty() || !s.mirror.empty()) {
        throw cli_error("cannot edit mirrors or sources using the CLI, use --config instead");
    }
    if (!s.description.empty()) cfg["description"] = s.description;
    // Booleans: only those given as true can be told apart from their defaults here.
    if (s.allow_rollup) cfg["allow_rollup_hdrs"] = true;
    if (s.deny_purge) cfg["deny_purge"] = true;
    if (s.deny_delete) cfg["deny_delete"] = true;
    if (s.allow_direct) cfg["allow_direct"] = true;
    if (s.allow_mirror_direct) cfg["mirror_direct"] = true;
    if (s.discard_per_subject) cfg["discard_new_per_subject"] = true;
    return cfg;
}

} // namespace nats::cli
