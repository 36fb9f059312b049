// POST /v1/responses, OpenAI's Responses API, passed through to a provider that serves it
// (alpha here): the body goes on with only its model replaced, the answer and every event
// come back byte for byte, and the usage (cached input and reasoning included) is billed
// exactly. What llmgw cannot bill or tie to a key is refused before anything is sent.
#include "core/wire/client_request.h"
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/responses";

std::string responses_request(const std::string& model, bool stream = false) {
  return R"({"model":")" + model + R"(","instructions":"Be terse.",)" +
         (stream ? R"("stream":true,)" : "") +
         R"("input":[{"role":"user","content":[{"type":"input_text","text":"Say hi"}]}],)"
         R"("store":false,"max_output_tokens":300})";
}

nlohmann::json usage(std::int64_t input, std::int64_t cached, std::int64_t output,
                     std::int64_t reasoning) {
  return {{"input_tokens", input},
          {"input_tokens_details", {{"cached_tokens", cached}}},
          {"output_tokens", output},
          {"output_tokens_details", {{"reasoning_tokens", reasoning}}},
          {"total_tokens", input + output}};
}

nlohmann::json response_object(const std::string& status, const nlohmann::json& usage) {
  return {{"id", "resp_01"},      {"object", "response"},
          {"created_at", 1700000000}, {"status", status},
          {"model", "premium-upstream"}, {"output", nlohmann::json::array()},
          {"usage", usage}};
}

// A text delta event's data: where it goes, and the text.
nlohmann::json with_delta(nlohmann::json at, const std::string& delta) {
  at["delta"] = delta;
  return at;
}

std::string event(const std::string& type, nlohmann::json data) {
  data["type"] = type;
  return named_sse(type, data);
}

const char* const k_columns =
    "provider, status, error_code, prompt_tokens, completion_tokens, cached_tokens, "
    "reasoning_tokens, cost, estimated, streamed";

nlohmann::json row(int status, const std::string& error_code, std::int64_t prompt,
                   std::int64_t completion, std::int64_t cached, std::int64_t reasoning,
                   std::int64_t cost, int estimated, int streamed) {
  return {{"provider", "alpha"},          {"status", status},
          {"error_code", error_code},     {"prompt_tokens", prompt},
          {"completion_tokens", completion}, {"cached_tokens", cached},
          {"reasoning_tokens", reasoning}, {"cost", cost},
          {"estimated", estimated},       {"streamed", streamed}};
}

}  // namespace

TEST_CASE("responses: a whole answer passes through byte for byte, billed with its cached "
          "input and its reasoning as a part of the output") {
  GatewayUnderTest gw;
  const std::string answer =
      R"({"id":"resp_01","object":"response","status":"completed","model":"premium-upstream",)"
      R"("output":[{"type":"reasoning","id":"rs_1","summary":[]},{"type":"message","id":"msg_1",)"
      R"("role":"assistant","content":[{"type":"output_text","text":"Hi.","annotations":[]}]}],)"
      R"("usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1000},)"
      R"("output_tokens":90,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":1290}})";
  gw.alpha.answer_json("POST", k_upstream_path, 200, answer);
  TestKey key = gw.create_key({"--limit", "5"});
  gw.start();
  auto result = gw.client().Post("/v1/responses", bearer(key), responses_request("premium"),
                                 "application/json");
  REQUIRE(result);
  CHECK(result->status == 200);
  CHECK(result->body == answer);
  const auto sent = gw.alpha.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].path == "/v1/responses");
  CHECK(sent[0].body == responses_request("premium-upstream"));
  CHECK(sent[0].header("Authorization") == std::string("Bearer ") + k_alpha_credential);
  const std::int64_t cost = cost_of(k_premium, {1200, 90, 1000});
  CHECK(gw.log_rows(k_columns) ==
        nlohmann::json::array({row(200, "", 1200, 90, 1000, 64, cost, 0, 0)}));
  CHECK(gw.usage_of(key.id) == cost);
  CHECK(gw.log_rows("endpoint, response_id") ==
        nlohmann::json::array({{{"endpoint", "/v1/responses"}, {"response_id", "resp_01"}}}));
}

