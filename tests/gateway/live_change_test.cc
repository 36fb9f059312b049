// Changes made with the CLI while the daemon runs hold on its very next request, and the
// log and the key's usage agree to the picodollar.
#include "tests/gateway/gateway_fixture.h"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace test;

namespace {

const std::string k_upstream_path = "/v1/chat/completions";

}  // namespace

TEST_CASE("a key disabled with the CLI is refused on the very next request") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  gw.cli({"key", "disable", key.id});
  CHECK(gw.chat(key, chat_request("echo")) ==
        reference_error(401, "key_disabled", "API key is disabled"));
  gw.cli({"key", "enable", key.id});
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
}

TEST_CASE("a key rolled with the CLI: the old secret is refused, the new one works") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  nlohmann::json rolled = nlohmann::json::parse(gw.cli({"--json", "key", "roll", "--yes", key.id}));
  CHECK(gw.chat(key, chat_request("echo")) ==
        reference_error(401, "invalid_api_key", "Invalid API key"));
  CHECK(gw.chat({key.id, rolled["secret"].get<std::string>()}, chat_request("echo")).status == 200);
}

TEST_CASE("a rule added with the CLI applies on the very next request") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  gw.cli({"key", "rule", "add", key.id, "--deny-model", "echo"});
  Reply denied = gw.chat(key, chat_request("echo"));
  CHECK(denied.status == 403);
  CHECK(denied.body["message"] == "Access denied: Model echo is in the denied models list");
  gw.cli({"key", "rule", "clear", "--yes", key.id});
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
}

TEST_CASE("a limit set with the CLI applies on the very next request") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  gw.cli({"key", "update", key.id, "--limit", "0"});
  CHECK(gw.chat(key, chat_request("echo")).status == 402);
}

TEST_CASE("exact costs: after a mix of requests, the logged costs sum to the key's usage") {
  GatewayUnderTest gw;
  const TokenCounts shared_usage{333, 77, 101};
  gw.alpha.handle("POST", k_upstream_path, [&](const httplib::Request& request,
                                               httplib::Response& response) {
    nlohmann::json body = nlohmann::json::parse(request.body);
    if (body.value("stream", false)) {
      std::string model = body["model"];
      std::string events = sse(content_chunk(model, "odd-length text")) +
                           sse(usage_chunk(model, {21, 13, 7})) + k_sse_done;
      response.set_content(events, "text/event-stream");
    } else if (body["model"] == "premium-upstream") {
      response.set_content(R"({"choices":[{"message":{"content":"no usage here"}}]})",
                           "application/json");
    } else {
      response.set_content(completion_json(body["model"], "ok", shared_usage), "application/json");
    }
  });
  gw.beta.answer_json("POST", k_upstream_path, 200,
                      completion_json("gratis-upstream", "free", {5, 5, 0}));
  TestKey key = gw.create_key({"--deny-model", "gratis"});
  TestKey other = gw.create_key();
  gw.start();
  nlohmann::json streamed = chat_request("premium", "a streamed one");
  streamed["stream"] = true;
  CHECK(gw.chat(key, chat_request("shared", "one")).status == 200);
  CHECK(gw.chat(key, chat_request("premium", "estimated, no usage")).status == 200);
  CHECK(gw.chat(key, streamed).status == 200);
  CHECK(gw.chat(key, chat_request("shared", "two")).status == 200);
  CHECK(gw.chat(key, chat_request("echo", "free and local")).status == 200);
  CHECK(gw.chat(key, chat_request("gratis")).status == 403);
  CHECK(gw.chat(key, chat_request("gpt-nope")).status == 400);
  CHECK(gw.chat(other, chat_request("premium", "someone else's")).status == 200);

  CHECK(gw.query_int("SELECT COUNT(*) FROM request_log WHERE key_id = '" + key.id + "'") == 7);
  std::int64_t logged =
      gw.query_int("SELECT SUM(cost) FROM request_log WHERE key_id = '" + key.id + "'");
  CHECK(logged == gw.usage_of(key.id));
  CHECK(logged > 2 * cost_of(k_alpha_shared, shared_usage) + cost_of(k_premium, {21, 13, 7}));
  CHECK(gw.query_int("SELECT SUM(cost) FROM request_log WHERE key_id = '" + other.id + "'") ==
        gw.usage_of(other.id));
}

TEST_CASE("a change by another SQLite client, which renews no change stamp, holds within a second") {
  GatewayUnderTest gw;
  TestKey key = gw.create_key();
  gw.start();
  CHECK(gw.chat(key, chat_request("echo")).status == 200);
  {
    SQLite::Database other(gw.db(), SQLite::OPEN_READWRITE);
    other.setBusyTimeout(5000);
    other.exec("UPDATE api_keys SET status = 'disabled' WHERE id = '" + key.id + "'");
  }
  // KeyDirectory::k_recheck_interval is 1 s; 40 tries 50 ms apart leave it room.
  int status = 0;
  for (int attempt = 0; attempt < 40 && status != 401; ++attempt) {
    status = gw.chat(key, chat_request("echo")).status;
    if (status != 401) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  CHECK(status == 401);
}
