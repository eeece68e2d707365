#include "libs/auth_common/password.hpp"

#include <crypt.h>

#include <cstring>
#include <memory>
#include <string>

#include <nats_sdk/constant_time.hpp>

namespace nats::auth_common {

bool is_bcrypt(std::string_view stored) {
    return stored.size() >= 7 && stored.substr(0, 2) == "$2" &&
           (stored[2] == 'a' || stored[2] == 'b' || stored[2] == 'x' || stored[2] == 'y') && stored[3] == '$' &&
           stored[4] >= '0' && stored[4] <= '9' && stored[5] >= '0' && stored[5] <= '9' && stored[6] == '$';
}

bool bcrypt_matches(std::string_view hash, std::string_view password) {
    if (!is_bcrypt(hash) || password.find('\0') != std::string_view::npos || hash.find('\0') != std::string_view::npos) {
        return false;
    }
    const std::string phrase(password);
    const std::string setting(hash);
    // crypt_data is ~32 KiB: too big for an I/O or pool thread's stack.
    auto data = std::make_unique<crypt_data>();
    const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), static_cast<int>(sizeof(crypt_data)));
    // libcrypt answers an unusable setting with NULL or with a string starting '*'.
    if (out == nullptr || out[0] == '*') {
        return false;
    }
    const bool equal = secrets_equal(std::string_view(out, std::strlen(out)), hash);
    // The buffer held what the password hashes to; do not leave it on the heap.
    explicit_bzero(data.get(), sizeof(crypt_data));
    return equal;
}

bool secrets_equal(std::string_view given, std::string_view secret) {
    return nats_sdk::constant_time_equals(given, secret);
}

bool password_matches(std::string_view stored, std::string_view given) {
    return is_bcrypt(stored) ? bcrypt_matches(stored, given) : secrets_equal(given, stored);
}

}  // namespace nats::auth_common
