#pragma once
// The full resolver's directory of account JWTs, in nats-server's layout (DirJWTStore,
// unsharded): one `<account key>.jwt` file per account, a deleted one renamed to
// `<account key>.jwt.deleted`. Writes go to a temporary file that is fsynced and
// renamed over the old one, so a crash leaves the old JWT or the new one, never half
// of either. The store's hash is nats-server's: the XOR of every JWT's SHA-256 (what a
// $SYS.REQ.CLAIMS.PACK request compares). Each JWT's digest is kept beside it and the
// XOR is updated on every change, so hash() costs nothing however many JWTs there are.
// Thread safety: one mutex around every call; calls run on blocking workers only.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nats::auth_jwt {

struct DirStoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class JwtDirStore {
public:
    using Hash = std::array<unsigned char, 32>;

    // limit: how many JWTs it keeps at most (nats-server's `limit`); <= 0: no limit.
    // cache: the `cache` resolver's store: past the limit the least recently used JWT
    // is removed to make room, and a delete removes the file (no .deleted copy).
    // ttl (the cache's `ttl`): each JWT's file is removed that long after it was written
    // or read at open; without a ttl, when the JWT's own `exp` passes (nats-server's
    // expiration tracker, for both resolver types).
    JwtDirStore(std::string dir, std::int64_t limit, bool cache = false,
                std::chrono::nanoseconds ttl = std::chrono::nanoseconds(0));

    // Creates the directory if needed and reads every JWT in it: key -> JWT text.
    // Throws DirStoreError when the directory cannot be made or read.
    std::map<std::string, std::string> open();
    std::optional<std::string> load(const std::string& key) const;
    // Writes `jwt` for `key` unless that exact text is there already (then false).
    // Throws DirStoreError ("jwt store is full", an I/O error).
    bool save(const std::string& key, const std::string& jwt);
    // Renames the key's file to <key>.jwt.deleted; false when there was none.
    bool remove(const std::string& key);
    // Every JWT, by key.
    std::map<std::string, std::string> all() const;
    Hash hash() const;
    // Removes the files of JWTs whose time is up at `now_unix_ns` (as nats-server's tracker:
    // the file only; the account the server loaded stays). Returns their keys.
    std::vector<std::string> expire(std::int64_t now_unix_ns);
    // How often expire() should run: ttl / 2, at most a minute (nats-server's reCheck).
    std::chrono::milliseconds expiry_check_interval() const;
    const std::string& dir() const noexcept { return dir_; }

private:
    std::string path_for(const std::string& key) const;

    void touch(const std::string& key) const { last_used_[key] = ++use_clock_; }
    // The only ways jwts_ changes: they keep digests_ and hash_ in step with it.
    void put(const std::string& key, const std::string& jwt);
    void drop(const std::string& key);

    std::string dir_;
    std::int64_t limit_;
    bool cache_;
    std::chrono::nanoseconds ttl_;
    std::map<std::string, std::int64_t> expires_at_;  // unix ns; INT64_MAX: never
    mutable std::map<std::string, std::uint64_t> last_used_;  // cache: for eviction
    mutable std::uint64_t use_clock_ = 0;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> jwts_;  // what the directory holds
    std::map<std::string, Hash> digests_;      // SHA-256 of each JWT in jwts_
    Hash hash_{};                              // XOR of digests_
};

}  // namespace nats::auth_jwt
