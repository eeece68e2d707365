#include "nats_handles.hpp"

namespace nats::bench {

void check(natsStatus s, const char* what) {
    if (s == NATS_OK) return;
    std::string msg = std::string(what) + ": " + natsStatus_GetText(s);
    if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0')
        msg += " (" + std::string(last) + ")";
    throw setup_error(msg);
}

}  // namespace nats::bench
