// Service latency results (kernel/server/service_latency.hpp): which requests
// are sampled, and the result's fields and timings, as nats-server 2.9.10.
#include <gtest/gtest.h>

#include "kernel/server/service_latency.hpp"

namespace nats::server {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string block(std::string_view lines) { return "NATS/1.0\r\n" + std::string(lines) + "\r\n"; }

bool sampled(int sampling, std::string_view headers, int random_percent = 99) {
    return should_sample(accounts::LatencyTracking{"lat", sampling}, headers, random_percent).has_value();
}

json trace_of(std::string_view headers) {
    return should_sample(accounts::LatencyTracking{"lat", 0}, headers, 0).value_or(json("not sampled"));
}

TEST(ServiceLatency, PercentSampling) {
    EXPECT_TRUE(sampled(100, {}));
    EXPECT_TRUE(sampled(50, {}, 50));   // nats-server draws 0-99 and samples at <= the percentage
    EXPECT_FALSE(sampled(50, {}, 51));
    EXPECT_TRUE(should_sample({"lat", 100}, {}, 0)->is_null()) << "no trace headers to quote";
}

TEST(ServiceLatency, TraceContextHeaders) {
    const std::string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    EXPECT_EQ(trace_of(block("traceparent: " + parent + "\r\ntracestate: a=b\r\nother: x\r\n")),
              json::parse(R"({"Traceparent":[")" + parent + R"("],"Tracestate":["a=b"]})"));
    EXPECT_EQ(trace_of(block("Traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\r\n")), "not sampled");
    EXPECT_EQ(trace_of(block("traceparent: garbage\r\n")), "not sampled");
    EXPECT_EQ(trace_of({}), "not sampled");
    EXPECT_EQ(trace_of(block("other: x\r\n")), "not sampled");
}

TEST(ServiceLatency, ZipkinHeaders) {
    EXPECT_EQ(trace_of(block("X-B3-Sampled: 1\r\nX-B3-TraceId: t\r\nX-B3-SpanId: s\r\nx-b3-parentspanid: p\r\n")),
              json::parse(R"({"X-B3-Sampled":["1"],"X-B3-Traceid":["t"],"X-B3-Spanid":["s"],"X-B3-Parentspanid":["p"]})"));
    EXPECT_EQ(trace_of(block("X-B3-Sampled: 0\r\nX-B3-TraceId: t\r\n")), "not sampled");
    EXPECT_EQ(trace_of(block("X-B3-TraceId: t\r\n")), json::parse(R"({"X-B3-Traceid":["t"]})"));
    EXPECT_EQ(trace_of(block("X-B3-Sampled:\t1 \r\n"))["X-B3-Sampled"][0], "1");  // trimmed as Go trims
    EXPECT_EQ(trace_of(block("b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90\r\n")),
              json::parse(R"({"B3":["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"]})"));
    EXPECT_EQ(trace_of(block("b3: 0\r\n")), "not sampled");
    EXPECT_EQ(trace_of(block("b3: a-b-0\r\n")), "not sampled");
}

TEST(ServiceLatency, UberHeaders) {
    EXPECT_EQ(trace_of(block("uber-trace-id: 479fefe9525eddb:5adb976bfc1f95c1:479fefe9525eddb:1\r\nuberctx-k: v\r\n")),
              json::parse(R"({"Uber-Trace-Id":["479fefe9525eddb:5adb976bfc1f95c1:479fefe9525eddb:1"],"Uberctx-K":["v"]})"));
    EXPECT_EQ(trace_of(block("uber-trace-id: a:b:c:03\r\n"))["Uber-Trace-Id"][0], "a:b:c:03");
    EXPECT_EQ(trace_of(block("uber-trace-id: a:b:c:2\r\n")), "not sampled");   // flags without the sampled bit
    EXPECT_EQ(trace_of(block("uber-trace-id: a:b:c:zz\r\n")), "not sampled");  // not hex
    EXPECT_EQ(trace_of(block("uber-trace-id: a:b:c\r\n")), "not sampled");
    EXPECT_EQ(trace_of(block("uber-trace-id: a:b:c:123\r\n")), "not sampled");
}

TEST(ServiceLatency, AnsweredRequestTimings) {
    TrackedRequest request;
    request.requestor = {{"acc", "B"}, {"rtt", 1000}};
    request.requestor_rtt = 1000ns;
    request.received = std::chrono::system_clock::now() - 5ms;
    const auto responded = request.received + 3ms;
    const json r = json::parse(latency_result(request, 200, json{{"acc", "A"}}, 500ns, responded, "ID"));
    EXPECT_EQ(r["id"], "ID");
    EXPECT_EQ(r["service"], 3'000'000 - 500);   // the round trip through the service less the responder's rtt
    EXPECT_GE(r["system"].get<long long>(), 2'000'000);  // since the response passed (responder rtt > 0)
    EXPECT_EQ(r["total"].get<long long>(), 1000 + 3'000'000 + r["system"].get<long long>());
    EXPECT_EQ(r["responder"], json::parse(R"({"acc":"A"})"));
}

TEST(ServiceLatency, ErrorResultsHaveNoResponderAndNoTimings) {
    TrackedRequest request;
    request.requestor = {{"acc", "B"}};
    request.received = std::chrono::system_clock::now();
    for (const auto& [status, text] : std::vector<std::pair<int, std::string>>{
             {400, "Bad Request"}, {408, "Request Timeout"}, {503, "Service Unavailable"}, {504, "Service Timeout"}}) {
        const std::string body = latency_result(request, status, nullptr, {}, {}, "ID");
        const json r = json::parse(body);
        EXPECT_EQ(r["status"], status);
        EXPECT_EQ(r["description"], text);
        EXPECT_FALSE(r.contains("responder"));
        EXPECT_EQ(r["total"], 0);
        // nats-server's field order.
        EXPECT_LT(body.find("\"status\""), body.find("\"description\""));
        EXPECT_LT(body.find("\"requestor\""), body.find("\"start\""));
    }
}

}  // namespace
}  // namespace nats::server
