#include "object_store.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <mutex>

#include "json_fields.hpp"
#include "stream_report.hpp"

namespace nats::cli {
namespace {

constexpr std::int64_t go_zero_time_seconds = -62135596800LL;

struct metadata_deleter {
    void operator()(jsMsgMetaData* m) const noexcept { jsMsgMetaData_Destroy(m); }
};

// Go's encoding/json string encoder with HTML escaping (its default).
std::string go_marshal_string(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
            continue;
        }
        // U+2028 and U+2029 (E2 80 A8/A9) are escaped too.
        if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
            out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
            i += 2;
            continue;
        }
        out += static_cast<char>(c);
    }
    return out + "\"";
}

std::string go_marshal_time(timestamp t) {
    if (t.seconds == go_zero_time_seconds && t.nanos == 0) return "\"0001-01-01T00:00:00Z\"";
    std::string text = format_utc(t, "%Y-%m-%dT%H:%M:%S");
    if (t.nanos != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09d", t.nanos);
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        text += f;
    }
    return "\"" + text + "Z\"";
}

// An API error as nats.go words it: "nats: <description>".
[[noreturn]] void rethrow_in_go_words(const api_error& e) {
    std::string text = e.what();
    const std::string suffix = " (" + std::to_string(e.err_code) + ")";
    if (text.ends_with(suffix)) text.erase(text.size() - suffix.size());
    throw cli_error("nats: " + text);
}

template <typename Fn>
auto with_go_errors(Fn&& fn) {
    try {
        return fn();
    } catch (const api_error& e) {
        rethrow_in_go_words(e);
    }
}

} // namespace

struct object_store::publish_errors {
    std::mutex mutex;
    std::string first;
};

namespace {

void on_async_error(jsCtx*, jsPubAckErr* pae, void* closure) {
    auto* errors = static_cast<object_store::publish_errors*>(closure);
    const std::lock_guard lock(errors->mutex);
    if (errors->first.empty()) {
        errors->first = pae->ErrText != nullptr ? std::string("nats: ") + pae->ErrText : status_text(pae->Err);
    }
}

std::int64_t request_timeout_ms(const jetstream_session& js) {
    return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(js.settings.timeout).count());
}

std::uint64_t pending_after(natsMsg* msg) {
    jsMsgMetaData* raw = nullptr;
    if (natsMsg_GetMetaData(&raw, msg) != NATS_OK) return 0;
    const std::unique_ptr<jsMsgMetaData, metadata_deleter> meta(raw);
    return meta->NumPending;
}

timestamp stored_time_of(natsMsg* msg) {
    jsMsgMetaData* raw = nullptr;
    if (natsMsg_GetMetaData(&raw, msg) != NATS_OK) return {};
    const std::unique_ptr<jsMsgMetaData, metadata_deleter> meta(raw);
    return timestamp{meta->Timestamp / 1'000'000'000, static_cast<std::int32_t>(meta->Timestamp % 1'000'000'000)};
}

// An ordered push consumer on `subject` (libnats handles its flow control and
// heartbeats), delivering all or only the last message per subject.
subscription_ptr ordered_subscription_on(jsCtx* ctx, const std::string& subject, bool last_per_subject) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Ordered = true;
    if (last_per_subject) so.Config.DeliverPolicy = js_DeliverLastPerSubject;
    natsSubscription* raw = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    check(js_SubscribeSync(&raw, ctx, subject.c_str(), nullptr, &so, &code));
    return subscription_ptr(raw);
}

} // namespace

