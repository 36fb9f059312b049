#include "tests/support/echo_load.h"

#include "tests/support/process.h"

#include <doctest/doctest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <random>

namespace test {

const char* const k_metered_echo = "metered-echo";

void init_metered_echo_database(const std::string& db) {
  REQUIRE(llmgw(db, {"init"}).exit_code == 0);
  REQUIRE(llmgw(db, {"model", "add", k_metered_echo, "--provider", "echo", "--upstream-model",
                     "echo", "--input-price", "3", "--output-price", "5",
                     "--max-output-tokens", "1000"})
              .exit_code == 0);
}

namespace {

const std::string k_completion_prefix = "chatcmpl-";
const std::string k_done = "data: [DONE]";

// The request id behind an echo completion id; "" when `id` is not one.
std::string request_id_of(const nlohmann::json& id) {
  if (!id.is_string() || id.get<std::string>().rfind(k_completion_prefix, 0) != 0) {
    return "";
  }
  return "req_" + id.get<std::string>().substr(k_completion_prefix.size());
}

// The id of the first chunk of a complete event stream; "" when it did not end in [DONE].
std::string streamed_request_id(const std::string& events) {
  if (events.find(k_done) == std::string::npos || events.rfind("data: ", 0) != 0) {
    return "";
  }
  std::string first = events.substr(6, events.find('\n') - 6);
  nlohmann::json chunk = nlohmann::json::parse(first, nullptr, false);
  return chunk.is_object() ? request_id_of(chunk.value("id", nlohmann::json())) : "";
}

// The request id of a whole (not streamed) completion; "" when it is not one.
std::string whole_request_id(const std::string& body) {
  nlohmann::json document = nlohmann::json::parse(body, nullptr, false);
  return document.is_object() ? request_id_of(document.value("id", nlohmann::json())) : "";
}

}  // namespace

EchoLoad::EchoLoad(int port, std::vector<std::string> secrets, std::string model, int threads,
                   std::uint64_t seed, std::size_t max_requests)
    : m_port(port), m_secrets(std::move(secrets)), m_model(std::move(model)),
      m_max_requests(max_requests) {
  for (int i = 0; i < threads; ++i) {
    m_threads.emplace_back([this, seed, i] { run_client(seed * 31 + static_cast<std::uint64_t>(i)); });
  }
}

EchoLoad::~EchoLoad() {
  stop();
}

LoadTally EchoLoad::stop() {
  m_stopping = true;
  for (std::thread& t : m_threads) {
    if (t.joinable()) {
      t.join();
    }
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_tally;
}

void EchoLoad::run_client(std::uint64_t seed) {
  std::mt19937_64 random(seed);
  httplib::Client client("127.0.0.1", m_port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(10, 0);
  client.set_write_timeout(5, 0);
  for (std::size_t n = 0; n < m_max_requests && !m_stopping; ++n) {
    const std::string& secret = m_secrets[random() % m_secrets.size()];
    bool stream = random() % 2 == 0;
    nlohmann::json body = {{"model", m_model},
                           {"messages", {{{"role", "user"}, {"content", "count me " + std::to_string(n)}}}},
                           {"stream", stream}};
    httplib::Request request;
    request.method = "POST";
    request.path = "/v1/chat/completions";
    request.set_header("Authorization", "Bearer " + secret);
    request.set_header("Content-Type", "application/json");
    request.body = body.dump();
    std::string received;
    request.content_receiver = [&received](const char* data, std::size_t size, std::uint64_t,
                                           std::uint64_t) {
      received.append(data, size);
      return true;
    };
    httplib::Result result = client.send(request);
    int status = result ? result->status : -1;
    std::string id;
    if (status == 200) {
      id = stream ? streamed_request_id(received) : whole_request_id(received);
      if (id.empty()) {
        status = -1;  // cut off before the end: not a final answer
      }
    }
    ++m_answered;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      ++m_tally.statuses[status];
      if (!id.empty()) {
        m_tally.answered_ids.push_back(id);
      } else if (status != -1) {
        m_tally.failures.push_back(std::to_string(status) + " " + received);
      }
    }
    if (status == -1) {
      // The daemon is gone or restarting: do not spin on refused connections.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

}  // namespace test
