#pragma once
// How the consumers of one account reach the server: JetStreamCore's ConsumerHost,
// one per account, forwarding to the Bus with the account's name.

#include <cstdint>
#include <string>

#include "consumer/consumer.hpp"
#include "jetstream_core.hpp"

namespace nmk::jetstream {

class JetStreamCore::ConsumerBridge final : public ConsumerHost {
public:
    ConsumerBridge(Bus& bus, std::string account, std::string domain, std::int64_t max_payload)
        : bus_(bus), account_(std::move(account)), domain_(std::move(domain)), max_payload_(max_payload) {}

    void send(std::string_view deliver_subject, std::string_view subject, std::string_view reply, std::string_view headers,
              std::string_view payload) override {
        bus_.deliver(account_, deliver_subject, subject, reply, headers, payload);
    }
    void advisory(std::string_view subject, const std::string& json) override { bus_.publish(account_, subject, {}, json); }
    bool has_interest(std::string_view subject) override { return bus_.has_interest(account_, subject); }
    std::string_view domain() const override { return domain_; }
    std::int64_t max_payload() const override { return max_payload_; }

private:
    Bus& bus_;
    std::string account_;
    std::string domain_;
    std::int64_t max_payload_;
};

}  // namespace nmk::jetstream
