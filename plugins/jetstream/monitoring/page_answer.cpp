#include "monitoring/page_answer.hpp"

#include <stdexcept>

#include <nats_sdk/go_json.hpp>

namespace nmk::jetstream {

void answer_json_page(const nats_sdk::HttpResponse& res, std::future<std::string> page, std::chrono::milliseconds wait) {
    try {
        if (page.wait_for(wait) != std::future_status::ready) throw std::runtime_error("JetStream did not answer in time");
        const std::string body = page.get();
        res.set_content_type("application/json");
        res.write(body);
    } catch (const std::exception& e) {
        res.set_status(503);
        res.set_content_type("application/json");
        nats_sdk::GoJsonWriter w(false);
        w.begin_object().field("status", "unavailable").field("error", e.what()).end_object();
        res.write(w.text());
    }
}

}  // namespace nmk::jetstream
