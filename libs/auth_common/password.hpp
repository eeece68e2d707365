#pragma once
// Checking what a client sent against a configured secret (password or token):
// bcrypt hashes through libcrypt, plain text in constant time.
// Thread safety: every function may run on any thread at once.
#include <string_view>

namespace nats::auth_common {

// nats-server's rule for "this is a bcrypt hash": "$2a$", "$2b$", "$2x$" or
// "$2y$", two cost digits, "$". Anything else is compared as plain text.
bool is_bcrypt(std::string_view stored);

// True when `password` hashes to `hash` (libcrypt's crypt_rn). False for a
// malformed hash, and for a password holding a NUL byte (crypt stops at it).
// Slow by design (tens of milliseconds at cost 10): keep it off I/O threads.
bool bcrypt_matches(std::string_view hash, std::string_view password);

// Same bytes. The time depends only on the length of `given` (what the client
// sent), never on the secret's length nor where the first difference is.
bool secrets_equal(std::string_view given, std::string_view secret);

// The client's `given` secret against the `stored` one: bcrypt when `stored`
// is a hash, else secrets_equal().
bool password_matches(std::string_view stored, std::string_view given);

}  // namespace nats::auth_common
