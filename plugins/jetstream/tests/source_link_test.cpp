// The pure parts of mirrors and sources: ack replies read, control messages told apart,
// the source header written and read back in both of nats-server's forms, and the
// consumer request a link sends (subject and JSON).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "source/source_link.hpp"

namespace nmk::jetstream {
namespace {

TEST(SourceLink, ReadsTheNineTokenAckReply) {
    const auto info = parse_ack_reply("$JS.ACK.ORDERS.mirror-x.1.42.7.1700000000000000000.3");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->consumer, "mirror-x");
    EXPECT_EQ(info->delivered_count, 1u);
    EXPECT_EQ(info->stream_sequence, 42u);
    EXPECT_EQ(info->consumer_sequence, 7u);
    EXPECT_EQ(info->time_ns, 1700000000000000000);
    EXPECT_EQ(info->pending, 3u);
    EXPECT_FALSE(parse_ack_reply("$JS.ACK.ORDERS.c.1.42.7.17"));           // too short
    EXPECT_FALSE(parse_ack_reply("$JS.NAK.ORDERS.c.1.42.7.17.0"));         // not an ack reply
    EXPECT_FALSE(parse_ack_reply("$JS.ACK.ORDERS.c.one.42.7.17.0"));       // not a number
    EXPECT_FALSE(parse_ack_reply(""));
}

TEST(SourceLink, ControlMessagesAreStatus100WithoutPayload) {
    EXPECT_TRUE(is_control_message("NATS/1.0 100 Idle Heartbeat\r\n\r\n", ""));
    EXPECT_TRUE(is_control_message("NATS/1.0 100 FlowControl Request\r\n\r\n", ""));
    EXPECT_FALSE(is_control_message("NATS/1.0 100 Idle Heartbeat\r\n\r\n", "x"));
    EXPECT_FALSE(is_control_message("NATS/1.0\r\nA: b\r\n\r\n", ""));
    EXPECT_FALSE(is_control_message("", ""));
}

TEST(SourceLink, HashesLikeNatsServer) {
    // Seen in nats-server 2.9.10's Nats-Stream-Source for an external API prefix JS.A.API.
    EXPECT_EQ(short_hash("JS.A.API"), "3V17LQ3b");
    SourceLink link(SourceLink::Kind::source, StreamSource{"ORDERS", 0, {}, {}, ExternalStream{"JS.A.API", "d"}});
    EXPECT_EQ(link.index_name(), "ORDERS:3V17LQ3b");
    EXPECT_EQ(SourceLink(SourceLink::Kind::source, StreamSource{"ORDERS"}).index_name(), "ORDERS");
}

TEST(SourceLink, SourceHeaderRoundTrips) {
    EXPECT_EQ(source_header_value("A", "$JS.ACK.A.c.1.17.3.99.0"), "A 17");
    EXPECT_EQ(source_header_value("A", "not-an-ack"), "A 1");
    EXPECT_EQ(parse_source_header("A 17"), (std::pair<std::string, std::uint64_t>{"A", 17}));
    EXPECT_EQ(parse_source_header("  A:xyz   9 "), (std::pair<std::string, std::uint64_t>{"A:xyz", 9}));
    // The 2.2 form held the whole ack reply.
    EXPECT_EQ(parse_source_header("$JS.ACK.OLD.c.1.5.2.99.0"), (std::pair<std::string, std::uint64_t>{"OLD", 5}));
    EXPECT_FALSE(parse_source_header("A"));
    EXPECT_FALSE(parse_source_header("A 1 2"));
    EXPECT_FALSE(parse_source_header("A x"));
    EXPECT_FALSE(parse_source_header("$JS.ACK.short"));
}

TEST(SourceLink, ConsumerRequestAsNatsServerSendsIt) {
    SourceLink mirror(SourceLink::Kind::mirror, StreamSource{"ORIGIN"});
    const std::string deliver = mirror.new_deliver_subject();
    EXPECT_EQ(deliver.rfind("$JS.M.", 0), 0u) << deliver;
    EXPECT_EQ(deliver.size(), 14u);
    auto r = mirror.consumer_request(deliver, 5, 0, "ignored");
    EXPECT_EQ(r.subject, "$JS.API.CONSUMER.CREATE.ORIGIN");
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["stream_name"], "ORIGIN");
    const auto& c = body["config"];
    EXPECT_EQ(c["deliver_subject"], deliver);
    EXPECT_EQ(c["deliver_policy"], "by_start_sequence");
    EXPECT_EQ(c["opt_start_seq"], 5);
    EXPECT_EQ(c["ack_policy"], "none");
    EXPECT_EQ(c["ack_wait"], 22LL * 3600 * 1000000000);
    EXPECT_EQ(c["max_deliver"], 1);
    EXPECT_EQ(c["idle_heartbeat"], 1000000000);
    EXPECT_EQ(c["flow_control"], true);
    EXPECT_EQ(c["direct"], true);
    EXPECT_FALSE(c.contains("name"));

    EXPECT_EQ(nlohmann::json::parse(mirror.consumer_request(deliver, 0, 0, "x").body)["config"]["deliver_policy"], "all");
    const auto by_time = nlohmann::json::parse(mirror.consumer_request(deliver, 0, 1700000000000000000, "x").body);
    EXPECT_EQ(by_time["config"]["deliver_policy"], "by_start_time");
    EXPECT_EQ(by_time["config"]["opt_start_time"], "2023-11-14T22:13:20Z");

    // A filter needs the named form; an external API prefix replaces $JS.API.
    SourceLink source(SourceLink::Kind::source,
                      StreamSource{"EV", 0, {}, "ev.odd", ExternalStream{"JS.A.API.", "deliver.b"}});
    EXPECT_EQ(source.new_deliver_subject().rfind("deliver.b.S.", 0), 0u);
    r = source.consumer_request("deliver.b.S.x", 0, 0, "src-abc");
    EXPECT_EQ(r.subject, "JS.A.API.CONSUMER.CREATE.EV.src-abc.ev.odd");
    EXPECT_EQ(nlohmann::json::parse(r.body)["config"]["name"], "src-abc");
    EXPECT_EQ(nlohmann::json::parse(r.body)["config"]["filter_subject"], "ev.odd");
}

}  // namespace
}  // namespace nmk::jetstream
