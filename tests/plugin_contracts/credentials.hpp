#pragma once
// Secrets the plugin tests configure. Distinctive, so the contract suite can tell
// a leaked secret in a deny reason from a coincidence.
#include <string>

#include "libs/nkeys/nkeys.hpp"

namespace nats::plugin_tests {

// From nats-server's test/auth_test.go (Go's bcrypt, cost 4).
inline constexpr const char* go_password = "IW@$6v(y1(t@fhPDvf!5^%";
inline constexpr const char* go_password_hash = "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq";
inline constexpr const char* go_token = "0uhJOSr3GW7xvHvtd^K6pa";
inline constexpr const char* go_token_hash = "$2a$04$u5ZClXpcjHgpfc61Ee0VKuwI1K3vTC4zq7SjphjnlHMeb1Llkb5Y6";
// Made with Python's crypt (METHOD_BLOWFISH, cost 4).
inline constexpr const char* bob_password = "bob-Bcrypt-2b-pw";
inline constexpr const char* bob_hash = "$2b$04$CmosEJfJiDghxgHA9Q8DnOH3RatQHOM.Z0z4E3fvJx/G.Om65bFwO";
inline constexpr const char* token_2b = "Tok3n-bcrypt-2b-9f1c";
inline constexpr const char* token_2b_hash = "$2b$04$HozlNmUDI48Nnts5/a4k9uqOgfWc7SNQ4aA0WeJL5Zb8cKYDXdYey";

// User keys from fixed raw seeds, so every run sees the same keys.
inline nkeys::KeyPair user_key(char fill) {
    return nkeys::KeyPair::from_raw_seed(nkeys::KeyType::user, std::string(32, fill));
}

}  // namespace nats::plugin_tests
