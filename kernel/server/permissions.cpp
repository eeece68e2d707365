#include "kernel/server/permissions.hpp"

#include <nlohmann/json.hpp>
#include <nats_sdk/subject.hpp>

#include <algorithm>
#include <cctype>

#include "kernel/config/duration.hpp"

namespace nats::server {

namespace {

using nlohmann::json;

// nats-server's maxPermCacheSize / pruneSize and replyPermLimit.
constexpr std::size_t publish_cache_max = 128;
constexpr std::size_t publish_cache_prune = 32;
constexpr std::size_t reply_permits_max = 4096;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

[[noreturn]] void fail(const std::string& what) { throw PermissionsError("permissions: " + what); }

struct SubjectLists {
    std::vector<std::string> allow, deny;
};

// A subject, or an array of subjects.
std::vector<std::string> subject_list(const json& v, const std::string& where) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (v.is_string()) {
        out.push_back(v.get<std::string>());
        return out;
    }
    if (!v.is_array()) fail("\"" + where + "\" must be a subject or an array of subjects");
    for (const auto& item : v) {
        if (!item.is_string()) fail("\"" + where + "\" must hold only strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

// {"allow": ..., "deny": ...}, or the shorthand: a subject or an array (an allow list).
SubjectLists subject_lists(const json& v, const std::string& where) {
    SubjectLists out;
    if (!v.is_object()) {
        out.allow = subject_list(v, where);
        return out;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string key = lower(it.key());
        if (key == "allow") out.allow = subject_list(*it, where + ".allow");
        else if (key == "deny") out.deny = subject_list(*it, where + ".deny");
        else fail("unknown field \"" + it.key() + "\" in \"" + where + "\"");
    }
    return out;
}

std::int64_t response_max(const json& v) {
    if (!v.is_number_integer()) fail("allow_responses: \"max\" must be an integer");
    const auto n = v.get<std::int64_t>();
    return n == 0 ? ResponsePermission{}.max_msgs : n;  // 0: the default, as in nats-server
}

std::chrono::nanoseconds response_expires(const json& v) {
    std::chrono::nanoseconds d{0};
    if (v.is_number_integer()) {
        d = std::chrono::nanoseconds(v.get<std::int64_t>());
    } else if (v.is_string()) {
        std::string error;
        auto parsed = config::parse_go_duration(v.get<std::string>(), &error);
        if (!parsed) fail("allow_responses: \"expires\": " + error);
        d = *parsed;
    } else {
        fail("allow_responses: \"expires\" must be nanoseconds or a duration string");
    }
    return d.count() == 0 ? ResponsePermission{}.expires : d;
}

std::optional<ResponsePermission> response_permission(const json& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_boolean()) return v.get<bool>() ? std::optional<ResponsePermission>(ResponsePermission{}) : std::nullopt;
    if (!v.is_object()) fail("\"allow_responses\" must be a boolean or an object");
    ResponsePermission out;
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string key = lower(it.key());
        if (key == "max" || key == "max_msgs" || key == "max_messages" || key == "max_responses") {
            out.max_msgs = response_max(*it);
        } else if (key == "expires" || key == "expiration" || key == "ttl") {
            out.expires = response_expires(*it);
        } else {
            fail("unknown field \"" + it.key() + "\" in \"allow_responses\"");
        }
    }
    return out;
}

// "subject" or "subject queue" (any whitespace between), as nats-server splits them.
std::pair<std::string, std::string> split_subject_queue(const std::string& entry, const std::string& where) {
    std::vector<std::string> fields;
    std::size_t i = 0;
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (i < entry.size()) {
        while (i < entry.size() && space(entry[i])) ++i;
        const std::size_t start = i;
        while (i < entry.size() && !space(entry[i])) ++i;
        if (i > start) fields.emplace_back(entry.substr(start, i - start));
    }
    if (fields.empty() || fields.size() > 2) fail("invalid subject-queue \"" + entry + "\" in \"" + where + "\"");
    if (!nats_sdk::subject::is_valid_subject(fields[0])) fail("invalid subject \"" + fields[0] + "\" in \"" + where + "\"");
    return {fields[0], fields.size() == 2 ? fields[1] : std::string()};
}

std::unique_ptr<routing::Sublist> publish_index(const std::vector<std::string>& subjects, const std::string& where) {
    auto index = std::make_unique<routing::Sublist>();
    for (const auto& s : subjects) {
        if (!nats_sdk::subject::is_valid_subject(s)) fail("invalid subject \"" + s + "\" in \"" + where + "\"");
        auto entry = std::make_shared<routing::Subscription>();
        entry->subject = s;
        index->insert(std::move(entry));
    }
    return index;
}

std::unique_ptr<routing::Sublist> subscribe_index(const std::vector<std::string>& entries, const std::string& where,
                                                  std::vector<std::string>* plain_subjects) {
    auto index = std::make_unique<routing::Sublist>();
    for (const auto& e : entries) {
        auto [subject, queue] = split_subject_queue(e, where);
        if (queue.empty() && plain_subjects) plain_subjects->push_back(subject);
        auto entry = std::make_shared<routing::Subscription>();
        entry->subject = std::move(subject);
        entry->queue = std::move(queue);
        index->insert(std::move(entry));
    }
    return index;
}

using nats_sdk::subject::has_wildcard;

// nats-server's queueMatches: a queue group of the lists names this queue,
// literally or through wildcards in its name.
bool queue_matches(std::string_view queue, const routing::MatchResult& r) {
    for (const auto& group : r.queue_groups) {
        const std::string& name = group.front()->queue;
        if (queue == name) return true;
        if (has_wildcard(name) && nats_sdk::subject::is_subset_match(queue, name)) return true;
    }
    return false;
}

}  // namespace

Permissions::Permissions() = default;
Permissions::~Permissions() = default;

std::unique_ptr<Permissions> Permissions::compile(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return nullptr;
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) fail("not valid JSON");
    if (doc.is_null()) return nullptr;
    if (!doc.is_object()) fail("expected an object, got " + std::string(doc.type_name()));

