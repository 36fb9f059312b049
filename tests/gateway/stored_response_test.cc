// GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items: a stored
// response is forwarded to the provider that holds it (alpha here) for the key that made
// it, and for no other key: another key's response reads as unknown, and nothing is sent.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const std::string k_made =
    R"({"id":"resp_01","object":"response","status":"completed","output":[],)"
    R"("usage":{"input_tokens":10,"output_tokens":2,"total_tokens":12}})";

// A gateway whose alpha made resp_01 for `maker`, with another key beside it.
struct Stored {
  GatewayUnderTest gw;
  TestKey maker;
  TestKey other;

  Stored() {
    gw.alpha.answer_json("POST", "/v1/responses", 200, k_made);
    maker = gw.create_key();
    other = gw.create_key();
  }
  void start() {
    gw.start();
    REQUIRE(gw.post("/v1/responses", R"({"model":"premium","input":"hi"})", bearer(maker))
                .status == 200);
  }
  // What alpha was sent after the request that made resp_01.
  std::vector<RecordedRequest> forwarded() {
    auto sent = gw.alpha.requests();
    sent.erase(sent.begin());
    return sent;
  }
};

// OpenAI's error envelope of a 404.
nlohmann::json not_found(const std::string& message) {
  return {{"error", {{"message", message}, {"type", "not_found"}, {"param", nullptr},
                     {"code", "not_found"}}}};
}

}  // namespace

TEST_CASE("stored responses: the key that made a response reads it, its input items and "
          "deletes it at the provider that holds it, with the provider's credential") {
  Stored stored;
  const std::string items = R"({"object":"list","data":[],"has_more":false})";
  const std::string deleted = R"({"id":"resp_01","object":"response","deleted":true})";
  stored.gw.alpha.answer_json("GET", "/v1/responses/resp_01", 200, k_made);
  stored.gw.alpha.answer_json("GET", "/v1/responses/resp_01/input_items", 200, items);
  stored.gw.alpha.answer_json("DELETE", "/v1/responses/resp_01", 200, deleted);
  stored.start();
  auto client = stored.gw.client();
  auto got = client.Get("/v1/responses/resp_01?include[]=reasoning.encrypted_content",
                        bearer(stored.maker));
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->body == k_made);
  CHECK(got->get_header_value("Content-Type") == "application/json");
  auto listed = client.Get("/v1/responses/resp_01/input_items?limit=5&order=asc",
                           bearer(stored.maker));
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(listed->body == items);
  auto gone = client.Delete("/v1/responses/resp_01", bearer(stored.maker));
  REQUIRE(gone);
  CHECK(gone->status == 200);
  CHECK(gone->body == deleted);
  const auto sent = stored.forwarded();
  REQUIRE(sent.size() == 3);
  CHECK(sent[0].method == "GET");
  CHECK(sent[0].path == "/v1/responses/resp_01");
  CHECK(sent[0].params ==
        httplib::Params{{"include[]", "reasoning.encrypted_content"}});
  CHECK(sent[1].path == "/v1/responses/resp_01/input_items");
  CHECK(sent[1].params == httplib::Params{{"limit", "5"}, {"order", "asc"}});
  CHECK(sent[2].method == "DELETE");
  CHECK(sent[2].path == "/v1/responses/resp_01");
  CHECK(sent[2].body.empty());
  for (const RecordedRequest& request : sent) {
    CHECK(request.header("Authorization") == std::string("Bearer ") + k_alpha_credential);
    CHECK(request.header("Authorization") != stored.maker.secret);
  }
  // Reading and deleting are free: the request log holds the one request that ran.
  CHECK(stored.gw.query_int("SELECT count(*) FROM request_log") == 1);
}

TEST_CASE("stored responses: another key, an id llmgw never logged and a path that is no "
          "stored response are all 404, and nothing reaches the provider") {
  Stored stored;
  stored.gw.alpha.answer_json("GET", "/v1/responses/resp_01", 200, k_made);
  stored.start();
  const std::string unknown = "Response with id 'resp_01' not found";
  CHECK(stored.gw.get("/v1/responses/resp_01", bearer(stored.other)) ==
        Reply{404, not_found(unknown)});
  CHECK(stored.gw.get("/v1/responses/resp_01/input_items", bearer(stored.other)) ==
        Reply{404, not_found(unknown)});
  auto client = stored.gw.client();
  auto deleted = client.Delete("/v1/responses/resp_01", bearer(stored.other));
  REQUIRE(deleted);
  CHECK(deleted->status == 404);
  CHECK(stored.gw.get("/v1/responses/resp_02", bearer(stored.maker)) ==
        Reply{404, not_found("Response with id 'resp_02' not found")});
  for (const char* path : {"/v1/responses/resp%2F01", "/v1/responses/resp_01/other",
                           "/v1/responses/resp_01/input_items/x"}) {
    CAPTURE(path);
    Reply reply = stored.gw.get(path, bearer(stored.maker));
    CHECK(reply.status == 404);
    CHECK(reply.body["error"]["code"] == "not_found");
  }
  auto items_deleted = client.Delete("/v1/responses/resp_01/input_items", bearer(stored.maker));
  REQUIRE(items_deleted);
  CHECK(items_deleted->status == 404);
  // Without a valid key, nothing is said about the id.
  CHECK(stored.gw.get("/v1/responses/resp_01", {}).status == 401);
  CHECK(stored.forwarded().empty());
}

TEST_CASE("stored responses: only GET and DELETE are answered, and the provider's refusal "
          "comes back as its status with its message") {
  Stored stored;
  stored.gw.alpha.answer_json("GET", "/v1/responses/resp_01", 404,
                              R"({"error":{"message":"No response found with id 'resp_01'."}})");
  stored.start();
  auto client = stored.gw.client();
  auto posted = client.Post("/v1/responses/resp_01", bearer(stored.maker), "{}",
                            "application/json");
  REQUIRE(posted);
  CHECK(posted->status == 405);
  CHECK(posted->get_header_value("Allow") == "GET, HEAD, DELETE");
  CHECK(nlohmann::json::parse(posted->body)["error"]["message"] ==
        "Method POST is not allowed on /v1/responses/resp_01; use GET or DELETE");
  Reply refused = stored.gw.get("/v1/responses/resp_01", bearer(stored.maker));
  CHECK(refused.status == 404);
  CHECK(refused.body["error"]["code"] == "upstream_error");
  CHECK(refused.body["error"]["message"] ==
        "Provider alpha answered HTTP 404: No response found with id 'resp_01'.");
  CHECK(stored.forwarded().size() == 1);
}

TEST_CASE("stored responses: a response made by a provider that no longer serves the "
          "Responses API is not asked for") {
  Stored stored;
  stored.start();
  stored.gw.cli({"provider", "set", "alpha", "--no-responses"});
  CHECK(stored.gw.get("/v1/responses/resp_01", bearer(stored.maker)) ==
        Reply{404, not_found("Response 'resp_01' was made by provider alpha, which keeps no "
                             "responses llmgw can reach")});
  CHECK(stored.forwarded().empty());
}
