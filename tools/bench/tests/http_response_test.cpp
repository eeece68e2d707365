#include "http_response.hpp"

#include <gtest/gtest.h>

namespace nats::bench {
namespace {

using state = http_response::state;

TEST(BenchHttpResponse, ContentLengthCompletesAtItsLength) {
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 5\r\n\r\n";
    EXPECT_EQ(parse_http_response(head + "ab", false).status_of_parse, state::incomplete);
    const http_response r = parse_http_response(head + "abcde", false);
    EXPECT_EQ(r.status_of_parse, state::complete);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "abcde");
    const http_response cut = parse_http_response(head + "ab", true);
    EXPECT_EQ(cut.status_of_parse, state::bad);
    EXPECT_NE(cut.error.find("2 of 5"), std::string::npos) << cut.error;
}

TEST(BenchHttpResponse, ChunkedBodyIsDecoded) {
    const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string body = "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n";
    EXPECT_EQ(parse_http_response(head + body, false).status_of_parse, state::incomplete);
    const http_response r = parse_http_response(head + body + "\r\n", false);
    ASSERT_EQ(r.status_of_parse, state::complete) << r.error;
    EXPECT_EQ(r.body, "Wikipedia in \r\n\r\nchunks.");
    const http_response trailers = parse_http_response(head + "1\r\nx\r\n0\r\nX-T: 1\r\n\r\n", false);
    EXPECT_EQ(trailers.status_of_parse, state::complete);
    EXPECT_EQ(trailers.body, "x");
}

TEST(BenchHttpResponse, EveryPrefixOfAGoodResponseIsIncomplete) {
    const std::string whole = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    for (std::size_t n = 0; n < whole.size(); ++n)
        EXPECT_EQ(parse_http_response(whole.substr(0, n), false).status_of_parse, state::incomplete) << n;
    EXPECT_EQ(parse_http_response(whole, false).body, "abcde");
}

TEST(BenchHttpResponse, NoLengthEndsWithTheConnection) {
    const std::string raw = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n{\"a\":1}";
    EXPECT_EQ(parse_http_response(raw, false).status_of_parse, state::incomplete);
    const http_response r = parse_http_response(raw, true);
    EXPECT_EQ(r.status_of_parse, state::complete);
    EXPECT_EQ(r.body, "{\"a\":1}");
}

TEST(BenchHttpResponse, StatusWithoutBody) {
    const http_response r = parse_http_response("HTTP/1.1 304 Not Modified\r\nX: y\r\n\r\n", false);
    EXPECT_EQ(r.status_of_parse, state::complete);
    EXPECT_EQ(r.status, 304);
    const http_response nf = parse_http_response("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", false);
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(nf.body, "not found");
}

TEST(BenchHttpResponse, RejectsMalformedInput) {
    for (const char* raw : {
             "HTTP/2 200 OK\r\n\r\n",
             "HTTP/1.1 2x0 OK\r\n\r\n",
             "HTTP/1.1 200OK\r\n\r\n",
             "HTTP/1.1 099 Low\r\n\r\n",
             "SSH-2.0-OpenSSH\r\n\r\n",
             "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nab",
         })
        EXPECT_EQ(parse_http_response(raw, false).status_of_parse, state::bad) << raw;
    EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nX: 1\r\n", true).status_of_parse, state::bad);
    EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", true)
                  .status_of_parse,
              state::bad);
    EXPECT_EQ(parse_http_response(std::string(70'000, 'x'), false).status_of_parse, state::bad);
}

}  // namespace
}  // namespace nats::bench
