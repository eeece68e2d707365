// $SYS request options: Go's decoding rules and error texts, the mapping to the
// monitoring pages' query options, and the server filter.
#include <gtest/gtest.h>

#include "plugins/system_account/request_options.hpp"

namespace nats::system_account {
namespace {

const EndpointOptions connz{"ConnzEventOptions",
                            {{"sort", OptionType::text, "sort"},
                             {"subscriptions_detail", OptionType::boolean, "subs", "detail"},
                             {"limit", OptionType::integer, "limit"},
                             {"cid", OptionType::unsigned64, "cid"},
                             {"state", OptionType::connection_state, "state"},
                             {"mqtt_client", OptionType::text, ""}}};

TEST(RequestOptions, EmptyBodyIsNoOptions) {
    const auto r = decode_request("", connz);
    EXPECT_FALSE(r.error);
    EXPECT_EQ(r.query, "");
}

TEST(RequestOptions, OptionsBecomeTheQueryOfThePage) {
    const auto r = decode_request(R"({"SORT":"bytes_to","subscriptions_detail":true,"limit":5,"cid":7,"state":2,
                                      "mqtt_client":"ignored","unknown":[1,2]})",
                                  connz);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_EQ(r.query, "sort=bytes_to&subs=detail&limit=5&cid=7&state=all");
}

TEST(RequestOptions, NullAndFalseLeaveTheDefault) {
    const auto r = decode_request(R"({"sort":null,"subscriptions_detail":false,"limit":null})", connz);
    ASSERT_FALSE(r.error);
    EXPECT_EQ(r.query, "");
}

TEST(RequestOptions, TypeErrorsReadAsGos) {
    EXPECT_EQ(*decode_request(R"({"limit":"5"})", connz).error,
              "json: cannot unmarshal string into Go struct field ConnzEventOptions.limit of type int");
    EXPECT_EQ(*decode_request(R"({"limit":2.5})", connz).error,
              "json: cannot unmarshal number 2.5 into Go struct field ConnzEventOptions.limit of type int");
    EXPECT_EQ(*decode_request(R"({"cid":-1})", connz).error,
              "json: cannot unmarshal number -1 into Go struct field ConnzEventOptions.cid of type uint64");
    EXPECT_EQ(*decode_request(R"({"sort":1})", connz).error,
              "json: cannot unmarshal number into Go struct field ConnzEventOptions.sort of type string");
    EXPECT_EQ(*decode_request(R"({"subscriptions_detail":"yes"})", connz).error,
              "json: cannot unmarshal string into Go struct field ConnzEventOptions.subscriptions_detail of type bool");
    EXPECT_EQ(*decode_request(R"({"tags":"x"})", connz).error,
              "json: cannot unmarshal string into Go struct field ConnzEventOptions.tags of type []string");
    EXPECT_EQ(*decode_request("[1]", connz).error,
              "json: cannot unmarshal array into Go value of type server.ConnzEventOptions");
}

TEST(RequestOptions, SyntaxErrorsReadAsGos) {
    EXPECT_EQ(go_json_syntax_error("xx"), "invalid character 'x' looking for beginning of value");
    EXPECT_EQ(go_json_syntax_error(" "), "unexpected end of JSON input");
    EXPECT_EQ(go_json_syntax_error(R"({"a":1)"), "unexpected end of JSON input");
    EXPECT_EQ(go_json_syntax_error(R"({"a":1}x)"), "invalid character 'x' after top-level value");
    EXPECT_EQ(go_json_syntax_error(R"({a:1})"), "invalid character 'a' looking for beginning of object key string");
    EXPECT_EQ(go_json_syntax_error(R"({"a" 1})"), "invalid character '1' after object key");
    EXPECT_EQ(go_json_syntax_error(R"({"a":1 "b":2})"), "invalid character '\"' after object key:value pair");
    EXPECT_EQ(go_json_syntax_error("[1 2]"), "invalid character '2' after array element");
    EXPECT_EQ(go_json_syntax_error("tru!"), "invalid character '!' in literal true (expecting 'e')");
    EXPECT_EQ(go_json_syntax_error("-x"), "invalid character 'x' in numeric literal");
    EXPECT_EQ(go_json_syntax_error("\"a\\q\""), "invalid character 'q' in string escape code");
    EXPECT_EQ(*decode_request(" ", connz).error, "unexpected end of JSON input");
}

TEST(RequestOptions, FilterOptionsPickServers) {
    const ServerIdentity self{"edge-1", "0.0.0.0", "", "hub", {"east", "ssd"}};
    auto filter = [&](std::string_view body) { return decode_request(body, connz).filter; };
    EXPECT_FALSE(filtered_out(filter("{}"), self));
    EXPECT_FALSE(filtered_out(filter(R"({"server_name":"edge"})"), self));  // a part of the name is enough
    EXPECT_TRUE(filtered_out(filter(R"({"server_name":"core"})"), self));
    EXPECT_FALSE(filtered_out(filter(R"({"tags":["ssd","east"]})"), self));
    EXPECT_TRUE(filtered_out(filter(R"({"tags":["ssd","west"]})"), self));  // every tag must match
    EXPECT_FALSE(filtered_out(filter(R"({"domain":"hub"})"), self));
    EXPECT_TRUE(filtered_out(filter(R"({"domain":"hu"})"), self));  // the domain must be equal
    EXPECT_TRUE(filtered_out(filter(R"({"cluster":"c1"})"), self));
    EXPECT_TRUE(filtered_out(filter(R"({"host":"10.0"})"), self));
}

}  // namespace
}  // namespace nats::system_account
