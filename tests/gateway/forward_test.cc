// What the gateway sends upstream and to which provider: the rewritten body, the
// provider's credential, fallback to the next allowed candidate, and /v1/models.
#include "core/timestamp.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/process.h"
#include "tests/support/raw_upstream.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";

std::set<std::string> header_names(const httplib::Headers& headers) {
  std::set<std::string> names;
  for (const auto& [name, value] : headers) {
    names.insert(name);
  }
  return names;
}

// Everything a recorded request carried, for searching it for a secret.
std::string everything_sent(const RecordedRequest& request) {
  std::string text = request.method + " " + request.path + "\n" + request.body;
  for (const auto& [name, value] : request.headers) {
    text += name + ": " + value + "\n";
  }
  return text;
}

// The models /v1/models lists, each with its candidates' pricing fields and endpoints.
std::map<std::string, nlohmann::json> listed_models(GatewayUnderTest& gw, const TestKey& key) {
  Reply listed = gw.get("/v1/models", bearer(key));
  REQUIRE(listed.status == 200);
  REQUIRE(listed.body["object"] == "list");
  std::map<std::string, nlohmann::json> models;
  for (const auto& model : listed.body["data"]) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& p : model["providers"]) {
      candidates.push_back({{"provider", p["provider"]}, {"upstream_model", p["upstream_model"]},
                            {"input_price", p["input_price"]}, {"output_price", p["output_price"]},
                            {"cached_input_price", p["cached_input_price"]},
                            {"endpoints", p["endpoints"]}});
    }
    CHECK(model["object"] == "model");
    models[model["id"].get<std::string>()] = candidates;
  }
  return models;
}

// The models `llmgw key check` allows for the key, each with its candidates.
std::map<std::string, nlohmann::json> checked_models(GatewayUnderTest& gw, const TestKey& key) {
  std::map<std::string, nlohmann::json> models;
  for (const char* model : {"shared", "gratis", "premium", "echo"}) {
    Result check = test::llmgw(gw.db(), {"--json", "key", "check", key.id, "--model", model});
    nlohmann::json decision = nlohmann::json::parse(check.out, nullptr, false);
    REQUIRE(decision.is_object());
    if (decision["decision"] == "allowed") {
      models[model] = decision["candidates"];
    }
  }
  return models;
}

}  // namespace

TEST_CASE("an allowed request is forwarded with only the model rewritten, and relayed") {
  GatewayUnderTest gw;
  const std::string answer = completion_json("alpha-shared-v1", "hi there", {1000, 500, 200});
  gw.alpha.answer_json("POST", k_upstream_path, 200, answer);
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json request = chat_request("shared", "forward me");
  request["temperature"] = 0.5;
  request["user"] = "someone";
  auto result = gw.client().Post(
      "/v1/chat/completions",
      {{"x-api-key", key.secret}, {"Connection", "keep-alive, X-Hop"}, {"X-Hop", "1"},
       {"Keep-Alive", "timeout=5"}, {"TE", "trailers"}, {"Upgrade", "h2c"},
       {"Proxy-Authorization", "Basic cHJveHk6c2VjcmV0"}, {"X-Stainless-Lang", "js"}},
      request.dump(), "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->body == answer);  // byte for byte

  REQUIRE(gw.alpha.requests().size() == 1);
  RecordedRequest sent = gw.alpha.requests().front();
  CHECK(sent.method == "POST");
  CHECK(sent.path == "/v1/chat/completions");
  nlohmann::json expected = request;
  expected["model"] = "alpha-shared-v1";
  CHECK(nlohmann::json::parse(sent.body) == expected);
  CHECK(sent.header("Authorization") == std::string("Bearer ") + k_alpha_credential);
  CHECK(sent.header("Content-Type") == "application/json");
  // The gateway's own headers and nothing of the client's (cpp-httplib's server adds the
  // REMOTE_ and LOCAL_ pseudo-headers).
  std::set<std::string> names = header_names(sent.headers);
  for (const char* pseudo : {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR", "LOCAL_PORT"}) {
    names.erase(pseudo);
  }
  CHECK(names == std::set<std::string>{"Accept", "Authorization", "Connection", "Content-Length",
                                       "Content-Type", "Host"});
  CHECK(everything_sent(sent).find(key.secret) == std::string::npos);
  CHECK(everything_sent(sent).find(k_beta_credential) == std::string::npos);
  CHECK(gw.beta.requests().empty());
  // Nor does either secret reach the daemon's log.
  CHECK(gw.daemon().stderr_text().find(key.secret) == std::string::npos);
  CHECK(gw.daemon().stderr_text().find(k_alpha_credential) == std::string::npos);
}

TEST_CASE("a served request is logged and charged at the serving mapping's exact prices") {
  GatewayUnderTest gw;
  const TokenCounts usage{1000, 500, 200};
  gw.alpha.answer_json("POST", k_upstream_path, 200, completion_json("alpha-shared-v1", "ok", usage));
  TestKey key = gw.create_key();
  gw.start();
  REQUIRE(gw.chat(key, chat_request("shared")).status == 200);
  const std::int64_t cost = cost_of(k_alpha_shared, usage);
  CHECK(cost == 1'900'000'000);  // 800 * $1 + 200 * $0.5 + 500 * $2 per 1M tokens: $0.0019
  CHECK(gw.log_rows("key_id, requested_model, served_model, provider, status, error_code, "
                    "prompt_tokens, completion_tokens, cached_tokens, cost, estimated, streamed, "
                    "cancelled") ==
        nlohmann::json::array({{{"key_id", key.id}, {"requested_model", "shared"},
                                {"served_model", "shared"}, {"provider", "alpha"}, {"status", 200},
                                {"error_code", ""}, {"prompt_tokens", 1000},
                                {"completion_tokens", 500}, {"cached_tokens", 200}, {"cost", cost},
                                {"estimated", 0}, {"streamed", 0}, {"cancelled", 0}}}));
  CHECK(gw.usage_of(key.id) == cost);
  Reply status = gw.get("/v1/key", bearer(key));
  CHECK(status.body["usage"] == "0.0019");
  // The key's last use is the request's time, as the log and the key row have it.
  const std::int64_t logged = gw.query_int("SELECT time FROM request_log");
  CHECK(gw.query_int("SELECT last_used_at FROM api_keys WHERE id = '" + key.id + "'") == logged);
  CHECK(status.body["last_used_at"] == llmgw::format_iso(logged));
}

TEST_CASE("fallback: the first provider answers 500, the next allowed one serves") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", k_upstream_path, 500, R"({"error":{"message":"alpha is down"}})");
  const std::string answer = completion_json("beta/shared", "from beta", {10, 20, 0});
  gw.beta.answer_json("POST", k_upstream_path, 200, answer);
  TestKey key = gw.create_key();
  gw.start();
  auto result = gw.client().Post("/v1/chat/completions", bearer(key),
                                 chat_request("shared").dump(), "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->body == answer);
  CHECK(gw.alpha.requests().size() == 1);
  REQUIRE(gw.beta.requests().size() == 1);
  CHECK(nlohmann::json::parse(gw.beta.requests()[0].body)["model"] == "beta/shared");
  CHECK(gw.beta.requests()[0].header("Authorization") ==
        std::string("Bearer ") + k_beta_credential);
  CHECK(gw.log_rows("provider, status, cost") ==
        nlohmann::json::array({{{"provider", "beta"}, {"status", 200},
                                {"cost", cost_of(k_beta_shared, {10, 20, 0})}}}));
}

TEST_CASE("fallback: connection refused by the first provider, the next one serves") {
  GatewayUnderTest gw;
  gw.alpha_base_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1";
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("beta/shared", "from beta", {10, 20, 0}));
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("shared")).status == 200);
  CHECK(gw.beta.requests().size() == 1);
}

