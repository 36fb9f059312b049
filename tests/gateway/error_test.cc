// Requests refused after authentication, and by routing: 400, 403, 404, 405, 413, in
// the reference shape or, for SDK clients, in the OpenAI envelope.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const std::string k_path = "/v1/chat/completions";

// The id of the only rule of `key_id`.
std::string only_rule_id(GatewayUnderTest& gw, const std::string& key_id) {
  nlohmann::json rules = nlohmann::json::parse(gw.cli({"--json", "key", "rule", "list", key_id}));
  REQUIRE(rules["rules"].size() == 1);
  return rules["rules"][0]["id"].get<std::string>();
}

Reply invalid_request(const std::string& message) {
  return reference_error(400, "invalid_request", message);
}

}  // namespace

TEST_CASE("403: an IAM denial has the reference's exact body, naming the rule") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--deny-model", "premium"});
  gw.start();
  CHECK(gw.chat(key, chat_request("premium")) ==
        Reply{403,
              {{"error", true},
               {"status", 403},
               {"message", "Access denied: Model premium is in the denied models list"},
               {"code", "permission_denied"},
               {"rule_id", only_rule_id(gw, key.id)}}});
  CHECK(gw.alpha.requests().empty());
}

TEST_CASE("404: an unknown path, with or without a key") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  Reply not_found = reference_error(404, "not_found", "Not found: /v1/completions");
  CHECK(gw.post("/v1/completions", "{}", {}) == not_found);
  CHECK(gw.post("/v1/completions", "{}", bearer(key)) == not_found);
  // A path that decodes to bytes that are not UTF-8 is quoted with U+FFFD in their place.
  CHECK(gw.get("/v1/%FFmodels", {}) ==
        reference_error(404, "not_found", "Not found: /v1/\xEF\xBF\xBDmodels"));
}

TEST_CASE("405: a wrong method names the right one, in Allow and in the message") {
  GatewayUnderTest gw;
  gw.start();
  auto get = gw.client().Get(k_path.c_str());
  REQUIRE(get);
  CHECK(get->get_header_value("Allow") == "POST");
  CHECK(reply_of(get) ==
        reference_error(405, "method_not_allowed",
                        "Method GET is not allowed on /v1/chat/completions; use POST"));
  auto post = gw.client().Post("/v1/models", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  CHECK(reply_of(post) ==
        reference_error(405, "method_not_allowed",
                        "Method POST is not allowed on /v1/models; use GET"));
}

TEST_CASE("413: a body over --max-body") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start({"--max-body", "1K"});
  CHECK(gw.chat(key, chat_request("echo", std::string(2000, 'x'))) ==
        reference_error(413, "request_too_large", "Request body is larger than the limit"));
  CHECK(gw.chat(key, chat_request("echo", std::string(900, 'x'))).status == 200);
}

TEST_CASE("400: a body that is not JSON") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.post(k_path, "{\"model\": \"echo\", ", bearer(key)) ==
        invalid_request("request body is not valid JSON"));
  CHECK(gw.post(k_path, "", bearer(key)) == invalid_request("request body is not valid JSON"));
  CHECK(gw.post(k_path, "[1]", bearer(key)) ==
        invalid_request("request body must be a JSON object"));
}

TEST_CASE("400: JSON nested past the depth cap is refused before parsing") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  std::string deep = "{\"model\":\"echo\",\"x\":" + std::string(100000, '[') + "]}";
  CHECK(gw.post(k_path, deep, bearer(key)) ==
        invalid_request("request body nests deeper than 64 levels"));
}