TEST_CASE("responses: a stored response is continued only by the key that made it, and "
          "only at the provider that holds it") {
  GatewayUnderTest gw;
  gw.alpha.answer_json(
      "POST", k_upstream_path, 200,
      R"({"id":"resp_01","object":"response","status":"completed","output":[],)"
      R"("usage":{"input_tokens":10,"output_tokens":2,"total_tokens":12}})");
  TestKey maker = gw.create_key();
  TestKey other = gw.create_key();
  gw.start();
  CHECK(gw.post("/v1/responses", R"({"model":"premium","input":"hi"})", bearer(maker)).status ==
        200);
  const std::string next = R"({"model":"premium","input":"and?","previous_response_id":"resp_01"})";
  CHECK(gw.post("/v1/responses", next, bearer(maker)).status == 200);
  REQUIRE(gw.alpha.requests().size() == 2);
  CHECK(gw.alpha.requests()[1].body ==
        R"({"model":"premium-upstream","input":"and?","previous_response_id":"resp_01"})");
  // Another key's response, and one llmgw never logged, are alike unknown; nothing is sent.
  for (const char* id : {"resp_01", "resp_02"}) {
    CAPTURE(id);
    Reply unknown = gw.post(
        "/v1/responses",
        std::string(R"({"model":"premium","input":"x","previous_response_id":")") + id + "\"}",
        bearer(id == std::string("resp_01") ? other : maker));
    CHECK(unknown.status == 404);
    CHECK(unknown.body["error"]["message"] ==
          std::string("Previous response with id '") + id + "' not found");
  }
  // gratis is served by beta alone: the response lives at alpha.
  Reply elsewhere = gw.post(
      "/v1/responses", R"({"model":"gratis","input":"x","previous_response_id":"resp_01"})",
      bearer(maker));
  CHECK(elsewhere.status == 400);
  CHECK(elsewhere.body["error"]["message"] ==
        "Previous response 'resp_01' is held by provider alpha, which does not serve model "
        "gratis for this key");
  CHECK(gw.alpha.requests().size() == 2);
  CHECK(gw.beta.requests().empty());
}

