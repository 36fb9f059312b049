#pragma once
// One `llmgw serve` under test. A fresh database gets a test catalog whose providers
// `alpha` and `beta` are mock upstreams on 127.0.0.1 (plus the built-in echo); keys are
// made with the CLI; requests go over HTTP to the daemon, which is stopped by its process
// id when the test ends. Declare the mocks' routes first, then start().
//
// The catalog (prices in USD per 1M tokens); alpha, when of kind openai, also serves the
// Responses API:
//   shared   alpha "alpha-shared-v1" 1 / 2 (cached 0.5), then beta "beta/shared" 3 / 4 / 3
//   gratis   beta "gratis-upstream", free
//   premium  alpha "premium-upstream" 10 / 30 (cached 5)
//   echo     the built-in echo provider, free
#include "tests/support/daemon_process.h"
#include "tests/support/mock_upstream.h"
#include "tests/support/temp_dir.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace test {

// A mapping's prices as llmgw stores them: picodollars (1e-12 USD) per token.
struct TestPrices {
  std::int64_t input;
  std::int64_t output;
  std::int64_t cached_input;
};
extern const TestPrices k_alpha_shared;
extern const TestPrices k_beta_shared;
extern const TestPrices k_premium;

// The provider credentials the daemon's environment holds unless a test sets others.
extern const char* const k_alpha_credential;
extern const char* const k_beta_credential;

struct TokenCounts {
  std::int64_t prompt = 0;  // cached ones included
  std::int64_t completion = 0;
  std::int64_t cached = 0;
};
// What `tokens` cost at `prices`, in picodollars, computed independently of llmgw.
std::int64_t cost_of(const TestPrices& prices, const TokenCounts& tokens);
// The max output of every mapping in the test catalog.
constexpr std::int64_t k_max_output_tokens = 1000;
// The most a chat request `body` (one choice) can cost at `prices`: llmgw's prompt bound
// and its max_tokens, else the mapping's `max_output`. What it reserves on one mapping,
// and what it is billed when llmgw cannot know what it cost.
std::int64_t cost_bound_of(const TestPrices& prices, const nlohmann::json& body,
                           std::int64_t max_output = k_max_output_tokens);

// Upstream answers. A chat completion saying `content`, with usage.
std::string completion_json(const std::string& model, const std::string& content,
                            const TokenCounts& usage);
// One server-sent event: "data: <chunk>\n\n".
std::string sse(const nlohmann::json& chunk);
// One named event, as Anthropic's Messages API streams them: "event: <type>\ndata: ...\n\n".
std::string named_sse(const std::string& type, const nlohmann::json& data);
// An Anthropic-kind mock's POST /v1/messages: `whole` (application/json), or `events`
// (text/event-stream) when the request asks for a stream.
void answer_messages(MockUpstream& upstream, std::string whole, std::string events);
nlohmann::json content_chunk(const std::string& model, const std::string& text);
nlohmann::json usage_chunk(const std::string& model, const TokenCounts& usage);
extern const char* const k_sse_done;
// The pieces of a stream, one after the other.
std::string joined(const std::vector<std::string>& pieces);

// A client's chat request: one user message.
nlohmann::json chat_request(const std::string& model, const std::string& text = "hello");

struct TestKey {
  std::string id;
  std::string secret;
};
httplib::Headers bearer(const TestKey& key);

// A status and a body, compared whole; printed with secrets masked. A body that is not
// JSON is held as the string "<not JSON: ...>"; no answer at all is status -1.
struct Reply {
  int status = 0;
  nlohmann::json body;

  bool operator==(const Reply& o) const { return status == o.status && body == o.body; }
};
std::ostream& operator<<(std::ostream& out, const Reply& reply);
Reply reply_of(const httplib::Result& result);
// The reference error shape: {"error": true, "status", "message", "code", extra...}.
Reply reference_error(int status, const std::string& code, const std::string& message,
                      const nlohmann::json& extra = nlohmann::json::object());
// The OpenAI error envelope: {"error": {"message", "type", "code", "param": null}}.
Reply openai_error(int status, const std::string& message, const std::string& type,
                   const std::string& code);

// Polls `condition` every 10 ms until it holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

