#pragma once
// Errors on the plugin side, and how they are written into the ABI's error buffer.
// Exceptions never cross the ABI: the trampolines in entry.hpp catch them.

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nats_sdk/abi.hpp"

namespace nats_sdk {

// A host call that failed, or a plugin refusing an operation.
class Error : public std::runtime_error {
public:
    explicit Error(std::string message, nmk_status status = NMK_ERROR)
        : std::runtime_error(std::move(message)), status_(status) {}
    nmk_status status() const noexcept { return status_; }

private:
    nmk_status status_;
};

// A config block the plugin cannot use: create()/reload() fail with this text.
class ConfigError : public Error {
public:
    explicit ConfigError(std::string message) : Error(std::move(message), NMK_INVALID_ARGUMENT) {}
};

inline const char* status_name(nmk_status status) noexcept {
    switch (status) {
        case NMK_OK: return "ok";
        case NMK_ERROR: return "error";
        case NMK_NOT_FOUND: return "not found";
        case NMK_INVALID_ARGUMENT: return "invalid argument";
        case NMK_UNSUPPORTED: return "unsupported";
    }
    return "unknown status";
}

namespace detail {

// The one way a failed host call becomes an exception, so every wrapper words it alike:
// Error("<what> '<target>' failed: <reason>", status); without the quoted part when
// `target` is empty, and with the status's name when `reason` is empty.
[[noreturn]] inline void throw_failed(nmk_status status, std::string_view what, std::string_view target = {},
                                      std::string_view reason = {}) {
    std::string message(what);
    if (!target.empty()) {
        message += " '";
        message += target;
        message += '\'';
    }
    message += " failed: ";
    message += reason.empty() ? std::string_view(status_name(status)) : reason;
    throw Error(std::move(message), status);
}

// Throws as throw_failed() unless `status` is NMK_OK.
inline void check_status(nmk_status status, std::string_view what, std::string_view target = {}) {
    if (status != NMK_OK) {
        throw_failed(status, what, target);
    }
}

}  // namespace detail

// Copies `message` into `buffer`, always NUL-terminated within its capacity. A cut never
// splits a UTF-8 sequence.
inline void write_error(nmk_error_buffer buffer, std::string_view message) noexcept {
    if (buffer.data == nullptr || buffer.capacity == 0) {
        return;
    }
    std::size_t size = std::min(message.size(), buffer.capacity - 1);
    if (size < message.size()) {
        while (size > 0 && (static_cast<unsigned char>(message[size]) & 0xC0) == 0x80) {
            --size;
        }
    }
    std::copy_n(message.data(), size, buffer.data);
    buffer.data[size] = '\0';
}

}  // namespace nats_sdk
