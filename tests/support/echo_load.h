#pragma once
// Chat requests from a few client threads against `llmgw serve`, each with a key drawn at
// random and half of them streamed, until stopped or a bound is reached. Every final answer
// is tallied, and the request id of every complete 200 answer is kept, so that a test can
// look for its row in the request log. The echo provider's completion id is "chatcmpl-"
// followed by the request id without its "req_" prefix, which is how the id is recovered.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test {

// The model the load asks for: the echo provider at $3 / $5 per 1M tokens, so that every
// request costs something and the usage checks mean something.
extern const char* const k_metered_echo;
// `llmgw init` of a database at `db` with that model added; the test stops on a failure.
void init_metered_echo_database(const std::string& db);

struct LoadTally {
  std::vector<std::string> answered_ids;  // "req_..." of every complete 200 answer
  std::map<int, std::size_t> statuses;    // final status -> count; -1: no complete answer
  std::vector<std::string> failures;      // bodies of the answers that were not 200
};

class EchoLoad {
public:
  // Starts `threads` clients of 127.0.0.1:`port` asking for `model`, each sending at most
  // `max_requests` requests.
  EchoLoad(int port, std::vector<std::string> secrets, std::string model, int threads,
           std::uint64_t seed, std::size_t max_requests);
  ~EchoLoad();  // stops the clients
  EchoLoad(const EchoLoad&) = delete;
  EchoLoad& operator=(const EchoLoad&) = delete;

  // Requests answered so far (any status).
  std::size_t answered() const { return m_answered; }
  // Lets each client finish the request it is sending, joins them and returns the tally.
  LoadTally stop();

private:
  void run_client(std::uint64_t seed);

  int m_port;
  std::vector<std::string> m_secrets;
  std::string m_model;
  std::size_t m_max_requests;
  std::atomic<bool> m_stopping{false};
  std::atomic<std::size_t> m_answered{0};
  std::mutex m_mutex;
  LoadTally m_tally;
  std::vector<std::thread> m_threads;
};

}  // namespace test
