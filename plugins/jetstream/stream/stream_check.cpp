#include "stream/stream_check.hpp"

#include "stream/subject_transform.hpp"

#include <deque>
#include <set>
#include <string>

#include <nats_sdk/go_quote.hpp>
#include <nats_sdk/go_time.hpp>
#include <nats_sdk/subject.hpp>

namespace nmk::jetstream {

namespace {

namespace subj = nats_sdk::subject;

constexpr std::int64_t ms = 1'000'000;
constexpr std::int64_t default_duplicate_window_ns = 120'000 * ms;  // StreamDefaultDuplicatesWindow
constexpr std::size_t max_name_length = 255;                        // JSMaxNameLen
constexpr std::size_t max_description_length = 4 * 1024;           // JSMaxDescriptionLen
constexpr std::int64_t max_replicas = 5;                            // StreamMaxReplicas

ApiError invalid(std::string_view why) { return ApiError::with(ErrorId::JSStreamInvalidConfig, why); }

bool filter_overlaps(const std::string& filter, const std::vector<std::string>& subjects) {
    if (filter.empty() || subjects.empty()) return true;
    for (const auto& s : subjects) {
        if (subj::subjects_collide(s, filter)) return true;
    }
    return false;
}

// Mirror and source checks: sizes, filters, external prefixes, cycles.
std::optional<ApiError> check_origins(StreamConfig& cfg, const StreamCheckContext& ctx) {
    std::vector<std::string> origin_subjects;
    std::vector<std::string> deliver_prefixes;
    std::vector<std::string> api_prefixes;
    const auto note_external = [&](const StreamSource& s) {
        if (!s.external) return;
        if (!s.external->deliver.empty()) deliver_prefixes.push_back(s.external->deliver);
        if (!s.external->api.empty()) api_prefixes.push_back(s.external->api);
    };
    if (cfg.mirror) {
        if (!cfg.subjects.empty()) return ApiError::of(ErrorId::JSMirrorWithSubjects);
        if (!cfg.sources.empty()) return ApiError::of(ErrorId::JSMirrorWithSources);
        if (auto origin = ctx.find_stream(cfg.mirror->name)) {
            origin_subjects.insert(origin_subjects.end(), origin->subjects.begin(), origin->subjects.end());
            if (cfg.max_msg_size > 0 && origin->max_msg_size > 0 && cfg.max_msg_size < origin->max_msg_size)
                return ApiError::of(ErrorId::JSMirrorMaxMessageSizeTooBig);
            if (!filter_overlaps(cfg.mirror->filter_subject, origin->subjects))
                return invalid("mirror '" + cfg.mirror->name + "' filter subject '" + cfg.mirror->filter_subject +
                               "' does not overlap with any origin stream subject");
            cfg.mirror_direct = origin->allow_direct;  // a mirror inherits direct gets
        }
        note_external(*cfg.mirror);
    }
    for (const auto& source : cfg.sources) {
        if (auto origin = ctx.find_stream(source.name)) {
            origin_subjects.insert(origin_subjects.end(), origin->subjects.begin(), origin->subjects.end());
            if (cfg.max_msg_size > 0 && origin->max_msg_size > 0 && cfg.max_msg_size < origin->max_msg_size)
                return ApiError::of(ErrorId::JSSourceMaxMessageSizeTooBig);
            if (!filter_overlaps(source.filter_subject, origin_subjects))
                return invalid("source '" + source.name + "' filter subject '" + source.filter_subject +
                               "' does not overlap with any origin stream subject");
        }
        note_external(source);
    }
    for (const auto& prefix : deliver_prefixes) {
        if (!subj::is_valid_publish_subject(prefix)) return ApiError::with(ErrorId::JSStreamInvalidExternalDeliverySubj, prefix);
        for (const auto& s : origin_subjects) {
            if (subj::subjects_collide(s, prefix + "." + s)) {
                ApiError e = ApiError::of(ErrorId::JSStreamExternalDelPrefixOverlaps);
                e.description = "stream external delivery prefix " + prefix + " overlaps with stream subject " + s;
                return e;
            }
        }
    }
    for (const auto& prefix : api_prefixes) {
        if (!subj::is_valid_publish_subject(prefix))
            return invalid("stream external api prefix " + nats_sdk::go_quote(prefix) +
                           " must be a valid subject without wildcards");
        if (subj::subjects_collide(prefix, "$JS.API")) {
            ApiError e = ApiError::of(ErrorId::JSStreamExternalApiOverlap);
            e.description = "stream external api prefix " + prefix + " must not overlap with $JS.API";
            return e;
        }
    }
    // Cycles through sources and mirrors of this account.
    std::deque<StreamConfig> to_visit{cfg};
    std::set<std::string> visited;
    while (!to_visit.empty()) {
        const StreamConfig current = std::move(to_visit.front());
        to_visit.pop_front();
        visited.insert(current.name);
        for (const auto& source : current.sources) {
            if (source.external) continue;
            if (visited.count(source.name)) return invalid("detected cycle");
            if (auto next = ctx.find_stream(source.name)) to_visit.push_back(*next);
        }
        if (current.mirror && !current.mirror->external) {
            if (visited.count(current.mirror->name)) return invalid("detected cycle");
            if (auto next = ctx.find_stream(current.mirror->name)) to_visit.push_back(*next);
        }
    }
    return std::nullopt;
}

std::optional<ApiError> check_subjects(StreamConfig& cfg) {
    if (cfg.subjects.empty()) {
        if (!cfg.mirror && cfg.sources.empty()) cfg.subjects.push_back(cfg.name);
    } else {
        if (cfg.mirror) return ApiError::of(ErrorId::JSMirrorWithSubjects);
        std::set<std::string_view> seen;
        for (const auto& s : cfg.subjects) {
            if (!seen.insert(s).second) return invalid("duplicate subjects detected");
            if (subj::is_subset_match(s, "$JS.API.>")) return invalid("subjects overlap with jetstream api");
            if (!subj::is_valid_subject(s)) return invalid("invalid subject");
        }
    }
    if (cfg.subjects.empty() && cfg.sources.empty() && !cfg.mirror)
        return invalid("stream needs at least one configured subject or be a source/mirror");
    return std::nullopt;
}

std::optional<ApiError> check_republish(StreamConfig& cfg) {
    if (!cfg.republish) return std::nullopt;
    auto& r = *cfg.republish;
    if (r.source.empty()) r.source = ">";
    bool source_valid = false;
    for (const auto& s : cfg.subjects) source_valid = source_valid || subj::subjects_collide(r.source, s);
    if (!source_valid) return invalid("stream configuration for republish source is not valid subset of subjects");
    for (const auto& s : cfg.subjects) {
        if (subj::subjects_collide(r.destination, s))
            return invalid("stream configuration for republish destination forms a cycle");
    }
    if (!SubjectTransform::make(r.source, r.destination)) return invalid("stream configuration for republish not valid");
    return std::nullopt;
}

}  // namespace

std::variant<StreamConfig, ApiError> check_stream_config(const StreamConfig& requested, const StreamCheckContext& ctx) {
    if (!is_valid_stream_name(requested.name)) return invalid("stream name is required and can not contain '.', '*', '>'");
    if (requested.name.size() > max_name_length)
        return invalid("stream name is too long, maximum allowed is " + std::to_string(max_name_length));
    if (requested.description.size() > max_description_length)
        return invalid("stream description is too long, maximum allowed is " + std::to_string(max_description_length));

    StreamConfig cfg = requested;
    if (cfg.storage == Storage::unset) cfg.storage = Storage::file;
    if (cfg.replicas == 0) cfg.replicas = 1;
    if (cfg.replicas > max_replicas) return invalid("maximum replicas is " + std::to_string(max_replicas));
    if (cfg.replicas < 0) return ApiError::of(ErrorId::JSReplicasCountCannotBeNegative);
    if (cfg.max_msgs == 0) cfg.max_msgs = -1;
    if (cfg.max_msgs_per_subject == 0) cfg.max_msgs_per_subject = -1;
    if (cfg.max_bytes == 0) cfg.max_bytes = -1;
    if (cfg.max_msg_size == 0) cfg.max_msg_size = -1;
    if (cfg.max_consumers == 0) cfg.max_consumers = -1;
    if (cfg.duplicate_window_ns == 0 && !cfg.mirror) {
        std::int64_t window = default_duplicate_window_ns;
        if (ctx.max_duplicate_window_ns > 0 && window > ctx.max_duplicate_window_ns) window = ctx.max_duplicate_window_ns;
        cfg.duplicate_window_ns = (cfg.max_age_ns != 0 && cfg.max_age_ns < window) ? cfg.max_age_ns : window;
    }
    if (cfg.max_age_ns > 0 && cfg.max_age_ns < 100 * ms) return invalid("max age needs to be >= 100ms");
    if (cfg.duplicate_window_ns < 0) return invalid("duplicates window can not be negative");
    if (cfg.max_age_ns != 0 && cfg.duplicate_window_ns > cfg.max_age_ns)
        return invalid("duplicates window can not be larger then max age");
    if (ctx.max_duplicate_window_ns > 0 && cfg.duplicate_window_ns > ctx.max_duplicate_window_ns)
        return invalid("duplicates window can not be larger then server limit of " +
                       nats_sdk::format_go_duration(std::chrono::nanoseconds(ctx.max_duplicate_window_ns)));
    if (cfg.duplicate_window_ns > 0 && cfg.duplicate_window_ns < 100 * ms)
        return invalid("duplicates window needs to be >= 100ms");
    if (cfg.deny_purge && cfg.allow_rollup) return invalid("roll-ups require the purge permission");
    if (cfg.discard_new_per_subject) {
        if (cfg.discard != Discard::new_messages)
            return invalid("discard new per subject requires discard new policy to be set");
        if (cfg.max_msgs_per_subject <= 0) return invalid("discard new per subject requires max msgs per subject > 0");
    }
    if (auto e = check_origins(cfg, ctx)) return *e;
    if (auto e = check_subjects(cfg)) return *e;
    if (ctx.max_bytes_required && cfg.max_bytes <= 0) return ApiError::of(ErrorId::JSStreamMaxBytesRequired);
    if (ctx.max_stream_bytes > 0 && cfg.max_bytes > ctx.max_stream_bytes)
        return ApiError::of(ErrorId::JSStreamMaxStreamBytesExceeded);
    if (cfg.subjects.size() > 1) {
        for (const auto& a : cfg.subjects) {
            for (const auto& b : cfg.subjects) {
                if (b != a && subj::subjects_collide(b, a))
                    return invalid("subject " + nats_sdk::go_quote(a) + " overlaps with " + nats_sdk::go_quote(b));
            }
        }
    }
    if (auto e = check_republish(cfg)) return *e;
    return cfg;
}

std::optional<ApiError> check_stream_update(const StreamConfig& old, const StreamConfig& cfg) {
    if (cfg.name != old.name) return invalid("stream configuration name must match original");
    if (cfg.max_consumers != old.max_consumers) return invalid("stream configuration update can not change MaxConsumers");
    if (cfg.storage != old.storage) return invalid("stream configuration update can not change storage type");
    if (cfg.retention != old.retention) return invalid("stream configuration update can not change retention policy");
    if (!old.template_owner.empty()) return invalid("stream configuration update not allowed on template owned stream");
    if (!cfg.template_owner.empty()) return invalid("stream configuration update can not be owned by a template");
    if (!cfg.sealed && old.sealed) return invalid("stream configuration update can not unseal a sealed stream");
    if (!cfg.deny_delete && old.deny_delete) return invalid("stream configuration update can not cancel deny message deletes");
    if (!cfg.deny_purge && old.deny_purge) return invalid("stream configuration update can not cancel deny purge");
    if (cfg.mirror != old.mirror) return ApiError::of(ErrorId::JSStreamMirrorNotUpdatable);
    if (cfg.republish != old.republish) return invalid("stream configuration update can not change RePublish");
    return std::nullopt;
}

}  // namespace nmk::jetstream