TEST_CASE("a provider removed by deny_providers is never contacted") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", k_upstream_path, 200,
                       completion_json("alpha-shared-v1", "from alpha", {10, 20, 0}));
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("beta/shared", "from beta", {10, 20, 0}));
  TestKey key = gw.create_key({"--deny-provider", "alpha"});
  gw.start();
  Reply served = gw.chat(key, chat_request("shared"));
  CHECK(served.status == 200);
  CHECK(served.body["choices"][0]["message"]["content"] == "from beta");
  CHECK(gw.alpha.requests().empty());
}

TEST_CASE("fallback never reaches a denied provider: the first fails, the request fails") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", k_upstream_path, 503, R"({"error":{"message":"overloaded"}})");
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("beta/shared", "from beta", {10, 20, 0}));
  TestKey key = gw.create_key({"--deny-provider", "beta"});
  gw.start();
  CHECK(gw.chat(key, chat_request("shared")) ==
        reference_error(502, "upstream_error", "Provider alpha answered HTTP 503: overloaded"));
  CHECK(gw.alpha.requests().size() == 1);
  CHECK(gw.beta.requests().empty());
  CHECK(gw.usage_of(key.id) == 0);
}

TEST_CASE("/v1/models lists exactly what `llmgw key check` allows, with pricing") {
  GatewayUnderTest gw;
  std::vector<TestKey> keys = {
      gw.create_key(),
      gw.create_key({"--deny-provider", "alpha"}),
      gw.create_key({"--free-only"}),
      gw.create_key({"--max-input-price", "2"}),
      gw.create_key({"--allow-model", "shared", "--allow-model", "premium"}),
      gw.create_key({"--deny-model", "shared", "--deny-model", "gratis", "--deny-model", "echo",
                     "--deny-model", "premium"}),
  };
  gw.start();
  for (const TestKey& key : keys) {
    CAPTURE(key.id);
    CHECK(listed_models(gw, key) == checked_models(gw, key));
  }
  // And the sets are what the rules say, so the comparison above is not vacuous.
  auto ids = [&gw](const TestKey& key) {
    std::set<std::string> names;
    for (const auto& [id, candidates] : listed_models(gw, key)) {
      names.insert(id);
    }
    return names;
  };
  CHECK(ids(keys[0]) == std::set<std::string>{"echo", "gratis", "premium", "shared"});
  CHECK(ids(keys[1]) == std::set<std::string>{"echo", "gratis", "shared"});
  CHECK(ids(keys[2]) == std::set<std::string>{"echo", "gratis"});
  CHECK(ids(keys[5]).empty());
  CHECK(listed_models(gw, keys[1])["shared"][0]["provider"] == "beta");
  // alpha serves the Responses API, beta only chat: a Responses request to it is translated.
  const nlohmann::json shared = listed_models(gw, keys[0])["shared"];
  CHECK(shared[0]["endpoints"] == nlohmann::json{{"/v1/chat/completions", "native"},
                                                 {"/v1/embeddings", "native"},
                                                 {"/v1/messages", "translated"},
                                                 {"/v1/responses", "native"}});
  CHECK(shared[1]["endpoints"]["/v1/responses"] == "translated");
}
