#include "tests/gateway/key_books.h"

#include "core/money.h"

namespace test {

namespace {

std::string usd(std::int64_t picodollars) {
  return llmgw::Money::from_units(picodollars).to_usd();
}

}  // namespace

nlohmann::json books_of(GatewayUnderTest& gw, const TestKey& key) {
  Reply reported = gw.get("/v1/key", bearer(key));
  const nlohmann::json& body = reported.body;
  auto field = [&body](const char* path) {
    nlohmann::json::json_pointer at(path);
    return body.is_object() && body.contains(at) ? body[at] : nlohmann::json("<absent>");
  };
  std::string id = "'" + key.id + "'";  // ids are key_ and base32: nothing to escape
  return {{"reserved", field("/reserved")},
          {"usage", field("/usage")},
          {"period_usage", field("/period_limit/usage")},
          {"stored_usage", gw.query_int("SELECT usage FROM api_keys WHERE id = " + id)},
          {"stored_period_usage",
           gw.query_int("SELECT period_usage FROM api_keys WHERE id = " + id)},
          {"logged",
           gw.query_int("SELECT coalesce(SUM(cost), 0) FROM request_log WHERE key_id = " + id)}};
}

nlohmann::json settled_books(std::int64_t logged) {
  return {{"reserved", "0"},
          {"usage", usd(logged)},
          {"period_usage", usd(logged)},
          {"stored_usage", logged},
          {"stored_period_usage", logged},
          {"logged", logged}};
}

}  // namespace test
