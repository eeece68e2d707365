#include "jetstream_api.hpp"

#include <algorithm>

#include "tools/libnats/handles.hpp"

namespace nats::cli {

api_error::api_error(int code_, int err_code_, const std::string& description)
    : cli_error(api_error_text(code_, err_code_, description)), code(code_), err_code(err_code_) {}

std::string api_error_text(int code, int err_code, const std::string& description) {
    if (description.empty() && code == 0) return "unknown JetStream Error";
    if (description.empty()) {
        return "unknown JetStream " + std::to_string(code) + " Error (" + std::to_string(err_code) + ")";
    }
    return description + " (" + std::to_string(err_code) + ")";
}

jetstream_api::jetstream_api(natsConnection* nc, std::chrono::nanoseconds timeout, std::string prefix)
    : nc_(nc),
      timeout_ms_(std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count())),
      prefix_(std::move(prefix)) {}

ordered_json jetstream_api::request(std::string_view endpoint, const ordered_json& body) const {
    const std::string subject = prefix_ + "." + std::string(endpoint);
    const std::string payload = body.is_null() ? std::string() : body.dump();
    natsMsg* raw = nullptr;
    check(natsConnection_Request(&raw, nc_, subject.c_str(), payload.data(), static_cast<int>(payload.size()),
                                 timeout_ms_));
    const libnats::message_ptr reply(raw);
    ordered_json parsed = ordered_json::parse(libnats::data_of(reply.get()), nullptr, false);
    if (!parsed.is_object()) throw cli_error("invalid JetStream API reply on " + subject);
    if (parsed.contains("error") && parsed["error"].is_object()) {
        const auto& e = parsed["error"];
        throw api_error(e.value("code", 0), e.value("err_code", 0), e.value("description", std::string()));
    }
    return parsed;
}

std::vector<ordered_json> jetstream_api::stream_infos(const std::string& subject) const {
    std::vector<ordered_json> infos;
    // Bounded: a server that keeps answering with the same page cannot loop us forever.
    for (int page = 0; page < 100000; ++page) {
        ordered_json body = {{"offset", infos.size()}};
        if (!subject.empty()) body["subject"] = subject;
        const ordered_json reply = request("STREAM.LIST", body);
        const auto streams = reply.value("streams", ordered_json::array());
        if (!streams.is_array() || streams.empty()) break;
        for (const auto& s : streams) infos.push_back(s);
        if (infos.size() >= reply.value("total", std::size_t{0})) break;
    }
    return infos;
}

std::string go_json_indent(const ordered_json& value) {
    const std::string text = value.dump(2);
    std::string out;
    out.reserve(text.size());
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            if (!escaped && (c == '<' || c == '>' || c == '&')) {
                out += c == '<' ? "\\u003c" : c == '>' ? "\\u003e" : "\\u0026";
                continue;
            }
        } else if (c == '"') {
            in_string = true;
        }
        out += c;
    }
    return out;
}

} // namespace nats::cli
