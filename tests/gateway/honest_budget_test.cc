// Budgets against a provider that bills the most an honest one can: a token for each byte
// of the prompt it receives, the tool-use instructions, each image at the largest count,
// every one of the `n` answers to max_tokens. Clients send many answers, tools, images and
// streams they leave after the first event, and retry on 402. Each request is billed
// exactly what the provider bills, and usage passes the limit by less than one request's
// cost (README "Limits under concurrency"); bench/budgets.sh repeats it.
#include "tests/gateway/billed_parts.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/key_books.h"
#include "tests/gateway/retry_on_402.h"

#include "core/money.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

using namespace test;

namespace {

constexpr int k_clients_per_kind = 8;
const std::string k_upstream_model = "premium-upstream";
const std::chrono::milliseconds k_answer_time{100};  // keeps many requests in flight

// What the provider bills for the chat request `body` it received.
TokenCounts honest_bill(const nlohmann::json& body) {
  TokenCounts bill;
  bill.prompt = member_bytes(body);
  if (body.contains("tools") && !body.at("tools").empty()) {
    bill.prompt += k_tool_use_tokens;
  }
  for (const nlohmann::json& message : body.at("messages")) {
    const nlohmann::json& content = message.at("content");
    if (content.is_array()) {
      bill.prompt += k_image_tokens * std::count_if(content.begin(), content.end(),
                                                    [](const nlohmann::json& part) {
                                                      return part.at("type") == "image_url";
                                                    });
    }
  }
  bill.completion = body.value("max_tokens", std::int64_t{0}) * body.value("n", std::int64_t{1});
  return bill;
}

// The provider: answers each request after k_answer_time (a stream: its content, then the
// usage, then [DONE]) and keeps the cost of every bill it sent.
class HonestProvider {
public:
  void serve(MockUpstream& upstream) {
    upstream.handle("POST", "/v1/chat/completions",
                    [this](const httplib::Request& request, httplib::Response& response) {
                      answer(request, response);
                    });
  }

  std::vector<std::int64_t> billed() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_billed;
  }

private:
  void answer(const httplib::Request& request, httplib::Response& response) {
    const nlohmann::json body = nlohmann::json::parse(request.body);
    const TokenCounts bill = honest_bill(body);
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_billed.push_back(cost_of(k_premium, bill));
    }
    if (!body.value("stream", false)) {
      std::this_thread::sleep_for(k_answer_time);
      response.set_content(completion_json(k_upstream_model, "spent", bill), "application/json");
      return;
    }
    const std::vector<std::string> pieces = {sse(content_chunk(k_upstream_model, "spent")),
                                             sse(content_chunk(k_upstream_model, " it all")),
                                             sse(usage_chunk(k_upstream_model, bill)),
                                             k_sse_done};
    response.set_chunked_content_provider(
        "text/event-stream", [pieces](std::size_t, httplib::DataSink& sink) {
          for (const std::string& piece : pieces) {
            sink.write(piece.data(), piece.size());
            std::this_thread::sleep_for(k_answer_time / static_cast<int>(pieces.size()));
          }
          sink.done();
          return true;
        });
  }

  mutable std::mutex m_mutex;
  std::vector<std::int64_t> m_billed;
};

nlohmann::json premium_request(std::int64_t max_tokens) {
  nlohmann::json body = chat_request("premium", "spend it");
  body["max_tokens"] = max_tokens;
  return body;
}

// The four kinds of request the clients send.
std::vector<nlohmann::json> requests() {
  nlohmann::json many_answers = premium_request(500);
  many_answers["n"] = 50;
  nlohmann::json tools = premium_request(50);
  tools["tools"] = tools_of(20000);
  nlohmann::json images = premium_request(50);
  images["messages"] = {message_with_images(4)};
  nlohmann::json left_stream = tools;
  left_stream["stream"] = true;
  return {many_answers, tools, images, left_stream};
}

// A stream the client leaves once its first event has come: served when it left then.
AttemptEnd stream_then_leave(GatewayUnderTest& gw, const TestKey& key, const nlohmann::json& body) {
  std::string received;
  httplib::Result result = gw.stream_chat(key, body, [&received](const char* data, std::size_t size) {
    received.append(data, size);
    return !(received.rfind("data: ", 0) == 0 && received.find("\n\n") != std::string::npos);
  });
  if (!result && result.error() == httplib::Error::Canceled) {
    return {received.find("spent") != std::string::npos, -1, "left after: " + received};
  }
  if (!result) {
    return {false, -1, "no answer: " + httplib::to_string(result.error())};
  }
  return {false, result->status, received};
}

}  // namespace

TEST_CASE("budget against an honest provider: many answers, tools, images and streams left "
          "early, retried on 402, are billed what the provider bills and pass the limit by "
          "less than one request's cost") {
  GatewayUnderTest gw;
  HonestProvider provider;
  provider.serve(gw.alpha);
  std::int64_t dearest = 0;  // the most one request costs
  for (const nlohmann::json& body : requests()) {
    dearest = std::max(dearest, cost_of(k_premium, honest_bill(body)));
  }
  const llmgw::Money limit = llmgw::Money::from_units(6 * dearest + dearest / 3);
  // The books need a period limit: one far out of reach.
  TestKey key = gw.create_key(
      {"--limit", limit.to_usd(), "--period-limit", "100000", "--period", "30d"});
  gw.start();

  Tally tally;
  std::vector<std::thread> clients;
  const std::vector<nlohmann::json> kinds = requests();
  for (std::size_t kind = 0; kind < kinds.size(); ++kind) {
    for (int c = 0; c < k_clients_per_kind; ++c) {
      clients.emplace_back([&, kind] {
        const nlohmann::json& body = kinds[kind];
        if (body.value("stream", false)) {
          retry_until_spent([&] { return stream_then_leave(gw, key, body); }, limit, tally);
          return;
        }
        httplib::Client client = gw.client();
        client.set_keep_alive(true);
        retry_until_spent([&] { return post_chat(client, key, body.dump()); }, limit, tally);
      });
    }
  }
  for (auto& client : clients) {
    client.join();
  }
  // The streams the clients left are settled once the provider has ended them.
  REQUIRE(eventually([&] { return gw.get("/v1/key", bearer(key)).body["reserved"] == "0"; }));

  const std::int64_t usage = gw.usage_of(key.id);
  INFO("dearest ", dearest, " pd, limit ", limit.units(), " pd, usage ", usage, " pd, ",
       tally.served, " served, ", tally.refused, " refused");
  CHECK(tally.others == std::vector<std::string>());
  CHECK(tally.stopped == static_cast<int>(clients.size()));
  CHECK(usage >= limit.units());
  CHECK(usage <= limit.units() + dearest - 1);

  // Each request is billed what the provider billed for it, none estimated.
  std::vector<std::int64_t> billed = provider.billed();
  CHECK(billed.size() == static_cast<std::size_t>(tally.served));
  CHECK(gw.query_int("SELECT count(*) FROM request_log WHERE estimated != 0") == 0);
  std::vector<std::int64_t> logged;
  for (const nlohmann::json& row : gw.log_rows("cost")) {
    if (row["cost"] != 0) {
      logged.push_back(row["cost"].get<std::int64_t>());
    }
  }
  std::sort(billed.begin(), billed.end());
  std::sort(logged.begin(), logged.end());
  CHECK(logged == billed);
  CHECK(books_of(gw, key) == settled_books(usage));
}
