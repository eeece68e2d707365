#include "libs/nkeys/sodium_ready.hpp"

#include <sodium.h>

#include "libs/nkeys/nkeys.hpp"

namespace nats::nkeys::detail {

void ensure_sodium() {
    // A function-local static runs exactly once, even with concurrent callers.
    static const int status = sodium_init();
    if (status < 0) throw Error("nkeys: libsodium failed to initialise");
}

} // namespace nats::nkeys::detail