std::string marshal_object_info(const object_info& i) {
    std::string out = "{\"name\":" + go_marshal_string(i.name);
    if (!i.description.empty()) out += ",\"description\":" + go_marshal_string(i.description);
    if (!i.headers.empty()) {
        out += ",\"headers\":{";
        bool first = true;
        for (const auto& [key, values] : i.headers) {
            out += (first ? "" : ",") + go_marshal_string(key) + ":[";
            for (std::size_t v = 0; v < values.size(); ++v) out += (v ? "," : "") + go_marshal_string(values[v]);
            out += "]";
            first = false;
        }
        out += "}";
    }
    if (i.has_options) {
        out += ",\"options\":{";
        bool any = false;
        if (i.link) {
            out += "\"link\":{\"bucket\":" + go_marshal_string(i.link->first);
            if (!i.link->second.empty()) out += ",\"name\":" + go_marshal_string(i.link->second);
            out += "}";
            any = true;
        }
        if (i.chunk_size != 0) out += std::string(any ? "," : "") + "\"max_chunk_size\":" + std::to_string(i.chunk_size);
        out += "}";
    }
    out += ",\"bucket\":" + go_marshal_string(i.bucket) + ",\"nuid\":" + go_marshal_string(i.nuid) +
           ",\"size\":" + std::to_string(i.size) + ",\"mtime\":" + go_marshal_time(i.mtime) +
           ",\"chunks\":" + std::to_string(i.chunks);
    if (!i.digest.empty()) out += ",\"digest\":" + go_marshal_string(i.digest);
    if (i.deleted) out += ",\"deleted\":true";
    return out + "}";
}

