#include "daemon/response_writer.h"

#include <doctest/doctest.h>

using namespace llmgw::daemon;

TEST_CASE("response writer: the head is the status line, the fields in the map's order, an empty line") {
  httplib::Response response;
  response.status = 431;
  response.set_header("X-Request-Id", "req_1");
  response.set_header("Content-Length", "2");
  response.set_header("connection", "close");
  CHECK(response_head(response) ==
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "connection: close\r\n"
        "Content-Length: 2\r\n"
        "X-Request-Id: req_1\r\n"
        "\r\n");
}

TEST_CASE("response writer: a status without a known reason phrase gets an empty one") {
  httplib::Response response;
  response.status = 299;
  CHECK(response_head(response) == "HTTP/1.1 299 \r\n\r\n");
  CHECK(std::string(reason_phrase(200)) == "OK");
  CHECK(std::string(reason_phrase(413)) == "Payload Too Large");
}
