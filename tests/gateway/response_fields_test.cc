// The fields every response carries: Date, and x-request-id, the id of the request's
// access-log line.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/daemon_log.h"

#include <doctest/doctest.h>

#include <regex>

using namespace test;

namespace {

bool is_http_date(const std::string& value) {
  static const std::regex date(
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )"
      R"(\d{4} \d\d:\d\d:\d\d GMT)");
  return std::regex_match(value, date);
}

// The request_id of the access-log lines, in order.
std::vector<std::string> logged_ids(GatewayUnderTest& gw) {
  std::vector<std::string> ids;
  for (const auto& line : log_events(gw.daemon().stderr_text(), "request")) {
    ids.push_back(line["request_id"].get<std::string>());
  }
  return ids;
}

}  // namespace

TEST_CASE("response fields: a Date, and the x-request-id of the request's access-log line") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", "/v1/chat/completions", 200,
                       completion_json("premium-upstream", "hi", {5, 2, 0}));
  TestKey key = gw.create_key();
  gw.start();
  httplib::Client client = gw.client();
  httplib::Headers headers = bearer(key);
  auto ok = client.Post("/v1/chat/completions", headers, chat_request("premium").dump(),
                        "application/json");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto refused = client.Post("/v1/chat/completions", chat_request("premium").dump(),
                             "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  auto missing = client.Get("/nowhere");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  REQUIRE(eventually([&] { return logged_ids(gw).size() == 3; }));
  const std::vector<std::string> ids = logged_ids(gw);
  CHECK(ok->get_header_value("x-request-id") == ids[0]);
  CHECK(refused->get_header_value("x-request-id") == ids[1]);
  CHECK(missing->get_header_value("x-request-id") == ids[2]);
  CHECK(ids[0].rfind("req_", 0) == 0);
  CHECK(ids[0] != ids[1]);
  for (const auto* result : {&ok, &refused, &missing}) {
    CHECK(is_http_date((*result)->get_header_value("Date")));
    CHECK((*result)->get_header_value_count("x-request-id") == 1);
  }
  // The request log has the same id.
  CHECK(gw.log_rows("request_id") == nlohmann::json::array({{{"request_id", ids[0]}}}));
}

TEST_CASE("response fields: a client's x-request-id is not taken, and probes get an id of "
          "their own") {
  GatewayUnderTest gw;
  gw.start();
  httplib::Client client = gw.client();
  auto health = client.Get("/healthz", httplib::Headers{{"x-request-id", "req_chosen"}});
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(is_http_date(health->get_header_value("Date")));
  const std::string id = health->get_header_value("x-request-id");
  CHECK(id.rfind("req_", 0) == 0);
  CHECK(id != "req_chosen");
  CHECK(health->get_header_value_count("x-request-id") == 1);
}