    SubjectLists publish, subscribe;
    std::optional<ResponsePermission> responses;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string key = lower(it.key());
        if (key == "publish" || key == "pub") publish = subject_lists(*it, "publish");
        else if (key == "subscribe" || key == "sub") subscribe = subject_lists(*it, "subscribe");
        else if (key == "allow_responses" || key == "publish_allow_responses" || key == "responses")
            responses = response_permission(*it);
        else fail("unknown field \"" + it.key() + "\"");
    }
    if (publish.allow.empty() && publish.deny.empty() && subscribe.allow.empty() && subscribe.deny.empty() &&
        !responses) {
        return nullptr;
    }

    std::unique_ptr<Permissions> p(new Permissions());
    // allow_responses turns off the blanket publish allow: replies only, unless listed.
    if (!publish.allow.empty() || responses) p->publish_allow_ = publish_index(publish.allow, "publish.allow");
    if (!publish.deny.empty()) p->publish_deny_ = publish_index(publish.deny, "publish.deny");
    if (!subscribe.allow.empty()) p->subscribe_allow_ = subscribe_index(subscribe.allow, "subscribe.allow", nullptr);
    if (!subscribe.deny.empty())
        p->subscribe_deny_ = subscribe_index(subscribe.deny, "subscribe.deny", &p->subscribe_deny_subjects_);
    p->responses_ = responses;
    return p;
}

