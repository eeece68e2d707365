#include "password_hash.hpp"

#include <crypt.h>
#include <openssl/rand.h>

#include <memory>

#include "errors.hpp"

namespace nats::cli {

std::string bcrypt_hash(const std::string& password, int cost) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$2a$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt) == nullptr) {
        throw cli_error("error producing bcrypt hash: invalid cost");
    }
    auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the stack
    const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof(crypt_data));
    if (hash == nullptr || hash[0] == '*') throw cli_error("error producing bcrypt hash");
    return hash;
}

bool bcrypt_verify(const std::string& hash, const std::string& password) {
    auto data = std::make_unique<crypt_data>();
    const char* again = crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
    return again != nullptr && hash == again;
}

std::string random_password(std::size_t length) {
    static const std::string runes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#_-%^&()";
    std::string out;
    unsigned char r = 0;
    while (out.size() < length) {
        if (RAND_bytes(&r, 1) != 1) throw cli_error("could not generate a password");
        if (r >= 256 - 256 % runes.size()) continue;  // no modulo bias
        out += runes[r % runes.size()];
    }
    return out;
}

} // namespace nats::cli
