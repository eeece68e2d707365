#pragma once
// HTTP endpoints a plugin adds to the monitoring server.

#include <string_view>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"

namespace nats_sdk {

// OWNERSHIP: views valid during the handler call only.
class HttpRequest {
public:
    explicit HttpRequest(const nmk_http_request& raw) noexcept : raw_(&raw) {}

    std::string_view method() const noexcept { return to_view(raw_->method); }
    std::string_view path() const noexcept { return to_view(raw_->path); }
    std::string_view query() const noexcept { return to_view(raw_->query); }
    std::string_view body() const noexcept { return to_view(raw_->body); }

    // The raw (not percent-decoded) value of `name` in the query string; empty when
    // absent. `found` tells an empty value from a missing one.
    std::string_view query_param(std::string_view name, bool* found = nullptr) const noexcept {
        std::string_view rest = query();
        while (!rest.empty()) {
            const std::size_t amp = rest.find('&');
            const std::string_view pair = rest.substr(0, amp);
            const std::size_t eq = pair.find('=');
            if (pair.substr(0, eq) == name) {
                if (found != nullptr) {
                    *found = true;
                }
                return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
            }
            if (amp == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(amp + 1);
        }
        if (found != nullptr) {
            *found = false;
        }
        return {};
    }

private:
    const nmk_http_request* raw_;
};

// Writes the answer; the kernel copies every piece. Status defaults to 200.
class HttpResponse {
public:
    explicit HttpResponse(const nmk_http_response_writer& writer) noexcept : writer_(&writer) {}

    void set_status(int status) const noexcept { writer_->set_status(writer_->ctx, status); }
    void set_content_type(std::string_view type) const noexcept {
        writer_->set_content_type(writer_->ctx, to_nmk(type));
    }
    void write(std::string_view bytes) const noexcept { writer_->append_body(writer_->ctx, to_nmk(bytes)); }

private:
    const nmk_http_response_writer* writer_;
};

}  // namespace nats_sdk