class GatewayUnderTest {
public:
  GatewayUnderTest();
  ~GatewayUnderTest();
  GatewayUnderTest(const GatewayUnderTest&) = delete;
  GatewayUnderTest& operator=(const GatewayUnderTest&) = delete;

  MockUpstream alpha;
  MockUpstream beta;
  // The API alpha speaks (its kind in the catalog): "openai" or "anthropic".
  std::string alpha_kind = "openai";
  // The base URLs the catalog gives alpha and beta; when empty, their mock's URL + "/v1"
  // (alpha's URL alone when its kind is anthropic).
  std::string alpha_base_url;
  std::string beta_base_url;
  // The credentials start() puts in the daemon's environment for alpha and beta.
  std::string alpha_credential = k_alpha_credential;
  std::string beta_credential = k_beta_credential;
  // More variables start() puts in the daemon's environment (LLMGW_MAX_BODY=1K).
  std::map<std::string, std::string> environment;

  // Starts both mocks, imports the test catalog and runs `llmgw serve <serve_args>` with
  // alpha_credential and beta_credential in its environment.
  void start(const std::vector<std::string>& serve_args = {});
  // Runs `llmgw serve <serve_args>` again on the same database, on a new port, once the
  // previous daemon has exited (stopped, or killed to test a crash).
  void restart(const std::vector<std::string>& serve_args = {});
  // `llmgw key create -d "gateway test" <args>`; the test stops when it fails.
  TestKey create_key(const std::vector<std::string>& args = {});
  // `llmgw --db <db> <args>`; the test stops unless it exits 0. Returns stdout.
  std::string cli(const std::vector<std::string>& args);

  const std::string& db() const { return m_db; }
  DaemonProcess& daemon() { return *m_daemon; }
  int port() const { return m_daemon->port(); }
  // A client for the daemon with bounded connect, read and write timeouts.
  httplib::Client client() const;

  Reply chat(const TestKey& key, const nlohmann::json& body, httplib::Headers headers = {});
  Reply post(const std::string& path, const std::string& body, const httplib::Headers& headers);
  Reply get(const std::string& path, const httplib::Headers& headers);
  // POSTs a chat request and hands the response body to `receive` piece by piece, as it
  // arrives; the result's body stays empty.
  httplib::Result stream_chat(const TestKey& key, const nlohmann::json& body,
                              std::function<bool(const char*, std::size_t)> receive);

  // The request log's `columns` ("provider, status, cost") of every row, oldest first,
  // each row an object keyed by column name.
  nlohmann::json log_rows(const std::string& columns) const;
  // One integer a query returns (the first column of its first row).
  std::int64_t query_int(const std::string& sql) const;
  // api_keys.usage of `key_id`, in picodollars.
  std::int64_t usage_of(const std::string& key_id) const;

private:
  void import_catalog(const std::string& alpha_url, const std::string& beta_url);
  // Stops the daemon and checks that its stdout and stderr (the access log) hold no
  // fragment of a key this test created nor of a provider credential: every gateway test
  // is also a canary run.
  void stop_and_check_daemon_output();

  TempDir m_dir;
  std::string m_db;
  std::unique_ptr<DaemonProcess> m_daemon;
  std::vector<std::string> m_key_secrets;  // of every key create_key() made
};

struct Streamed {
  int status = -1;  // -1: no answer
  std::string content_type;
  std::string received;
  // How many request-log rows there were when the end marker first arrived; -1 when it
  // never did (or none was given).
  std::int64_t rows_at_end = -1;
};
// POSTs `body` to `path` and reads the answer as it comes, counting the request log's rows
// when `end_marker` (the end event of a stream) first arrives.
Streamed post_stream(GatewayUnderTest& gw, const httplib::Headers& headers,
                     const std::string& body, const std::string& path,
                     const std::string& end_marker = "");

// The bytes of a POST of `text` to `path` with `key`, for a raw socket.
std::string raw_post(const TestKey& key, const std::string& path, const std::string& text);
// The bytes of a POST /v1/chat/completions of `body` with `key`, for a raw socket.
std::string raw_chat_request(const TestKey& key, const nlohmann::json& body);

// Connects to 127.0.0.1:`port`, sends `request` as is, reads until `marker` has arrived
// (at most 10 s), and closes the connection. Returns what was read.
std::string read_until_then_close(int port, const std::string& request, const std::string& marker);

}  // namespace test
