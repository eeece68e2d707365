#pragma once
// Creds files: a user JWT and its NKey seed in the framed text nsc writes and
// the NATS clients read (natsOptions_SetUserCredentialsFromFiles, nats.go's
// UserCredentials).
#include <string>
#include <string_view>

namespace nats::jwt {

std::string format_creds(std::string_view user_jwt, std::string_view user_seed);

struct Creds {
    std::string jwt;
    std::string seed;  // secret
};
// The first "-----BEGIN ..." framed block is the JWT, the second the seed, as the
// clients read them. Throws Error when either is missing.
Creds parse_creds(std::string_view text);

// Operator or account JWT files (nsc's .jwt, or a "-----BEGIN NATS OPERATOR JWT-----"
// frame as the resolver's preloads sometimes are): the token inside, trimmed.
std::string token_in_file_text(std::string_view text);

}  // namespace nats::jwt
