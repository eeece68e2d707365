// Go's request-line checks and absolute-form targets, case by case (each
// verdict was compared with nats-server 2.9.10 over raw sockets).
#include <gtest/gtest.h>

#include "plugins/monitoring/request_line.hpp"

namespace nats::monitoring {
namespace {

using V = RequestLineVerdict;

TEST(RequestLine, WellFormedLinesPass) {
    EXPECT_EQ(check_request_line("GET /varz HTTP/1.1"), V::ok);
    EXPECT_EQ(check_request_line("get /varz HTTP/1.0"), V::ok);
    EXPECT_EQ(check_request_line("GET /varz HTTP/1.2"), V::ok);
    EXPECT_EQ(check_request_line("GET http://host/varz HTTP/1.1"), V::ok);
    EXPECT_EQ(check_request_line("GET http:/varz HTTP/1.1"), V::ok);
    EXPECT_EQ(check_request_line("GET * HTTP/1.1"), V::ok);
    EXPECT_EQ(check_request_line("GET /varz\xff HTTP/1.1"), V::ok);
}

TEST(RequestLine, MalformedLinesAreBadRequests) {
    for (std::string_view line : {"NOT HTTP AT ALL", "GET /a b HTTP/1.1", "GET  /varz HTTP/1.1", "GET /varz HTTP/1.1 ",
                                  "G@T /varz HTTP/1.1", "GET varz HTTP/1.1", "GET /x%zz HTTP/1.1", "GET /x% HTTP/1.1",
                                  "GET /x HTTP/1.10", "GET /x HTTP/1", "GET /x FOO/1.1", "GET http://h:abc/x HTTP/1.1",
                                  "GET /a?b=\x01 HTTP/1.1", "GET /a\x7f HTTP/1.1", "GET :x HTTP/1.1", " /x HTTP/1.1"}) {
        EXPECT_EQ(check_request_line(line), V::bad_request) << line;
    }
    EXPECT_EQ(check_request_line(std::string_view("GET /a\0b HTTP/1.1", 17)), V::bad_request);
}

TEST(RequestLine, OtherMajorVersionsAreNotSupported) {
    EXPECT_EQ(check_request_line("GET /x HTTP/2.0"), V::version_not_supported);
    EXPECT_EQ(check_request_line("GET /x HTTP/0.9"), V::version_not_supported);
    EXPECT_EQ(check_request_line("GET /x HTTP/3.1"), V::version_not_supported);
}

TEST(RequestLine, OriginFormOfATarget) {
    EXPECT_EQ(origin_form("/varz?x=1"), "/varz?x=1");
    EXPECT_EQ(origin_form("http://host/varz?x=1"), "/varz?x=1");
    EXPECT_EQ(origin_form("HTTP://host:8222/healthz"), "/healthz");
    EXPECT_EQ(origin_form("http://host?x=1"), "?x=1");
    EXPECT_EQ(origin_form("http://host"), "");
    EXPECT_EQ(origin_form("http:/varz"), "/varz");
    EXPECT_EQ(origin_form("*"), "*");
}

}  // namespace
}  // namespace nats::monitoring
