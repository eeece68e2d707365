#pragma once
// natscli 0.0.35's Object Store layouts (cli/object_command.go): the bucket
// report, an object's information, the bucket and content tables and the
// watch line. Pure functions, so the layouts are unit tested.
#include <string>
#include <vector>

#include "object_store.hpp"

namespace nats::cli {

// showBucketInfo from the bucket stream's STREAM.INFO reply.
std::string render_object_bucket_info(const std::string& bucket, const ordered_json& stream_info);

// showObjectInfo.
std::string render_object_info(const object_info& info);

// The "Object Store Buckets" table (smallest first), from the buckets' stream infos.
std::string render_object_buckets(std::vector<ordered_json> stream_infos, timestamp now);

// The "Bucket Contents" table.
std::string render_object_list(const std::vector<object_info>& objects);

// `object watch`: "[2006-01-02 15:04:05] PUT bucket > name: 1.0 KiB bytes in 1 chunks".
std::string render_object_update(const object_info& info);

} // namespace nats::cli
