#pragma once
// Where the pages get kernel state: the host's query_json topics (varz, connz,
// subsz, accountz, accstatz, metricz, pluginz, http). An interface so the
// pages can be tested against canned answers.
#include <string>
#include <string_view>

namespace nats::monitoring {

struct KernelAnswer {
    bool found = false;  // false: the kernel does not know the topic
    int status = 200;
    std::string content_type;
    std::string body;
};

class KernelSource {
public:
    virtual ~KernelSource() = default;
    // Called on HTTP threads, several at once.
    virtual KernelAnswer query(std::string_view topic, std::string_view args) = 0;
};

}  // namespace nats::monitoring