TEST_CASE("400: missing or wrong-typed fields") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  auto with = [](const char* field, nlohmann::json value) {
    nlohmann::json body = chat_request("echo");
    body[field] = std::move(value);
    return body;
  };
  nlohmann::json no_model = chat_request("echo");
  no_model.erase("model");
  CHECK(gw.chat(key, no_model) ==
        invalid_request("'model' is required and must be a non-empty string"));
  CHECK(gw.chat(key, with("model", 4)) ==
        invalid_request("'model' is required and must be a non-empty string"));
  CHECK(gw.chat(key, with("messages", "hello")) ==
        invalid_request("'messages' is required and must be a non-empty array"));
  CHECK(gw.chat(key, with("messages", {"hello"})) ==
        invalid_request("each item of 'messages' must be an object"));
  CHECK(gw.chat(key, with("stream", "yes")) == invalid_request("'stream' must be a boolean"));
  CHECK(gw.chat(key, with("max_tokens", -1)) ==
        invalid_request("'max_tokens' must be a non-negative integer"));
  CHECK(gw.post("/v1/embeddings", R"({"model":"echo","input":5})", bearer(key)) ==
        invalid_request("'input' is required and must be a string or an array"));
}

TEST_CASE("400: a field name that differs only in case, or by a Unicode fold, is refused") {
  // Upstreams written in Go match JSON keys case-insensitively with Unicode folding, the
  // last match winning: these would reach them as a second model, stream flag or limit.
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  auto with = [](const std::string& field, nlohmann::json value) {
    nlohmann::json body = chat_request("echo");
    body[field] = std::move(value);
    return body;
  };
  CHECK(gw.chat(key, with("Model", "premium")) ==
        invalid_request("'Model' differs from the field 'model' only in case; use 'model'"));
  CHECK(gw.chat(key, with("\u017Ftream", true)) ==
        invalid_request("'\u017Ftream' differs from the field 'stream' only in case; use 'stream'"));
  CHECK(gw.chat(key, with("max_to\u212Aens", 5)) ==
        invalid_request(
            "'max_to\u212Aens' differs from the field 'max_tokens' only in case; use 'max_tokens'"));
  CHECK(gw.chat(key, with("MESSAGES", nlohmann::json::array())) ==
        invalid_request("'MESSAGES' differs from the field 'messages' only in case; use 'messages'"));
  CHECK(gw.log_rows("status").size() == 4);
  CHECK(gw.chat(key, with("models", "premium")).status == 200);  // another name altogether
}

TEST_CASE("400: an unknown model, or one the named provider does not serve") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("gpt-nope")) ==
        reference_error(400, "model_not_found", "Model gpt-nope is not in the catalog"));
  CHECK(gw.chat(key, chat_request("alpha/gratis")) ==
        reference_error(400, "model_not_found", "Model gratis is not served by provider alpha"));
}

TEST_CASE("errors to a client sending X-Stainless-Lang come in the OpenAI envelope") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--deny-model", "premium"});
  gw.start();
  httplib::Headers sdk = {{"X-Stainless-Lang", "js"}};
  CHECK(gw.chat(key, chat_request("premium"), sdk) ==
        openai_error(403, "Access denied: Model premium is in the denied models list",
                     "permission_error", "permission_denied"));
  CHECK(gw.chat(key, chat_request("gpt-nope"), sdk) ==
        openai_error(400, "Model gpt-nope is not in the catalog", "invalid_request_error",
                     "model_not_found"));
  CHECK(gw.get("/v1/key", sdk) ==
        openai_error(401,
                     "Missing API key: send Authorization: Bearer <key> or x-api-key: <key>",
                     "authentication_error", "invalid_api_key"));
}

TEST_CASE("--error-format openai answers every client in the OpenAI envelope") {
  GatewayUnderTest gw;
  gw.start({"--error-format", "openai"});
  CHECK(gw.get("/v1/models", {{"Authorization", "Bearer llmgtwy_" + std::string(40, 'B')}}) ==
        openai_error(401, "Invalid API key", "authentication_error", "invalid_api_key"));
  CHECK(gw.get("/v1/nowhere", {}) ==
        openai_error(404, "Not found: /v1/nowhere", "not_found", "not_found"));
}

TEST_CASE("--error-format reference answers SDK clients in the reference shape") {
  GatewayUnderTest gw;
  gw.start({"--error-format", "reference"});
  CHECK(gw.get("/v1/models", {{"X-Stainless-Lang", "python"},
                              {"Authorization", "Bearer llmgtwy_" + std::string(40, 'B')}}) ==
        reference_error(401, "invalid_api_key", "Invalid API key"));
}
