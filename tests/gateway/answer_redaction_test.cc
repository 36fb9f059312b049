// A provider's answer reaches the client redacted: fragments of the provider's credential
// wherever they are, in a whole answer and in every event of a stream, and error-like
// events (an `error` type, data that is not a JSON object, an object with an "error"
// member) rebuilt with every string through the full redaction. Ordinary content is not
// judged otherwise.
#include "tests/gateway/gateway_fixture.h"

#include <doctest/doctest.h>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";
const std::string k_model = "premium-upstream";
const std::string k_credential = "canary-Alpha7credential-0451";

std::string relayed_stream(const std::vector<std::string>& pieces) {
  GatewayUnderTest gw;
  gw.alpha_credential = k_credential;
  gw.alpha.stream_sse("POST", k_upstream_path, pieces, std::chrono::milliseconds(20));
  TestKey key = gw.create_key();
  gw.start();
  nlohmann::json body = chat_request("premium", "echo my key");
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  std::string received;
  auto result = gw.stream_chat(key, body, [&](const char* data, std::size_t size) {
    received.append(data, size);
    return true;
  });
  REQUIRE(result);
  CHECK(result->status == 200);
  return received;
}

}  // namespace

TEST_CASE("stream redaction: every event is relayed without the provider's credential") {
  const std::string usage = sse(usage_chunk(k_model, {12, 3, 0}));
  // A content delta that echoes the credential, split across two writes of the upstream.
  const std::string echoed = sse(content_chunk(k_model, "your key is " + k_credential + "!"));
  const std::size_t split = echoed.find("Alpha7") + 3;
  std::vector<std::string> pieces = {
      "event: error\ndata: {\"message\":\"bad key " + k_credential + "\"}\n\n",
      "data: upstream failed for " + k_credential + "\n\n",
      "event: error\ndata: {\"error\":{\"message\":\"denied\",\"key\":\"" + k_credential + "\"}}\n\n",
      "event: error\ndata: {\"error\":{\"llmgtwy_AbCdEfGh12345678\":[\"Alpha7Secret99\"]}}\n\n",
      echoed.substr(0, split),
      echoed.substr(split),
      sse(content_chunk(k_model, "a token-like word stays: abc123DEF456ghi")),
      usage,
      // The end, with lines beside its data: relayed as the plain end.
      ": " + k_credential + "\nid: " + k_credential + "\ndata: [DONE]\n\n"};
  CHECK(relayed_stream(pieces) ==
        "event: error\ndata: {\"message\":\"bad key [redacted]\"}\n\n"
        "data: upstream failed for [redacted]\n\n"
        "event: error\ndata: {\"error\":{\"key\":\"[redacted]\",\"message\":\"denied\"}}\n\n"
        "event: error\ndata: {\"error\":{\"[redacted]\":[\"[redacted]\"]}}\n\n" +
            sse(content_chunk(k_model, "your key is [redacted]!")) +
            sse(content_chunk(k_model, "a token-like word stays: abc123DEF456ghi")) + usage +
            k_sse_done);
}

TEST_CASE("stream redaction: a fragment of the credential is redacted, a shorter piece kept") {
  const std::string fragment = k_credential.substr(3, 12);  // "ary-Alpha7cr"
  const std::string shorter = k_credential.substr(3, 11);
  std::vector<std::string> pieces = {sse(content_chunk(k_model, "<" + fragment + ">")),
                                     sse(content_chunk(k_model, "<" + shorter + ">")),
                                     k_sse_done};
  CHECK(relayed_stream(pieces) == sse(content_chunk(k_model, "<[redacted]>")) +
                                      sse(content_chunk(k_model, "<" + shorter + ">")) +
                                      k_sse_done);
}

TEST_CASE("answer redaction: a whole answer that echoes the credential reaches the client without it") {
  GatewayUnderTest gw;
  gw.alpha_credential = k_credential;
  const std::string fragment = k_credential.substr(3, 12);
  gw.alpha.answer_json("POST", k_upstream_path, 200,
                       completion_json(k_model, "your key is " + k_credential + ", <" + fragment +
                                                    "> and a token-like word abc123DEF456ghi",
                                       {12, 3, 0}));
  TestKey key = gw.create_key();
  gw.start();
  Reply reply = gw.chat(key, chat_request("premium", "echo my key"));
  CHECK(reply == Reply{200, nlohmann::json::parse(completion_json(
                                k_model,
                                "your key is [redacted], <[redacted]> and a token-like word "
                                "abc123DEF456ghi",
                                {12, 3, 0}))});
  CHECK(gw.log_rows("status, prompt_tokens, completion_tokens") ==
        nlohmann::json::array({{{"status", 200}, {"prompt_tokens", 12}, {"completion_tokens", 3}}}));
}
