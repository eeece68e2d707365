#pragma once
// The "id" of a server event or advisory: 22 base62 characters, the shape of
// nats-server's NUIDs (unique enough to tell events apart; not a sequence).
//
//   w.field("id", nats_sdk::next_event_id());
//
// Header-only: nothing here crosses the ABI.
#include <random>
#include <string>
#include <string_view>

namespace nats_sdk {

inline std::string next_event_id() {
    static constexpr std::string_view digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::string id(22, '0');
    for (char& c : id) c = digits[random() % digits.size()];
    return id;
}

}  // namespace nats_sdk
