// The reservation bounds what an honest provider can bill (README "Limits under
// concurrency"): every input member but model and stream at a token a byte, the tool-use
// allowance, each image part at its worst case, and the output times `n` and `best_of`.
// What no bound covers is refused for a key with a limit, and served for one without.
#include "tests/gateway/billed_parts.h"
#include "tests/gateway/gateway_fixture.h"

#include "core/money.h"

#include <doctest/doctest.h>

#include <limits>
#include <thread>

using namespace test;

namespace {

constexpr std::int64_t k_max_tokens = 50;
const std::string k_upstream_path = "/v1/chat/completions";

std::string usd(std::int64_t picodollars) {
  return llmgw::Money::from_units(picodollars).to_usd();
}

// A streamed premium request, held in flight by an upstream that waits a second between
// events, and what /v1/key says it reserves meanwhile.
std::string reserved_while_held(const nlohmann::json& body) {
  GatewayUnderTest gw;
  TestKey key = gw.create_key({"--limit", "1000"});
  using namespace std::chrono_literals;
  gw.alpha.stream_sse("POST", k_upstream_path,
                      {sse(content_chunk("premium-upstream", "held")),
                       sse(usage_chunk("premium-upstream", {1, 1, 0})), k_sse_done},
                      1000ms);
  gw.start();
  nlohmann::json streamed = body;
  streamed["stream"] = true;
  std::thread holding([&gw, &key, streamed] {
    gw.stream_chat(key, streamed, [](const char*, std::size_t) { return true; });
  });
  std::string reserved;
  eventually([&] {
    reserved = gw.get("/v1/key", bearer(key)).body.value("reserved", "");
    return reserved != "0" && !reserved.empty();
  });
  holding.join();
  return reserved;
}

nlohmann::json premium_request() {
  nlohmann::json body = chat_request("premium", "tell me");
  body["max_tokens"] = k_max_tokens;
  return body;
}

}  // namespace

TEST_CASE("reservation: n = 50 reserves fifty answers") {
  nlohmann::json body = premium_request();
  body["n"] = 50;
  const std::int64_t prompt = member_bytes(body);
  // A provider bills the prompt once and 50 answers of up to max_tokens each.
  CHECK(reserved_while_held(body) ==
        usd(cost_of(k_premium, {prompt, 50 * k_max_tokens, 0})));
}

TEST_CASE("reservation: 20 KB of tools count at a token a byte, with the tool-use allowance") {
  nlohmann::json body = premium_request();
  body["tools"] = tools_of(20000);
  const std::int64_t prompt = member_bytes(body) + k_tool_use_tokens;
  CHECK(prompt > 20000);
  CHECK(reserved_while_held(body) == usd(cost_of(k_premium, {prompt, k_max_tokens, 0})));
}

TEST_CASE("reservation: each image part counts at its worst case") {
  nlohmann::json body = premium_request();
  body["messages"] = {message_with_images(4)};
  const std::int64_t prompt = member_bytes(body) + 4 * k_image_tokens;
  CHECK(reserved_while_held(body) == usd(cost_of(k_premium, {prompt, k_max_tokens, 0})));
}

