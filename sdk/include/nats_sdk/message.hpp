#pragma once
// Messages as a plugin sees them (Message) and sends them (OutMessage).

#include <string_view>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk {

// OWNERSHIP: a view of the kernel's message, valid only during the callback that
// receives it. Copy what must outlive the callback.
class Message {
public:
    explicit Message(const nmk_message& raw) noexcept : raw_(&raw) {}

    std::string_view account() const noexcept { return to_view(raw_->account); }
    std::string_view subject() const noexcept { return to_view(raw_->subject); }
    std::string_view reply() const noexcept { return to_view(raw_->reply); }
    // The whole "NATS/1.0\r\n...\r\n\r\n" block, empty when none.
    std::string_view headers() const noexcept { return to_view(raw_->headers); }
    std::string_view payload() const noexcept { return to_view(raw_->payload); }
    const nmk_message& raw() const noexcept { return *raw_; }

private:
    const nmk_message* raw_;
};

// What a plugin publishes. The kernel copies it before publish() returns.
struct OutMessage {
    std::string_view subject;
    std::string_view payload;
    std::string_view reply{};
    std::string_view headers{};  // a complete "NATS/1.0\r\n...\r\n\r\n" block or empty
    std::string_view account{};  // empty: the global account "$G"

    nmk_message raw() const noexcept {
        return nmk_message{to_nmk(account), to_nmk(subject), to_nmk(reply), to_nmk(headers), to_nmk(payload)};
    }
};

}  // namespace nats_sdk
