#pragma once
// natscli 0.0.35's `stream report` tables ("Stream Report" and, when streams
// mirror or source others, "Replication Report") from STREAM.LIST infos.
#include <string>
#include <vector>

#include "jetstream_api.hpp"

namespace nats::cli {

enum class stream_report_order { bytes, consumers, messages, name, storage };

std::string render_stream_report(std::vector<ordered_json> infos, stream_report_order order, bool raw);

// Empty when no stream mirrors or sources another.
std::string render_replication_report(const std::vector<ordered_json>& infos, bool raw);

} // namespace nats::cli
