#pragma once
// libsodium must be initialised once before use (it picks implementations and
// seeds its RNG); every entry point that calls into it goes through here.
namespace nats::nkeys::detail {

// Throws Error when libsodium cannot start.
void ensure_sodium();

} // namespace nats::nkeys::detail
