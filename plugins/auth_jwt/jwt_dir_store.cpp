#include "plugins/auth_jwt/jwt_dir_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <openssl/sha.h>

#include <nlohmann/json.hpp>

#include "libs/jwt/token.hpp"
#include "libs/nkeys/nkeys.hpp"

namespace nats::auth_jwt {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view extension = ".jwt";

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
    throw DirStoreError(what + " " + path.string() + ": " + std::strerror(error));
}

// Writes, fsyncs and renames into place, then fsyncs the directory: the JWT is on disk
// before the update is answered.
void write_durably(const fs::path& path, const std::string& text) {
    const fs::path temp = path.string() + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("open", temp, errno);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail("write", temp, error);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        fail("fsync", temp, error);
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) fail("rename", temp, errno);
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("open", path, errno);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

JwtDirStore::Hash sha256(const std::string& text) {
    JwtDirStore::Hash digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return digest;
}

// XOR is its own inverse: the same call adds a digest to the running hash or takes it out.
void toggle(JwtDirStore::Hash& into, const JwtDirStore::Hash& digest) {
    for (std::size_t i = 0; i < into.size(); ++i) into[i] ^= digest[i];
}

// The JWT's `exp` in unix seconds (0: none), read without verifying: the store only holds
// JWTs that were verified before they were saved, and this only decides when a file goes.
std::int64_t jwt_expiry(const std::string& text) {
    const auto first = text.find('.');
    const auto second = first == std::string::npos ? first : text.find('.', first + 1);
    if (second == std::string::npos) return 0;
    try {
        const auto claims = nlohmann::json::parse(jwt::decode_part(text.substr(first + 1, second - first - 1)),
                                                  nullptr, false);
        if (!claims.is_object()) return 0;
        const auto exp = claims.find("exp");
        return exp != claims.end() && exp->is_number_integer() ? exp->get<std::int64_t>() : 0;
    } catch (const jwt::Error&) {
        return 0;
    }
}

std::int64_t now_unix_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

JwtDirStore::JwtDirStore(std::string dir, std::int64_t limit, bool cache, std::chrono::nanoseconds ttl)
    : dir_(std::move(dir)), limit_(limit), cache_(cache), ttl_(ttl) {}

std::string JwtDirStore::path_for(const std::string& key) const {
    if (!nkeys::is_valid_public_key(key, nkeys::KeyType::account)) throw DirStoreError("invalid public key");
    return (fs::path(dir_) / (key + std::string(extension))).string();
}

void JwtDirStore::put(const std::string& key, const std::string& jwt) {
    const Hash digest = sha256(jwt);
    const auto [it, added] = digests_.try_emplace(key, digest);
    if (!added) {
        toggle(hash_, it->second);  // the overwritten JWT leaves the hash
        it->second = digest;
    }
    toggle(hash_, digest);
    jwts_[key] = jwt;
    // As nats-server's tracker: a ttl wins over the JWT's own expiry.
    constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();
    std::int64_t at = never;
    if (ttl_.count() > 0) {
        at = now_unix_ns() + ttl_.count();
    } else if (const std::int64_t exp = jwt_expiry(jwt); exp > 0 && exp < never / 1'000'000'000) {
        at = exp * 1'000'000'000;
    }
    expires_at_[key] = at;
}

void JwtDirStore::drop(const std::string& key) {
    const auto it = digests_.find(key);
    if (it != digests_.end()) {
        toggle(hash_, it->second);
        digests_.erase(it);
    }
    jwts_.erase(key);
    expires_at_.erase(key);
}

std::map<std::string, std::string> JwtDirStore::open() {
    std::lock_guard lock(mutex_);
    std::error_code error;
    fs::create_directories(dir_, error);
    if (error) throw DirStoreError("cannot create " + dir_ + ": " + error.message());
    jwts_.clear();
    digests_.clear();
    hash_ = {};
    for (const auto& entry : fs::directory_iterator(dir_, error)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || !name.ends_with(extension)) continue;
        const std::string key = name.substr(0, name.size() - extension.size());
        if (!nkeys::is_valid_public_key(key, nkeys::KeyType::account)) continue;
        put(key, read_text(entry.path()));
        touch(key);
    }
    if (error) throw DirStoreError("cannot read " + dir_ + ": " + error.message());
    return jwts_;
}

std::optional<std::string> JwtDirStore::load(const std::string& key) const {
    std::lock_guard lock(mutex_);
    const auto it = jwts_.find(key);
    if (it == jwts_.end()) return std::nullopt;
    touch(key);
    return it->second;
}

bool JwtDirStore::save(const std::string& key, const std::string& jwt) {
    std::lock_guard lock(mutex_);
    const std::string path = path_for(key);
    const auto it = jwts_.find(key);
    if (it != jwts_.end() && it->second == jwt) return false;
    if (it == jwts_.end() && limit_ > 0 && static_cast<std::int64_t>(jwts_.size()) >= limit_) {
        if (!cache_) throw DirStoreError("jwt store is full");
        // The cache makes room: the least recently used JWT goes.
        const auto oldest = std::min_element(last_used_.begin(), last_used_.end(),
                                             [](const auto& a, const auto& b) { return a.second < b.second; });
        if (oldest != last_used_.end()) {
            std::error_code ignored;
            fs::remove(path_for(oldest->first), ignored);
            drop(oldest->first);
            last_used_.erase(oldest);
        }
    }
    write_durably(path, jwt);
    put(key, jwt);
    touch(key);
    return true;
}

bool JwtDirStore::remove(const std::string& key) {
    std::lock_guard lock(mutex_);
    const std::string path = path_for(key);
    last_used_.erase(key);
    const int moved = cache_ ? ::unlink(path.c_str()) : ::rename(path.c_str(), (path + ".deleted").c_str());
    if (moved != 0) {
        if (errno == ENOENT) {
            drop(key);
            return false;
        }
        fail("rename", path, errno);
    }
    drop(key);
    return true;
}

std::map<std::string, std::string> JwtDirStore::all() const {
    std::lock_guard lock(mutex_);
    return jwts_;
}

JwtDirStore::Hash JwtDirStore::hash() const {
    std::lock_guard lock(mutex_);
    return hash_;
}

std::vector<std::string> JwtDirStore::expire(std::int64_t now) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> due;
    for (const auto& [key, at] : expires_at_) {
        if (at <= now) due.push_back(key);
    }
    std::vector<std::string> removed;
    for (const auto& key : due) {
        // A file that cannot be removed stays tracked and is tried again next time.
        if (::unlink(path_for(key).c_str()) != 0 && errno != ENOENT) continue;
        drop(key);
        last_used_.erase(key);
        removed.push_back(key);
    }
    return removed;
}

std::chrono::milliseconds JwtDirStore::expiry_check_interval() const {
    const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(ttl_ / 2);
    if (half.count() <= 0 || half > std::chrono::minutes(1)) return std::chrono::minutes(1);
    return half;
}

}  // namespace nats::auth_jwt
