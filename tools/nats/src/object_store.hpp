#pragma once
// The Object Store convention of the official clients, written the way nats.go
// (1.22) writes it so either side reads the other's objects: a stream
// OBJ_<bucket> on $O.<bucket>.C.> (chunks, one subject per object NUID) and
// $O.<bucket>.M.> (one meta message per object, subject
// $O.<bucket>.M.<base64url(name)>, published with "Nats-Rollup: sub"). The
// meta is nats.go's ObjectInfo as encoding/json marshals it, the digest
// "SHA-256=<base64url of the SHA-256 of the whole object>".
#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "jetstream_session.hpp"
#include "timestamps.hpp"

namespace nats::cli {

inline constexpr std::uint32_t default_chunk_size = 128 * 1024;

struct object_info {
    std::string name;
    std::string description;
    std::vector<std::pair<std::string, std::vector<std::string>>> headers;  // sorted by key
    bool has_options = false;
    std::optional<std::pair<std::string, std::string>> link;  // bucket, object name (empty: whole bucket)
    std::uint32_t chunk_size = 0;
    std::string bucket;
    std::string nuid;
    std::uint64_t size = 0;
    timestamp mtime{-62135596800LL, 0};  // Go's zero time until read back from the stream
    std::uint32_t chunks = 0;
    std::string digest;
    bool deleted = false;
};

// encoding/json's Marshal of nats.go's ObjectInfo (keys in struct order,
// omitempty, HTML-safe escapes).
std::string marshal_object_info(const object_info& info);
// The meta message's JSON back into the struct; nullopt when it is not one.
std::optional<object_info> parse_object_info(const std::string& json);

// base64.URLEncoding (with padding), as used for names and digests.
std::string base64url(std::string_view data);
// "SHA-256=<base64url>" of a finished SHA-256.
std::string digest_value(const unsigned char (&sha)[32]);
// What natscli prints for a digest: "SHA-256 <hex>", where the hex is what Go's
// padded decoder yields from the text between the first and second "=" (30 of
// the 32 bytes: the padding was split off).
std::string digest_display(const std::string& digest);

// A fresh object NUID: 22 base62 characters, as nats.go's nuid makes.
std::string new_nuid();

// nats.go's validBucketRe: letters, digits, '_' and '-'.
bool valid_bucket_name(const std::string& bucket);

struct object_bucket_config {
    std::string bucket;
    std::string description;
    std::chrono::nanoseconds ttl{0};
    std::int64_t max_bytes = -1;
    bool memory = false;
    std::int64_t replicas = 1;
    std::string placement_cluster;
    std::vector<std::string> placement_tags;
};

// The STREAM.CREATE request nats.go's CreateObjectStore sends.
ordered_json object_stream_config(const object_bucket_config& cfg);

class object_store {
public:
    // Binds to an existing bucket; throws cli_error "nats: stream not found"
    // (nats.go's words) when there is none.
    object_store(jetstream_session& js, std::string bucket);
    ~object_store();
    object_store(const object_store&) = delete;
    object_store& operator=(const object_store&) = delete;

    const std::string& bucket() const { return bucket_; }
    const ordered_json& stream_info() const { return stream_info_; }
    ordered_json refresh_stream_info();

    // The object's meta; nullopt when absent (or deleted, unless show_deleted).
    std::optional<object_info> info(const std::string& name, bool show_deleted = false) const;

    // Stores the reader's bytes as `meta.name` in chunks, then its meta, then
    // removes the chunks of the object it replaces. `progress` is told of each
    // chunk's size.
    object_info put(object_info meta, std::istream& in, const std::function<void(std::size_t)>& progress = {});

    // Writes the object's bytes (following a link to an object) and checks the
    // digest; throws cli_error with nats.go's words.
    object_info get(const std::string& name, std::ostream& out, const std::function<void(std::size_t)>& progress = {});

    // Marks the object deleted and purges its chunks.
    void remove(const std::string& name);

    // The current objects (the latest meta of every name), deleted ones left out.
    std::vector<object_info> list();

    // Every meta update, history first, until `keep_going` returns false.
    void watch(const std::function<void(const object_info&)>& on_update, const std::function<bool()>& keep_going);

    void seal();

    // The first error of an asynchronous publish (libnats reports them on its thread).
    struct publish_errors;

private:
    void purge_subject(const std::string& subject) const;
    std::string meta_subject(const std::string& name) const;

    jetstream_session& js_;
    std::string bucket_;
    std::string stream_;
    ordered_json stream_info_;
    jsCtx* ctx_ = nullptr;
    std::unique_ptr<publish_errors> errors_;
};

} // namespace nats::cli