TEST_CASE("responses: a stream passes through event by event, billed from the event that "
          "ends it, which the client sees once the usage is committed") {
  const std::vector<std::string> endings = {"response.completed", "response.incomplete",
                                            "response.failed"};
  for (const std::string& ending : endings) {
    CAPTURE(ending);
    GatewayUnderTest gw;
    const nlohmann::json item = {{"id", "msg_1"}, {"type", "message"}, {"role", "assistant"}};
    const nlohmann::json at = {{"item_id", "msg_1"}, {"output_index", 1}, {"content_index", 0}};
    const std::vector<std::string> events = {
        event("response.created", {{"response", response_object("in_progress", nullptr)}}),
        event("response.reasoning_summary_text.delta",
              {{"item_id", "rs_1"}, {"output_index", 0}, {"delta", "Greet."}}),
        event("response.output_item.added", {{"output_index", 1}, {"item", item}}),
        event("response.output_text.delta", with_delta(at, "Hi")),
        event("response.output_text.delta", with_delta(at, " there.")),
        event("response.function_call_arguments.delta",
              {{"item_id", "fc_1"}, {"output_index", 2}, {"delta", R"({"pa)"}}),
        event("response.function_call_arguments.delta",
              {{"item_id", "fc_1"}, {"output_index", 2}, {"delta", R"(th":"."})"}}),
        event(ending, {{"response", response_object(ending.substr(9), usage(500, 200, 40, 12))}}),
    };
    const std::string all = joined(events);
    std::vector<std::string> pieces;
    for (std::size_t at_byte = 0; at_byte < all.size(); at_byte += 89) {
      pieces.push_back(all.substr(at_byte, 89));
    }
    gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(1));
    TestKey key = gw.create_key();
    gw.start();
    const Streamed streamed = post_stream(gw, bearer(key), responses_request("premium", true),
                                          "/v1/responses", "event: " + ending);
    CHECK(streamed.status == 200);
    CHECK(streamed.content_type == "text/event-stream");
    CHECK(streamed.received == all);
    CHECK(streamed.rows_at_end == 1);
    const std::int64_t cost = cost_of(k_premium, {500, 40, 200});
    CHECK(gw.log_rows(k_columns) ==
          nlohmann::json::array({row(200, "", 500, 40, 200, 12, cost, 0, 1)}));
    CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE ttft_ms IS NOT NULL") == 1);
    CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE response_id = 'resp_01'") == 1);
  }
}

TEST_CASE("responses: an ending event that is error-like reaches the client redacted, "
          "after the usage it carries is committed") {
  GatewayUnderTest gw;
  nlohmann::json failed = response_object("failed", usage(70, 0, 5, 0));
  failed["error"] = {{"code", "server_error"},
                     {"message", std::string("failed for ") + k_alpha_credential}};
  // The type spelled with an escape, as a client's parser still reads it; an `error` member
  // beside it makes the event error-like.
  const std::string ending =
      "event: error\ndata: {\"type\":\"response.fai\\u006ced\",\"error\":{\"message\":"
      "\"upstream token sk-AbCdEf1234567890\"},\"response\":" + failed.dump() + "}\n\n";
  const std::vector<std::string> events = {
      event("response.created", {{"response", response_object("in_progress", nullptr)}}),
      ending,
      event("response.completed", {{"response", response_object("completed", usage(1, 0, 1, 0))}}),
  };
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  const Streamed streamed = post_stream(gw, bearer(key), responses_request("premium", true),
                                        "/v1/responses", "event: error");
  CHECK(streamed.rows_at_end == 1);
  CHECK(streamed.received.rfind(events[0], 0) == 0);
  CHECK(streamed.received.find(k_alpha_credential) == std::string::npos);
  CHECK(streamed.received.find("sk-AbCdEf1234567890") == std::string::npos);
  CHECK(streamed.received.find("[redacted]") != std::string::npos);
  // Nothing after the end goes to the client or counts.
  CHECK(streamed.received.find("response.completed") == std::string::npos);
  CHECK(gw.log_rows(k_columns) ==
        nlohmann::json::array({row(200, "", 70, 5, 0, 0, cost_of(k_premium, {70, 5, 0}), 0, 1)}));
}

TEST_CASE("responses: an answer that reports a call of a tool the provider runs is billed at "
          "least the request's bound, flagged estimated, whole and streamed") {
  GatewayUnderTest gw;
  nlohmann::json answer = response_object("completed", usage(30, 0, 4, 0));
  answer["output"] = {{{"type", "web_search_call"}, {"id", "ws_1"}, {"status", "completed"}}};
  gw.alpha.handle("POST", k_upstream_path,
                  [answer](const httplib::Request& request, httplib::Response& response) {
                    if (request.body.find(R"("stream":true)") == std::string::npos) {
                      response.set_content(answer.dump(), "application/json");
                      return;
                    }
                    response.set_content(event("response.completed", {{"response", answer}}),
                                         "text/event-stream");
                  });
  TestKey key = gw.create_key();
  gw.start();
  const std::string whole = responses_request("premium");
  CHECK(gw.post("/v1/responses", whole, bearer(key)).status == 200);
  const std::string streamed = responses_request("premium", true);
  CHECK(post_stream(gw, bearer(key), streamed, "/v1/responses").status == 200);
  // The bound: llmgw's prompt bound at the input price and max_output_tokens (300) at the
  // output price, far above what 30 and 4 tokens cost.
  auto bound = [](const std::string& body) {
    const std::int64_t prompt =
        llmgw::parse_client_request(body, llmgw::Endpoint::responses).prompt_tokens_estimate;
    return prompt * k_premium.input + 300 * k_premium.output;
  };
  CHECK(gw.log_rows(k_columns) ==
        nlohmann::json::array({row(200, "", 30, 4, 0, 0, bound(whole), 1, 0),
                               row(200, "", 30, 4, 0, 0, bound(streamed), 1, 1)}));
}

TEST_CASE("responses: a stream cut before its end is billed the prompt bound and at least "
          "the output relayed, flagged estimated") {
  GatewayUnderTest gw;
  const nlohmann::json at = {{"item_id", "msg_1"}, {"output_index", 0}, {"content_index", 0}};
  const std::string delta = "Hello there, half a rep";
  const std::vector<std::string> events = {
      event("response.created", {{"response", response_object("in_progress", nullptr)}}),
      event("response.output_text.delta", with_delta(at, delta)),
  };
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(1));
  TestKey key = gw.create_key();
  gw.start();
  const std::string body = responses_request("premium", true);
  CHECK(post_stream(gw, bearer(key), body, "/v1/responses").received == joined(events));
  // A token per byte of the delta as written (quoted); the prompt bound: every member's
  // bytes but model and stream.
  const std::int64_t output = static_cast<std::int64_t>(delta.size() + 2);
  const nlohmann::json rows = gw.log_rows("prompt_tokens, completion_tokens, estimated");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["completion_tokens"] == output);
  CHECK(rows[0]["estimated"] == 1);
  CHECK(rows[0]["prompt_tokens"].get<std::int64_t>() > static_cast<std::int64_t>(body.size() / 2));
}

