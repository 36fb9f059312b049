#include "daemon/http/response.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace llmgw::daemon;

TEST_CASE("response: a field whose name or value holds a CR or an LF is not set") {
  Response response;
  response.set_header("X-Request-Id", "req_1\r\nSet-Cookie: a=b");
  response.set_header("X-Model", "gpt\n");
  response.set_header("X-Bad\r\nName", "1");
  response.set_header("X-Request-Id", "req_2");
  CHECK(response.headers.size() == 1);
  CHECK(response.get_header_value("x-request-id") == "req_2");
  CHECK(response.has_header("X-REQUEST-ID"));
  CHECK_FALSE(response.has_header("X-Model"));
  CHECK(response.get_header_value("X-Model").empty());
}

TEST_CASE("response: a whole body's Content-Type replaces any other") {
  Response response;
  response.set_header("Content-Type", "text/plain");
  response.set_content("{}", "application/json");
  CHECK(response.body == "{}");
  CHECK(response.headers.count("Content-Type") == 1);
  CHECK(response.get_header_value("Content-Type") == "application/json");
  CHECK_FALSE(response.streamed());
}

TEST_CASE("response: a stream's releaser runs once, told the outcome") {
  std::vector<bool> released;
  {
    Response response;
    response.stream("text/event-stream", [](httplib::DataSink&) { return true; },
                    [&released](bool whole) { released.push_back(whole); });
    CHECK(response.streamed());
    CHECK(response.get_header_value("Content-Type") == "text/event-stream");
    response.release(true);
    response.release(false);
  }
  CHECK(released == std::vector<bool>{true});
}

TEST_CASE("response: a stream never written is released as not whole when the response ends") {
  std::vector<bool> released;
  {
    Response response;
    response.stream("text/event-stream", [](httplib::DataSink&) { return true; },
                    [&released](bool whole) { released.push_back(whole); });
  }
  CHECK(released == std::vector<bool>{false});
}

TEST_CASE("response: a whole body or another stream set after a stream releases it unsent") {
  std::vector<std::string> released;
  Response response;
  response.stream("text/event-stream", [](httplib::DataSink&) { return true; },
                  [&released](bool whole) { released.push_back(whole ? "first whole" : "first"); });
  response.stream("text/event-stream", [](httplib::DataSink&) { return true; },
                  [&released](bool whole) { released.push_back(whole ? "second whole" : "second"); });
  CHECK(released == std::vector<std::string>{"first"});
  response.set_content("{\"error\":{}}", "application/json");
  CHECK(released == std::vector<std::string>{"first", "second"});
  CHECK_FALSE(response.streamed());
  CHECK(response.body == "{\"error\":{}}");
  CHECK(response.get_header_value("Content-Type") == "application/json");
}
