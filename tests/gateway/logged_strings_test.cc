// Strings a client chooses that llmgw logs (the model in the request log and the access
// log, the path in the access log) are logged as sent up to 256 bytes, then cut and
// marked, so that a client cannot make the daemon write megabytes per request.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace test;

namespace {

const std::string k_marker = "...[truncated]";

// The access-log lines the daemon has written so far, parsed.
std::vector<nlohmann::json> access_log(GatewayUnderTest& gw) {
  std::vector<nlohmann::json> entries;
  std::istringstream lines(gw.daemon().stderr_text());
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_object() && entry.contains("status")) {
      entries.push_back(std::move(entry));
    }
  }
  return entries;
}

}  // namespace

TEST_CASE("logged strings: a 1 MiB model is logged cut to 256 bytes, marked") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  const std::string model(1 << 20, 'm');
  const std::string logged = std::string(256, 'm') + k_marker;
  Reply refused = gw.chat(key, chat_request(model));
  CHECK(refused == reference_error(400, "model_not_found",
                                   "Model " + model + " is not in the catalog"));
  CHECK(gw.log_rows("requested_model, status") ==
        nlohmann::json::array({{{"requested_model", logged}, {"status", 400}}}));
  std::vector<nlohmann::json> entries;
  REQUIRE(eventually([&] { return !(entries = access_log(gw)).empty(); }));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].value("path", "") == "/v1/chat/completions");
  CHECK(entries[0].value("requested_model", "") == logged);
  CHECK(gw.daemon().stderr_text().size() < 4096);
}

TEST_CASE("logged strings: an 8,000-byte path is logged cut to 256 bytes, marked") {
  GatewayUnderTest gw;
  gw.start();
  const std::string path = "/v1/" + std::string(7996, 'p');
  CHECK(gw.get(path, {}) == reference_error(404, "not_found", "Not found: " + path));
  std::vector<nlohmann::json> entries;
  REQUIRE(eventually([&] { return !(entries = access_log(gw)).empty(); }));
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].value("path", "") == path.substr(0, 256) + k_marker);
  CHECK(entries[0].value("status", 0) == 404);
  CHECK(gw.daemon().stderr_text().size() < 4096);
}