TEST_CASE("responses: a client that leaves a stream is billed the usage of the event that "
          "ends it, read after the client left, and its reservation is released") {
  GatewayUnderTest gw;
  const nlohmann::json at = {{"item_id", "msg_1"}, {"output_index", 0}, {"content_index", 0}};
  std::vector<std::string> events = {
      event("response.created", {{"response", response_object("in_progress", nullptr)}})};
  for (int i = 0; i < 40; ++i) {
    events.push_back(event("response.output_text.delta", with_delta(at, "w" + std::to_string(i) + " ")));
  }
  events.push_back(
      event("response.completed", {{"response", response_object("completed", usage(700, 0, 180, 20))}}));
  gw.alpha.stream_sse("POST", k_upstream_path, events, std::chrono::milliseconds(20));
  TestKey key = gw.create_key();
  gw.start();
  const std::string read = read_until_then_close(
      gw.port(), raw_post(key, "/v1/responses", responses_request("premium", true)), "w0 ");
  CHECK(read.find("w0 ") != std::string::npos);
  REQUIRE(eventually([&] { return gw.log_rows("id").size() == 1; }));
  const std::int64_t cost = cost_of(k_premium, {700, 180, 0});
  nlohmann::json expected = row(499, "client_closed_request", 700, 180, 0, 20, cost, 0, 1);
  CHECK(gw.log_rows(k_columns) == nlohmann::json::array({expected}));
  CHECK(gw.query_int("SELECT cancelled FROM request_log") == 1);
  CHECK(gw.usage_of(key.id) == cost);
  CHECK(gw.get("/v1/key", bearer(key)).body["reserved"] == "0");
}

