#include "plugins/monitoring/go_json.hpp"

#include <nats_sdk/go_json.hpp>

namespace nats::monitoring {

std::string go_json(const nlohmann::ordered_json& value, bool indent) {
    nats_sdk::GoJsonWriter w(indent);
    nats_sdk::write_go_json(w, value);
    return w.take();
}

}  // namespace nats::monitoring