std::optional<object_info> parse_object_info(const std::string& json) {
    const ordered_json j = ordered_json::parse(json, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    object_info i;
    i.name = str_of(j, "name");
    i.description = str_of(j, "description");
    if (j.contains("headers") && j["headers"].is_object()) {
        for (auto it = j["headers"].begin(); it != j["headers"].end(); ++it) {
            std::vector<std::string> values;
            if (it.value().is_array()) {
                for (const auto& v : it.value()) {
                    if (v.is_string()) values.push_back(v.get<std::string>());
                }
            }
            i.headers.emplace_back(it.key(), std::move(values));
        }
        std::sort(i.headers.begin(), i.headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (j.contains("options") && j["options"].is_object()) {
        const auto& o = j["options"];
        i.has_options = true;
        if (o.contains("link") && o["link"].is_object()) i.link = std::make_pair(str_of(o["link"], "bucket"), str_of(o["link"], "name"));
        i.chunk_size = static_cast<std::uint32_t>(uint_of(o, "max_chunk_size"));
    }
    i.bucket = str_of(j, "bucket");
    i.nuid = str_of(j, "nuid");
    i.size = uint_of(j, "size");
    i.mtime = time_of(j, "mtime");
    i.chunks = static_cast<std::uint32_t>(uint_of(j, "chunks"));
    i.digest = str_of(j, "digest");
    i.deleted = bool_of(j, "deleted");
    return i;
}

std::string base64url(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    for (auto& c : out) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return out;
}

std::string digest_value(const unsigned char (&sha)[32]) {
    return "SHA-256=" + base64url(std::string_view(reinterpret_cast<const char*>(sha), 32));
}

std::string digest_display(const std::string& digest) {
    const auto first = digest.find('=');
    if (first == std::string::npos) return digest;
    const auto second = digest.find('=', first + 1);
    std::string encoded = digest.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    // Go decodes whole 4-character groups and stops at the incomplete last one.
    encoded.resize(encoded.size() / 4 * 4);
    for (auto& c : encoded) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
    }
    std::string bytes;
    try {
        bytes = decode_base64(encoded);
    } catch (const cli_error&) {
        bytes.clear();
    }
    static const char* hex = "0123456789abcdef";
    std::string text = digest.substr(0, first) + " ";
    for (const unsigned char c : bytes) {
        text += hex[c >> 4];
        text += hex[c & 0xF];
    }
    return text;
}

std::string new_nuid() {
    static const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    unsigned char random[22];
    if (RAND_bytes(random, sizeof random) != 1) throw cli_error("could not generate a NUID");
    std::string id;
    for (const unsigned char r : random) id += digits[r % 62];
    return id;
}

bool valid_bucket_name(const std::string& bucket) {
    return !bucket.empty() && std::all_of(bucket.begin(), bucket.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

ordered_json object_stream_config(const object_bucket_config& c) {
    ordered_json cfg = {{"name", "OBJ_" + c.bucket}};
    if (!c.description.empty()) cfg["description"] = c.description;
    cfg["subjects"] = {"$O." + c.bucket + ".C.>", "$O." + c.bucket + ".M.>"};
    cfg["retention"] = "limits";
    cfg["max_consumers"] = 0;
    cfg["max_msgs"] = 0;
    cfg["max_bytes"] = c.max_bytes == 0 ? -1 : c.max_bytes;
    cfg["discard"] = "new";
    cfg["max_age"] = c.ttl.count();
    cfg["max_msgs_per_subject"] = 0;
    cfg["max_msg_size"] = 0;
    cfg["storage"] = c.memory ? "memory" : "file";
    cfg["num_replicas"] = c.replicas == 0 ? 1 : c.replicas;
    if (!c.placement_cluster.empty() || !c.placement_tags.empty()) {
        cfg["placement"] = {{"cluster", c.placement_cluster}};
        if (!c.placement_tags.empty()) cfg["placement"]["tags"] = c.placement_tags;
    }
    cfg["allow_rollup_hdrs"] = true;
    cfg["allow_direct"] = true;
    return cfg;
}

object_store::object_store(jetstream_session& js, std::string bucket)
    : js_(js), bucket_(std::move(bucket)), stream_("OBJ_" + bucket_), errors_(std::make_unique<publish_errors>()) {
    if (!valid_bucket_name(bucket_)) throw cli_error("nats: invalid object-store name");
    stream_info_ = with_go_errors([&] { return js_.api.request("STREAM.INFO." + stream_); });
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Wait = request_timeout_ms(js_);
    opts.PublishAsync.MaxPending = 256;
    opts.PublishAsync.ErrHandler = on_async_error;
    opts.PublishAsync.ErrHandlerClosure = errors_.get();
    check(natsConnection_JetStream(&ctx_, js_.nc.get(), &opts));
}

object_store::~object_store() {
    if (ctx_ != nullptr) jsCtx_Destroy(ctx_);
}

ordered_json object_store::refresh_stream_info() {
    stream_info_ = with_go_errors([&] { return js_.api.request("STREAM.INFO." + stream_); });
    return stream_info_;
}

std::string object_store::meta_subject(const std::string& name) const {
    return "$O." + bucket_ + ".M." + base64url(name);
}

void object_store::purge_subject(const std::string& subject) const {
    with_go_errors([&] { return js_.api.request("STREAM.PURGE." + stream_, ordered_json{{"filter", subject}}); });
}

std::optional<object_info> object_store::info(const std::string& name, bool show_deleted) const {
    if (name.empty()) throw cli_error("nats: name is required");
    ordered_json reply;
    try {
        reply = js_.api.request("STREAM.MSG.GET." + stream_, ordered_json{{"last_by_subj", meta_subject(name)}});
    } catch (const api_error& e) {
        if (e.err_code == 10037) return std::nullopt;  // no message found
        rethrow_in_go_words(e);
    }
    const ordered_json& message = object_of(reply, "message");
    auto parsed = parse_object_info(decode_base64(str_of(message, "data")));
    if (!parsed) throw cli_error("nats: object-store meta information invalid");
    if (parsed->deleted && !show_deleted) return std::nullopt;
    parsed->mtime = time_of(message, "time");
    return parsed;
}

object_info object_store::put(object_info meta, std::istream& in, const std::function<void(std::size_t)>& progress) {
    if (meta.name.empty()) throw cli_error("nats: object-store meta information invalid");
    meta.has_options = true;
    if (meta.chunk_size == 0) meta.chunk_size = default_chunk_size;
    meta.bucket = bucket_;
    meta.nuid = new_nuid();
    const std::optional<object_info> existing = info(meta.name, true);
    const std::string chunk_subject = "$O." + bucket_ + ".C." + meta.nuid;
    auto& errors = *errors_;
    {
        const std::lock_guard lock(errors.mutex);
        errors.first.clear();
    }
    auto failed = [&]() -> std::string {
        const std::lock_guard lock(errors.mutex);
        return errors.first;
    };
    auto purge_partial = [&] {
        try {
            purge_subject(chunk_subject);
        } catch (const cli_error&) {
            // The error being reported matters more.
        }
    };

    EVP_MD_CTX* sha = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
    std::string chunk(meta.chunk_size, '\0');
    std::uint64_t total = 0;
    std::uint32_t sent = 0;
    for (;;) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n > 0) {
            EVP_DigestUpdate(sha, chunk.data(), n);
            natsMsg* msg = nullptr;
            natsStatus s = natsMsg_Create(&msg, chunk_subject.c_str(), nullptr, chunk.data(), static_cast<int>(n));
            if (s == NATS_OK) s = js_PublishMsgAsync(ctx_, &msg, nullptr);
            if (msg != nullptr) natsMsg_Destroy(msg);
            const std::string async_error = failed();
            if (s != NATS_OK || !async_error.empty()) {
                EVP_MD_CTX_free(sha);
                purge_partial();
                throw cli_error(s != NATS_OK ? status_text(s) : async_error);
            }
            ++sent;
            total += n;
            if (progress) progress(n);
        }
        if (!in) break;
    }
    unsigned char digest[32];
    unsigned int digest_len = 0;
    EVP_DigestFinal_ex(sha, digest, &digest_len);
    EVP_MD_CTX_free(sha);
    meta.size = total;
    meta.chunks = sent;
    meta.digest = digest_value(digest);
    meta.mtime = timestamp{go_zero_time_seconds, 0};

    const std::string body = marshal_object_info(meta);
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, meta_subject(meta.name).c_str(), nullptr, body.data(), static_cast<int>(body.size()));
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Nats-Rollup", "sub");
    if (s == NATS_OK) s = js_PublishMsgAsync(ctx_, &msg, nullptr);
    if (msg != nullptr) natsMsg_Destroy(msg);
    if (s != NATS_OK) {
        purge_partial();
        throw cli_error(status_text(s));
    }
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = request_timeout_ms(js_);
    s = js_PublishAsyncComplete(ctx_, &wait);
    if (s == NATS_TIMEOUT) throw cli_error("nats: timeout");
    if (const std::string e = failed(); !e.empty() || s != NATS_OK) {
        purge_partial();
        throw cli_error(!e.empty() ? e : status_text(s));
    }
    meta.mtime = to_timestamp(std::chrono::system_clock::now());
    if (existing && !existing->deleted) purge_subject("$O." + bucket_ + ".C." + existing->nuid);
    return meta;
}

object_info object_store::get(const std::string& name, std::ostream& out, const std::function<void(std::size_t)>& progress) {
    const std::optional<object_info> found = info(name);
    if (!found) throw cli_error("nats: object not found");
    if (found->nuid.empty()) throw cli_error("nats: object-store meta information invalid");
    if (found->link) {
        if (found->link->second.empty()) throw cli_error("nats: invalid Get, object is a link to a bucket");
        if (found->link->first == bucket_) return get(found->link->second, out, progress);
        object_store other(js_, found->link->first);
        return other.get(found->link->second, out, progress);
    }
    if (found->size == 0) return *found;
    const subscription_ptr sub = ordered_subscription_on(ctx_, "$O." + bucket_ + ".C." + found->nuid, false);
    EVP_MD_CTX* sha = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
    std::uint64_t received = 0;
    for (;;) {
        natsMsg* raw = nullptr;
        const natsStatus s = natsSubscription_NextMsg(&raw, sub.get(), std::max<std::int64_t>(request_timeout_ms(js_), 2000));
        if (s != NATS_OK) {
            EVP_MD_CTX_free(sha);
            throw cli_error(status_text(s));
        }
        const message_ptr msg(raw);
        const int len = natsMsg_GetDataLength(msg.get());
        if (len > 0) {
            out.write(natsMsg_GetData(msg.get()), len);
            EVP_DigestUpdate(sha, natsMsg_GetData(msg.get()), static_cast<std::size_t>(len));
            received += static_cast<std::uint64_t>(len);
            if (progress) progress(static_cast<std::size_t>(len));
        }
        if (pending_after(msg.get()) == 0) break;
    }
    unsigned char digest[32];
    unsigned int digest_len = 0;
    EVP_DigestFinal_ex(sha, digest, &digest_len);
    EVP_MD_CTX_free(sha);
    if (digest_value(digest) != found->digest) throw cli_error("nats: received a corrupt object, digests do not match");
    if (!out) throw cli_error("could not write the object");
    return *found;
}

void object_store::remove(const std::string& name) {
    std::optional<object_info> found = info(name, true);
    if (!found) throw cli_error("nats: object not found");
    if (found->nuid.empty()) throw cli_error("nats: object-store meta information invalid");
    found->deleted = true;
    found->size = 0;
    found->chunks = 0;
    found->digest.clear();
    found->mtime = timestamp{go_zero_time_seconds, 0};
    const std::string body = marshal_object_info(*found);
    natsMsg* raw = nullptr;
    check(natsMsg_Create(&raw, meta_subject(found->name).c_str(), nullptr, body.data(), static_cast<int>(body.size())));
    const message_ptr msg(raw);
    check(natsMsgHeader_Set(msg.get(), "Nats-Rollup", "sub"));
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus s = js_PublishMsg(&ack, ctx_, msg.get(), nullptr, &code);
    if (ack != nullptr) jsPubAck_Destroy(ack);
    check(s);
    purge_subject("$O." + bucket_ + ".C." + found->nuid);
}

std::vector<object_info> object_store::list() {
    std::vector<object_info> objects;
    const std::string all_meta = "$O." + bucket_ + ".M.>";
    try {
        js_.api.request("STREAM.MSG.GET." + stream_, ordered_json{{"last_by_subj", all_meta}});
    } catch (const api_error& e) {
        if (e.err_code == 10037) return objects;
        rethrow_in_go_words(e);
    }
    const subscription_ptr sub = ordered_subscription_on(ctx_, all_meta, true);
    for (;;) {
        natsMsg* raw = nullptr;
        check(natsSubscription_NextMsg(&raw, sub.get(), request_timeout_ms(js_)));
        const message_ptr msg(raw);
        if (auto i = parse_object_info(libnats::data_of(msg.get())); i && !i->deleted) {
            i->mtime = stored_time_of(msg.get());
            objects.push_back(std::move(*i));
        }
        if (pending_after(msg.get()) == 0) break;
    }
    return objects;
}

void object_store::watch(const std::function<void(const object_info&)>& on_update, const std::function<bool()>& keep_going) {
    const subscription_ptr sub = ordered_subscription_on(ctx_, "$O." + bucket_ + ".M.>", false);
    while (keep_going()) {
        natsMsg* raw = nullptr;
        const natsStatus s = natsSubscription_NextMsg(&raw, sub.get(), 200);
        if (s == NATS_TIMEOUT) continue;
        check(s);
        const message_ptr msg(raw);
        if (auto i = parse_object_info(libnats::data_of(msg.get()))) {
            i->mtime = stored_time_of(msg.get());
            on_update(*i);
        }
    }
}

void object_store::seal() {
    ordered_json config = object_of(refresh_stream_info(), "config");
    config["sealed"] = true;
    stream_info_ = with_go_errors([&] { return js_.api.request("STREAM.UPDATE." + stream_, config); });
}

} // namespace nats::cli
