// The daemon's log: every line a JSON object that starts with time, level and event; the
// providers that can be called are logged at startup.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/daemon_log.h"

#include <doctest/doctest.h>

#include <csignal>
#include <regex>
#include <sstream>

using namespace test;

TEST_CASE("daemon log: every line starts with time, level and event, from startup to stop") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  CHECK(gw.chat(key, chat_request("no-such-model")).status == 400);
  CHECK(gw.daemon().stop(SIGTERM) == 0);

  static const std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  std::vector<std::string> shapes;
  std::istringstream lines(gw.daemon().stderr_text());
  for (std::string line; std::getline(lines, line);) {
    nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(line, nullptr, false);
    REQUIRE(parsed.is_object());
    auto field = parsed.begin();
    std::string shape;
    for (const char* name : {"time", "level", "event"}) {
      shape += field != parsed.end() && field.key() == name && field->is_string()
                   ? field->get<std::string>() + " "
                   : std::string("<no ") + name + "> ";
      field = field != parsed.end() ? std::next(field) : field;
    }
    CHECK(std::regex_match(shape.substr(0, shape.find(' ')), time));
    shapes.push_back(shape.substr(shape.find(' ') + 1));
  }
  CHECK(shapes == std::vector<std::string>{"info providers ", "info listening ",
                                           "info request ", "info request ", "info draining ",
                                           "info checkpoint ", "info stopped "});
}

TEST_CASE("daemon log: startup names the providers that can be called, and the variable "
          "each other one waits for") {
  GatewayUnderTest gw;
  gw.beta_credential = "";
  gw.start();
  const auto events = log_events(gw.daemon().stderr_text(), "providers");
  REQUIRE(events.size() == 1);
  nlohmann::ordered_json fields = events[0];
  fields.erase("time");
  CHECK(fields.dump() == R"({"level":"info","event":"providers","ready":["alpha","echo"],)"
                         R"("without_credential":{"beta":"BETA_KEY"}})");
}
