#pragma once
// natscli 0.0.35's stream reports, rendered from the JetStream API's JSON:
// "Information for Stream ...", the "Streams" table and a stored message
// ("Item: ..."). Pure functions, so the layouts are unit tested.
#include <string>
#include <vector>

#include "jetstream_api.hpp"
#include "timestamps.hpp"

namespace nats::cli {

// The configuration part (Subjects, Options, Limits, Replication), from
// showStreamConfig.
std::string render_stream_config(const ordered_json& config);

// The whole "Information for Stream <name> created <local time>" report of a
// STREAM.INFO reply (or "State for Stream ..." with state_only).
std::string render_stream_info(const std::string& name, const ordered_json& info, bool state_only);

// The "Streams" table of `stream ls`, smallest first; `filter` is the
// --subject given, if any.
std::string render_stream_table(std::vector<ordered_json> infos, const std::string& filter, timestamp now);

// `stream get`'s rendering of a STREAM.MSG.GET reply's "message" object.
std::string render_stored_message(const std::string& stream, const ordered_json& message);

// Decodes standard base64 (what the API uses for data and headers); throws
// cli_error when it is not valid.
std::string decode_base64(const std::string& text);

// The headers of a "NATS/1.0\r\nKey: value\r\n\r\n" block, sorted by key then
// in their order, as (key, value) pairs.
std::vector<std::pair<std::string, std::string>> parse_header_block(const std::string& block);

// jsm.go's names for the config enums: "File", "Limits", "WorkQueue", "Old"...
std::string storage_name(const std::string& api_value);
std::string retention_name(const std::string& api_value);
std::string discard_name(const std::string& api_value);

} // namespace nats::cli
