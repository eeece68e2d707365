#pragma once
// KernelSource over the host API's query_json, keeping status and content type.
// Header-only so that every plugin built on the monitoring pages (the monitoring
// port, the system account's services) reads the kernel the same way.
#include <string>
#include <string_view>

#include <nats_sdk/host.hpp>

#include "plugins/monitoring/kernel_source.hpp"

namespace nats::monitoring {

class HostKernelSource final : public KernelSource {
public:
    explicit HostKernelSource(const nats_sdk::Host& host) : host_(host) {}

    KernelAnswer query(std::string_view topic, std::string_view args) override {
        KernelAnswer answer;
        nmk_http_response_writer writer{&answer, &set_status, &set_type, &append};
        const nmk_host_api& api = host_.api();
        const nmk_status status =
            api.query_json(api.host, nats_sdk::to_nmk(topic), nats_sdk::to_nmk(args), &writer);
        answer.found = status == NMK_OK;
        if (!answer.found) answer.body.clear();
        return answer;
    }

private:
    static void set_status(void* ctx, int status) noexcept { static_cast<KernelAnswer*>(ctx)->status = status; }
    static void set_type(void* ctx, nmk_str type) noexcept {
        try {
            static_cast<KernelAnswer*>(ctx)->content_type.assign(nats_sdk::to_view(type));
        } catch (...) {
        }
    }
    static void append(void* ctx, nmk_str bytes) noexcept {
        try {
            static_cast<KernelAnswer*>(ctx)->body.append(nats_sdk::to_view(bytes));
        } catch (...) {
        }
    }

    const nats_sdk::Host& host_;
};

}  // namespace nats::monitoring