TEST_CASE("responses: the echo model answers in the Responses API's shape, whole and "
          "streamed") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  const std::string body = R"({"model":"echo","input":"Say hello back"})";
  Reply whole = gw.post("/v1/responses", body, bearer(key));
  CHECK(whole.status == 200);
  CHECK(whole.body["object"] == "response");
  CHECK(whole.body["status"] == "completed");
  CHECK(whole.body["output"][0]["content"][0] ==
        nlohmann::json({{"type", "output_text"}, {"text", "Say hello back"},
                        {"annotations", nlohmann::json::array()}}));
  CHECK(whole.body["usage"]["output_tokens"] == 4);
  CHECK(whole.body["id"].get<std::string>().rfind("resp_", 0) == 0);

  const std::string received =
      post_stream(gw, bearer(key), R"({"model":"echo","stream":true,"input":"Say hello back"})",
                  "/v1/responses")
          .received;
  std::vector<std::string> types;
  for (std::size_t found = received.find("event: "); found != std::string::npos;
       found = received.find("event: ", found + 1)) {
    types.push_back(received.substr(found + 7, received.find('\n', found) - found - 7));
  }
  CHECK(types == std::vector<std::string>{
                     "response.created", "response.in_progress", "response.output_item.added",
                     "response.content_part.added", "response.output_text.delta",
                     "response.output_text.delta", "response.output_text.delta",
                     "response.output_text.done", "response.content_part.done",
                     "response.output_item.done", "response.completed"});
  CHECK(gw.log_rows("provider, status, streamed") ==
        nlohmann::json::array({{{"provider", "echo"}, {"status", 200}, {"streamed", 0}},
                               {{"provider", "echo"}, {"status", 200}, {"streamed", 1}}}));
}

TEST_CASE("responses: what llmgw cannot serve, bill or tie to a key is refused before "
          "anything is sent, in OpenAI's error envelope") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--limit", "5"});
  TestKey open = gw.create_key();
  gw.start();
  auto refused = [&](const TestKey& k, const std::string& body, const std::string& message) {
    CAPTURE(body);
    Reply reply = gw.post("/v1/responses", body, bearer(k));
    CHECK(reply.status == 400);
    CHECK(reply.body["error"]["message"] == message);
    CHECK(reply.body["error"]["code"] == "invalid_request");
  };
  refused(open, R"({"model":"premium","input":"hi","conversation":"conv_9"})",
          "'conversation' is not supported: llmgw does not serve the Conversations API that "
          "holds one; send the whole input, or continue a response with "
          "'previous_response_id'");
  refused(open, R"({"model":"premium","input":"hi","previous_response_id":7})",
          "'previous_response_id' must be a string");
  refused(open, R"({"model":"premium","input":"hi","background":true})",
          "'background' responses are not supported: llmgw bills a response when it ends, and "
          "a background one ends out of its sight");
  refused(open, R"({"model":"premium"})", "'input' is required and must be a string or an array");
  refused(open, R"({"model":"premium","input":[1]})", "each item of 'input' must be an object");
  // What the provider would fill in from its store, another key's as well as this one's.
  refused(open, R"({"model":"premium","input":[{"type":"item_reference","id":"msg_1"}]})",
          "input[0] is an item_reference: llmgw cannot tie a stored item to the key that stored "
          "it; send the item itself");
  refused(open, R"({"model":"premium","input":"hi","Max_Output_Tokens":5})",
          "'Max_Output_Tokens' differs from the field 'max_output_tokens' only in case; use "
          "'max_output_tokens'");
  // A key with a spending limit: what no bound covers.
  refused(key, R"({"model":"premium","input":"hi","tools":[{"type":"web_search"}]})",
          "tools[0] has type 'web_search', which the provider may bill beyond its tokens: a key "
          "with a spending limit may not use it; send function and custom tools only");
  refused(key, R"({"model":"premium","input":"hi","context_management":[{"type":"compaction"}]})",
          "'context_management' is set: server-side compaction runs the model again, which the "
          "provider may bill beyond its tokens: a key with a spending limit may not use it");
  refused(key, R"({"model":"premium","input":"hi","previous_response_id":"resp_9"})",
          "'previous_response_id' is set, which brings in stored input whose cost llmgw "
          "cannot bound: a key with a spending limit may not use it");
  refused(key, R"({"model":"premium","input":"hi","service_tier":"priority"})",
          "'service_tier' is not \"auto\" or \"default\", which the provider may bill beyond "
          "its tokens: a key with a spending limit may not use it");
  CHECK(gw.alpha.requests().empty());
  CHECK(gw.beta.requests().empty());
  CHECK(gw.usage_of(key.id) == 0);
}
