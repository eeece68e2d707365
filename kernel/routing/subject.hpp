#pragma once
// TEMPORARY: the old kernel names for kernel/server/client.cpp until it moves to
// nats_sdk/subject.hpp directly (it is being split into client_*.cpp files).
#include <nats_sdk/subject.hpp>

namespace nats::routing {

inline bool is_valid_subject(std::string_view s) { return nats_sdk::subject::is_valid_subject(s); }
inline bool is_valid_literal_subject(std::string_view s) { return nats_sdk::subject::is_valid_publish_subject(s); }
inline bool is_valid_queue_name(std::string_view q) { return nats_sdk::subject::is_valid_queue_name(q); }

}  // namespace nats::routing
