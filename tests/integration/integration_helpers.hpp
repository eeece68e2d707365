#pragma once
// Shared helpers for the integration tests: protocol builders and short names.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/nats_client.hpp"
#include "tests/support/raw_client.hpp"
#include "tests/support/server_process.hpp"

namespace nats::integration {

using namespace std::chrono_literals;
using nlohmann::json;
using test_support::Frame;
using test_support::RawClient;
using test_support::RawClientOptions;
using test_support::ServerOptions;
using test_support::ServerProcess;

// A fresh server on its own port; `config` (when not empty) becomes its config file.
inline std::unique_ptr<ServerProcess> start_server(std::string_view config = {}, std::vector<std::string> args = {}) {
    return ServerProcess::with_config(config, std::move(args));
}

// "PUB <subject> [reply] <n>\r\n<payload>\r\n"
inline std::string pub(std::string_view subject, std::string_view payload, std::string_view reply = {}) {
    std::string out = "PUB " + std::string(subject) + " ";
    if (!reply.empty()) out += std::string(reply) + " ";
    return out + std::to_string(payload.size()) + "\r\n" + std::string(payload) + "\r\n";
}

// "HPUB <subject> [reply] <#hdr> <#total>\r\n<headers><payload>\r\n"
inline std::string hpub(std::string_view subject, std::string_view headers, std::string_view payload,
                        std::string_view reply = {}) {
    std::string out = "HPUB " + std::string(subject) + " ";
    if (!reply.empty()) out += std::string(reply) + " ";
    return out + std::to_string(headers.size()) + " " + std::to_string(headers.size() + payload.size()) + "\r\n" +
           std::string(headers) + std::string(payload) + "\r\n";
}

// Frames of one kind only.
inline std::vector<Frame> only(const std::vector<Frame>& frames, Frame::Kind kind) {
    std::vector<Frame> out;
    for (const auto& f : frames) {
        if (f.kind == kind) out.push_back(f);
    }
    return out;
}

inline std::vector<std::string> lines_of(const std::vector<Frame>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames) out.push_back(f.line);
    return out;
}

} // namespace nats::integration
