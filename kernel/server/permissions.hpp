#pragma once
// What an authenticated client may publish and subscribe to. An authenticator
// returns permissions as JSON (AuthResult::permissions_json); the kernel
// compiles it once per connection into subject indexes and enforces it:
//
//   {"publish":   {"allow": [...], "deny": [...]},
//    "subscribe": {"allow": [...], "deny": [...]},   entries may be "subject queue"
//    "allow_responses": {"max": 1, "expires": 0}}    expires in nanoseconds
//
// Absent keys restrict nothing. The nats-server config shorthands are accepted
// too: `publish: "a.>"` or `["a", "b"]` is an allow list, `allow_responses: true`,
// `pub`/`sub`, and `expires: "2m"` as a duration string. As in nats-server, an
// empty list restricts nothing, except that allow_responses without a publish
// allow list allows publishing to reply subjects only.
//
// Matching is nats-server 2.9.10's (client.go canSubscribe / pubAllowedFullCheck):
// a subscription subject is matched against the lists as a literal, so "foo.>"
// passes an allow of "foo.*"; a queue subscription is judged by the "subject
// queue" entries when the subject has any (queue names may use wildcards).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kernel/routing/sublist.hpp"

namespace nats::server {

// Malformed permissions: the text says what and where, never a secret.
class PermissionsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// allow_responses: replies to messages the client received may be published
// `max_msgs` times each, within `expires` of the delivery. Negative: no limit.
struct ResponsePermission {
    std::int64_t max_msgs = 1;
    std::chrono::nanoseconds expires = std::chrono::minutes(2);
};

class Permissions {
public:
    // Null when nothing is restricted (empty text, "null", "{}"), so a client
    // without permissions pays one pointer test. Throws PermissionsError.
    static std::unique_ptr<Permissions> compile(std::string_view json);

    Permissions(const Permissions&) = delete;
    Permissions& operator=(const Permissions&) = delete;
    ~Permissions();

    // Publish allow/deny lists, without reply permits. Decisions are cached
    // per subject (bounded, like nats-server's pcache): owner thread only.
    bool publish_restricted() const { return publish_allow_ || publish_deny_; }
    bool publish_allowed(std::string_view subject);

    // Any thread.
    bool subscribe_allowed(std::string_view subject, std::string_view queue = {}) const;
    // Whether a wildcard subscription reaches subjects a subscribe deny entry
    // names: nats-server then checks every delivery against the deny list.
    bool needs_delivery_filter(std::string_view subscription_subject) const;
    // A message on `subject` must not be delivered (plain deny entries).
    bool delivery_denied(std::string_view subject) const;

    const std::optional<ResponsePermission>& responses() const { return responses_; }
    std::size_t publish_cache_size() const { return publish_cache_.size(); }

private:
    Permissions();

    std::unique_ptr<routing::Sublist> publish_allow_, publish_deny_;
    std::unique_ptr<routing::Sublist> subscribe_allow_, subscribe_deny_;
    std::vector<std::string> subscribe_deny_subjects_;  // plain entries, for the delivery filter
    std::optional<ResponsePermission> responses_;

    struct SubjectHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, bool, SubjectHash, std::equal_to<>> publish_cache_;
};

// The reply subjects a client with allow_responses may answer: recorded when a
// message with a reply is delivered to it, spent when it publishes there.
// Not thread-safe: the client guards it with its outbound lock.
class ReplyPermits {
public:
    using clock = std::chrono::steady_clock;
    explicit ReplyPermits(ResponsePermission limits) : limits_(limits) {}

    void grant(std::string_view reply, clock::time_point now);
    // True (and one use spent) when `subject` is a reply still open.
    bool use(std::string_view subject, clock::time_point now);
    std::size_t size() const { return open_.size(); }

private:
    void prune(clock::time_point now);

    struct Permit {
        clock::time_point granted;
        std::int64_t used = 0;
    };
    struct SubjectHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    ResponsePermission limits_;
    std::unordered_map<std::string, Permit, SubjectHash, std::equal_to<>> open_;
};

}  // namespace nats::server