bool Permissions::publish_allowed(std::string_view subject) {
    if (auto it = publish_cache_.find(subject); it != publish_cache_.end()) return it->second;
    bool allowed = true;
    if (publish_allow_) allowed = !publish_allow_->match(subject)->plain.empty();
    if (allowed && publish_deny_) allowed = publish_deny_->match(subject)->plain.empty();
    if (publish_cache_.size() >= publish_cache_max) {
        // Arbitrary victims, as nats-server's sync.Map range.
        auto victim = publish_cache_.begin();
        for (std::size_t n = 0; n < publish_cache_prune && victim != publish_cache_.end(); ++n)
            victim = publish_cache_.erase(victim);
    }
    publish_cache_.emplace(subject, allowed);
    return allowed;
}

bool Permissions::subscribe_allowed(std::string_view subject, std::string_view queue) const {
    bool allowed = true;
    if (subscribe_allow_) {
        const auto r = subscribe_allow_->match(subject);
        allowed = !r->plain.empty();
        // A queue named in the lists decides alone: "foo v1" allows only that group.
        if (!queue.empty() && !r->queue_groups.empty()) allowed = queue_matches(queue, *r);
    }
    if (allowed && subscribe_deny_) {
        const auto r = subscribe_deny_->match(subject);
        allowed = r->plain.empty();
        if (!queue.empty() && !r->queue_groups.empty()) allowed = !queue_matches(queue, *r);
    }
    return allowed;
}

bool Permissions::needs_delivery_filter(std::string_view subscription_subject) const {
    if (subscribe_deny_subjects_.empty() || !has_wildcard(subscription_subject)) return false;
    return std::any_of(subscribe_deny_subjects_.begin(), subscribe_deny_subjects_.end(),
                       [&](const std::string& deny) {
                           // nats-server loads its deny filter only when subjectIsSubsetMatch(deny,
                           // subject); SubjectsCollide also catches a deny that merely overlaps
                           // ("foo.*" under "*.bar"), so such a message is filtered here too.
                           return nats_sdk::subject::subjects_collide(deny, subscription_subject);
                       });
}

bool Permissions::delivery_denied(std::string_view subject) const {
    return subscribe_deny_ && !subscribe_deny_->match(subject)->plain.empty();
}

// ---- reply permits ----

void ReplyPermits::grant(std::string_view reply, clock::time_point now) {
    auto it = open_.find(reply);
    if (it == open_.end()) it = open_.emplace(std::string(reply), Permit{}).first;
    it->second = Permit{now, 0};  // a new request on the same reply starts over, as in nats-server
    if (open_.size() > reply_permits_max) prune(now);
}

bool ReplyPermits::use(std::string_view subject, clock::time_point now) {
    auto it = open_.find(subject);
    if (it == open_.end()) return false;
    Permit& p = it->second;
    ++p.used;
    const bool spent = limits_.max_msgs > 0 && p.used > limits_.max_msgs;
    const bool expired = limits_.expires.count() > 0 && now - p.granted > limits_.expires;
    if (spent || expired) {
        open_.erase(it);
        return false;
    }
    return true;
}

void ReplyPermits::prune(clock::time_point now) {
    std::erase_if(open_, [&](const auto& entry) {
        const Permit& p = entry.second;
        return (limits_.max_msgs > 0 && p.used >= limits_.max_msgs) ||
               (limits_.expires.count() > 0 && now - p.granted > limits_.expires);
    });
    // Permits without limits never lapse: drop the oldest quarter at once, so
    // memory stays bounded and the scan is paid once per thousand grants.
    if (open_.size() <= reply_permits_max) return;
    std::vector<std::pair<clock::time_point, std::string_view>> by_age;
    by_age.reserve(open_.size());
    for (const auto& [reply, p] : open_) by_age.emplace_back(p.granted, reply);
    const std::size_t drop = open_.size() - reply_permits_max * 3 / 4;
    std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop), by_age.end());
    std::vector<std::string> victims;
    victims.reserve(drop);
    for (std::size_t i = 0; i < drop; ++i) victims.emplace_back(by_age[i].second);
    for (const auto& v : victims) open_.erase(v);
}

}  // namespace nats::server
