#include "tests/gateway/retry_on_402.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

namespace test {

namespace {

// Per client; a client stops far sooner, once a 402 says the limit is used up.
constexpr int k_most_attempts = 500;
constexpr std::chrono::milliseconds k_retry_pause{5};

}  // namespace

AttemptEnd post_chat(httplib::Client& client, const TestKey& key, const std::string& body) {
  httplib::Result result =
      client.Post("/v1/chat/completions", bearer(key), body, "application/json");
  if (!result) {
    return {false, -1, "no answer: " + httplib::to_string(result.error())};
  }
  return {result->status == 200 && result->body.find("\"content\":\"spent\"") != std::string::npos,
          result->status, result->body};
}

void retry_until_spent(const std::function<AttemptEnd()>& attempt, llmgw::Money limit,
                       Tally& tally) {
  for (int i = 0; i < k_most_attempts; ++i) {
    AttemptEnd end = attempt();
    if (end.served) {
      std::lock_guard<std::mutex> lock(tally.mutex);
      ++tally.served;
      continue;
    }
    nlohmann::json error = nlohmann::json::parse(end.body, nullptr, false);
    if (end.status != 402 || !error.is_object() ||
        error.value("code", "") != "budget_exceeded" ||
        !error.value("used", nlohmann::json()).is_string()) {
      std::lock_guard<std::mutex> lock(tally.mutex);
      tally.others.push_back(std::to_string(end.status) + ": " + end.body);
      return;
    }
    const bool spent = llmgw::Money::parse_usd(error["used"].get<std::string>()) >= limit;
    {
      std::lock_guard<std::mutex> lock(tally.mutex);
      ++tally.refused;
      tally.stopped += spent ? 1 : 0;
    }
    if (spent) {
      return;
    }
    std::this_thread::sleep_for(k_retry_pause);
  }
}

}  // namespace test
