#pragma once
// `server passwd`: bcrypt hashes as golang.org/x/crypto/bcrypt writes them
// ("$2a$<cost>$..."), made by libcrypt (libxcrypt), the library the server's
// password check (libs/auth_common) verifies them with; and natscli's
// generated passwords.
#include <string>

namespace nats::cli {

// Throws cli_error when libcrypt refuses (cost outside 4..31).
std::string bcrypt_hash(const std::string& password, int cost);

// True when `password` hashes to `hash`.
bool bcrypt_verify(const std::string& hash, const std::string& password);

// natscli's randomPassword: `length` characters from letters, digits and @#_-%^&().
std::string random_password(std::size_t length);

} // namespace nats::cli