TEST_CASE("reservation: what no bound covers is a 400 for a limited key, served for another") {
  GatewayUnderTest gw;
  gw.alpha.answer_json("POST", k_upstream_path, 200,
                       completion_json("premium-upstream", "ok", {10, 5, 0}));
  TestKey limited = gw.create_key({"--limit", "10"});
  TestKey period_limited = gw.create_key({"--period-limit", "10", "--period", "1d"});
  TestKey unlimited = gw.create_key();
  gw.start();
  // A mapping with no max output tokens in the catalog.
  gw.cli({"model", "add", "open-ended", "--provider", "alpha", "--upstream-model",
          "premium-upstream", "--input-price", "10", "--output-price", "30"});
  const std::string parts_only =
      ", whose cost llmgw cannot bound: a key with a spending limit may send only text, image, "
      "audio, tool call, tool result and thinking parts";

  nlohmann::json file_part = premium_request();
  file_part["messages"] = {{{"role", "user"},
                            {"content",
                             {{{"type", "text"}, {"text", "summarize"}},
                              {{"type", "file"}, {"file", {{"file_id", "file-abc"}}}}}}}};
  nlohmann::json audio_out = premium_request();
  audio_out["modalities"] = {"text", "audio"};
  nlohmann::json open_ended = chat_request("open-ended");
  // A file part in a first `content` that a provider may read, a text one after it.
  const std::string repeated_content =
      R"({"model":"premium","max_tokens":50,"messages":[{"role":"user","content":[{"type":"file",)"
      R"("file":{"file_id":"file-abc"}}],"content":"summarize"}]})";

  for (const TestKey& key : {limited, period_limited}) {
    CHECK(gw.chat(key, file_part) ==
          reference_error(400, "invalid_request", "messages[0].content[1] has type 'file'" + parts_only));
    CHECK(gw.chat(key, audio_out) ==
          reference_error(400, "invalid_request",
                          "'modalities' asks for audio output, whose cost llmgw cannot bound: a "
                          "key with a spending limit may ask for text only"));
    CHECK(gw.chat(key, open_ended) ==
          reference_error(400, "invalid_request",
                          "'max_tokens' is required: model open-ended on provider alpha has no max "
                          "output tokens in the catalog, so llmgw cannot bound the cost for a key "
                          "with a spending limit"));
    CHECK(gw.post("/v1/chat/completions", repeated_content, bearer(key)) ==
          reference_error(400, "invalid_request",
                          "messages[0] has the key 'content' more than once, whose cost llmgw "
                          "cannot bound: a provider may read another member than llmgw does"));
  }
  CHECK(gw.alpha.requests().empty());
  CHECK(gw.query_int("SELECT COUNT(*) FROM request_log WHERE cost > 0") == 0);
  CHECK(gw.usage_of(limited.id) == 0);

  // With max_tokens the open-ended mapping is bounded; without a limit nothing is refused.
  nlohmann::json bounded = open_ended;
  bounded["max_tokens"] = 10;
  CHECK(gw.chat(limited, bounded).status == 200);
  CHECK(gw.chat(unlimited, file_part).status == 200);
  CHECK(gw.chat(unlimited, audio_out).status == 200);
  CHECK(gw.chat(unlimited, open_ended).status == 200);
  CHECK(gw.post("/v1/chat/completions", repeated_content, bearer(unlimited)).status == 200);
  CHECK(gw.alpha.requests().size() == 5);
}

TEST_CASE("reservation: max_tokens whose cost Money cannot hold is a 400, not a 500") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json body = chat_request("premium");
  body["max_tokens"] = std::numeric_limits<std::int64_t>::max();
  CHECK(gw.chat(key, body) ==
        reference_error(400, "invalid_request",
                        "'max_tokens' is too large: the request could cost more than llmgw can "
                        "count"));
  body["max_tokens"] = 1000000000000;
  body["n"] = 1000000;
  CHECK(gw.chat(key, body) ==
        reference_error(400, "invalid_request",
                        "'max_tokens' times 'n' is too large: the request could cost more than "
                        "llmgw can count"));
  body["n"] = 0;
  CHECK(gw.chat(key, body) ==
        reference_error(400, "invalid_request", "'n' must be an integer of at least 1"));
  CHECK(gw.alpha.requests().empty());
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
}

TEST_CASE("body caps: members per object and messages, each a 400 naming its cap") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  std::string repeated = R"({"model":"echo","messages":[{"role":"user","content":"x"}])";
  for (int i = 0; i < 600000; ++i) {
    repeated += R"(,"x":1)";
  }
  repeated += "}";
  CHECK(gw.post("/v1/chat/completions", repeated, bearer(key)) ==
        reference_error(400, "invalid_request",
                        "an object in the request body has more than 10000 members"));
  nlohmann::json many = chat_request("echo");
  for (int i = 0; i < 100000; ++i) {
    many["messages"].push_back({{"role", "user"}, {"content", "x"}});
  }
  CHECK(gw.chat(key, many) ==
        reference_error(400, "invalid_request", "'messages' has more than 100000 items"));
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
}
