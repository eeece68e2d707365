// Log lines that must not compile (tests/sdk/CMakeLists.txt builds each case on its own
// and expects the compiler's message to name the check that refused it).
#include <nats_sdk/host.hpp>

void log_bad_pattern(const nats_sdk::Host& host) {
#if NATS_SDK_BAD_PATTERN == 1
    host.info("rate {:.0f} msgs/s", 12.5);  // a format spec
#elif NATS_SDK_BAD_PATTERN == 2
    host.warn("{} of {} done", 3);  // fewer arguments than "{}"
#elif NATS_SDK_BAD_PATTERN == 3
    host.error("closing } early");  // a lone closing brace
#endif
}
