#include "errors.hpp"

#include <cctype>
#include <string_view>

namespace nats::cli {
namespace {

// libnats' own description of the last failure on this thread, without the
// "(file.c:123): " location prefix.
std::string last_error_detail() {
    const char* text = nats_GetLastError(nullptr);
    if (text == nullptr) return {};
    std::string_view view(text);
    if (!view.empty() && view.front() == '(') {
        const auto end = view.find("): ");
        if (end != std::string_view::npos) view.remove_prefix(end + 3);
    }
    return std::string(view);
}

} // namespace

std::string status_text(natsStatus status) {
    switch (status) {
    case NATS_NO_SERVER: return "nats: no servers available for connection";
    case NATS_TIMEOUT: return "nats: timeout";
    case NATS_NO_RESPONDERS: return "nats: no responders available for request";
    case NATS_CONNECTION_CLOSED: return "nats: connection closed";
    case NATS_MAX_PAYLOAD: return "nats: maximum payload exceeded";
    case NATS_INVALID_SUBJECT: return "nats: invalid subject";
    case NATS_CONNECTION_AUTH_FAILED:
    case NATS_NOT_PERMITTED: {
        // The server's -ERR text says which: authorization, or something else
        // (permissions, authentication timeout) that is passed on as sent.
        const std::string detail = last_error_detail();
        std::string lower = detail;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.empty() || lower.find("authorization violation") != std::string::npos) {
            return "nats: authorization violation";
        }
        return "nats: " + detail;
    }
    default: break;
    }
    std::string detail = last_error_detail();
    if (detail.empty()) detail = natsStatus_GetText(status);
    return "nats: " + detail;
}

void check(natsStatus status) {
    if (status != NATS_OK) throw cli_error(status_text(status));
}

} // namespace nats::cli
