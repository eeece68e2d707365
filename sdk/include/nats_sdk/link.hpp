#pragma once
// Links carry interest and messages to and from other servers (routes, leaf nodes).

#include <cstdint>
#include <string>
#include <string_view>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/message.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk {

struct Interest {
    std::string_view account;
    std::string_view subject;
    std::string_view queue{};  // empty: a plain subscription
    std::int32_t weight = 1;   // queue weight; 0 removes

    static Interest from(const nmk_interest& raw) noexcept {
        return Interest{to_view(raw.account), to_view(raw.subject), to_view(raw.queue), raw.weight};
    }
    nmk_interest raw() const noexcept { return nmk_interest{to_nmk(account), to_nmk(subject), to_nmk(queue), weight}; }
};

// Implemented by the plugin. Called on kernel threads: must not block.
// OWNERSHIP: the views passed in are valid during the call only.
class LinkHandler {
public:
    virtual ~LinkHandler() = default;
    virtual void on_local_interest(const Interest& interest, bool added) = 0;
    virtual void on_message(std::uint64_t remote_interest_id, const Message& message) = 0;
};

// What the plugin does through a registered link.
class Link {
public:
    Link() noexcept = default;
    Link(const nmk_host_api* api, std::uint64_t id) noexcept : api_(api), id_(id) {}

    std::uint64_t add_remote_interest(const Interest& interest) const {
        const nmk_interest raw = interest.raw();
        std::uint64_t remote_id = 0;
        detail::check_status(api_->add_remote_interest(api_->host, id_, &raw, &remote_id), "add_remote_interest");
        return remote_id;
    }
    void remove_remote_interest(std::uint64_t remote_interest_id) const {
        detail::check_status(api_->remove_remote_interest(api_->host, id_, remote_interest_id),
                             "remove_remote_interest");
    }
    void publish(const OutMessage& message) const {
        const nmk_message raw = message.raw();
        detail::check_status(api_->link_publish(api_->host, id_, &raw), "link_publish");
    }
    std::uint64_t id() const noexcept { return id_; }

private:
    const nmk_host_api* api_ = nullptr;
    std::uint64_t id_ = 0;
};

}  // namespace nats_sdk
