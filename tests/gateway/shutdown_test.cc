// Graceful shutdown: on SIGTERM the listener closes at once, idle connections are closed,
// streams in flight finish up to the drain deadline, usage is committed, the write-ahead
// log is checkpointed, and the daemon exits 0.
#include "tests/gateway/gateway_fixture.h"
#include "tests/support/background_process.h"
#include "tests/support/daemon_log.h"
#include "tests/support/raw_client.h"
#include "tests/support/temp_dir.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace test;
using namespace std::chrono_literals;

namespace {

const std::string k_model = "premium-upstream";
const TokenCounts k_usage{12, 10, 0};

// `words` content events 300 ms apart, then the usage chunk and [DONE].
std::vector<std::string> slow_pieces(int words) {
  std::vector<std::string> pieces;
  for (int i = 0; i < words; ++i) {
    pieces.push_back(sse(content_chunk(k_model, " word" + std::to_string(i))));
  }
  pieces.push_back(sse(usage_chunk(k_model, k_usage)));
  pieces.push_back(k_sse_done);
  return pieces;
}

// A stream in flight from a client thread; what it received so far is read under a lock.
class StreamingClient {
public:
  StreamingClient(GatewayUnderTest& gw, const TestKey& key) {
    nlohmann::json body = chat_request("premium", "stream this");
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
    m_thread = std::thread([this, &gw, key, body] {
      httplib::Result result = gw.stream_chat(key, body, [this](const char* data, std::size_t size) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_received.append(data, size);
        return true;
      });
      std::lock_guard<std::mutex> lock(m_mutex);
      m_status = result ? result->status : -1;
    });
  }
  ~StreamingClient() { join(); }

  void join() {
    if (m_thread.joinable()) {
      m_thread.join();
    }
  }
  std::string received() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_received;
  }
  int status() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_status;
  }

private:
  mutable std::mutex m_mutex;
  std::string m_received;
  int m_status = 0;
  std::thread m_thread;
};

// What the main database file holds on its own, without its write-ahead log: a copy of
// the file alone, opened in `dir`. "<log rows>|<usage of every key>".
std::string main_file_alone(const std::string& db, const test::TempDir& dir) {
  std::string copy = dir.file("main-only.db");
  std::filesystem::copy_file(db, copy);
  SQLite::Database opened(copy, SQLite::OPEN_READWRITE);
  return opened.execAndGet("SELECT (SELECT count(*) FROM request_log) || '|' || "
                           "(SELECT sum(usage) FROM api_keys)")
      .getString();
}

}  // namespace

TEST_CASE("shutdown: SIGTERM closes the listener and idle connections at once, the stream finishes, usage is committed, the WAL checkpointed, exit 0") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces = slow_pieces(10);
  gw.alpha.stream_sse("POST", "/v1/chat/completions", pieces, 300ms);
  TestKey key = gw.create_key();
  gw.start();
  // A second process holds the database open throughout, so SQLite's own checkpoint at the
  // last close never happens: only the daemon's can leave the log empty.
  BackgroundProcess follow(llmgw_argv(gw.db(), {"logs", "--follow"}));
  RawClient idle(gw.port());
  REQUIRE(idle.connected());
  idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  REQUIRE(status_of(idle.read_response(5s).bytes) == 200);

  StreamingClient stream(gw, key);
  REQUIRE(eventually([&] { return !stream.received().empty(); }));
  ::kill(gw.daemon().pid(), SIGTERM);
  // New connections are refused while the stream is still running.
  CHECK(eventually([&] { return connect_error(gw.port()) == ECONNREFUSED; }, 2s));
  CHECK(stream.received().size() < joined(pieces).size());
  // The idle keep-alive connection is closed well before its 5 s keep-alive timeout.
  RawReading idle_end = idle.read_until_closed(2s);
  CHECK(idle_end.closed);
  CHECK(idle_end.bytes.empty());

  int exit_code = gw.daemon().wait();
  stream.join();
  CHECK(exit_code == 0);
  CHECK(stream.status() == 200);
  CHECK(stream.received() == joined(pieces));
  std::int64_t cost = cost_of(k_premium, k_usage);
  CHECK(gw.log_rows("status, error_code, completion_tokens, cost, cancelled") ==
        nlohmann::json::array({{{"status", 200}, {"error_code", ""},
                                {"completion_tokens", k_usage.completion}, {"cost", cost},
                                {"cancelled", 0}}}));
  CHECK(gw.usage_of(key.id) == cost);
  REQUIRE(follow.running());
  test::TempDir copy;
  CHECK(main_file_alone(gw.db(), copy) == "1|" + std::to_string(cost));
  CHECK(follow.stop(SIGTERM) == 0);
  std::string log = gw.daemon().stderr_text();
  CHECK(log.find(R"("event":"checkpoint","complete":true)") != std::string::npos);
  CHECK(log.find(R"("event":"stopped")") != std::string::npos);
}

TEST_CASE("shutdown: a request whose head is still arriving at SIGTERM is answered 503 with Connection: close") {
  GatewayUnderTest gw;
  gw.start();
  RawClient client(gw.port());
  REQUIRE(client.connected());
  client.send("GET /healthz HTTP/1.1\r\n");
  std::this_thread::sleep_for(100ms);  // the head has reached a worker
  ::kill(gw.daemon().pid(), SIGTERM);
  REQUIRE(eventually([&] { return connect_error(gw.port()) == ECONNREFUSED; }, 2s));
  client.send("Host: 127.0.0.1\r\n\r\n");
  RawReading reading = client.read_until_closed(5s);
  CHECK(status_of(reading.bytes) == 503);
  CHECK(reading.bytes.find(R"("code":"shutting_down")") != std::string::npos);
  CHECK(header_of(reading.bytes, "Connection") == "close");
  CHECK(reading.closed);
  CHECK(gw.daemon().wait() == 0);
}

TEST_CASE("shutdown: a stream still running at --drain-timeout is cut, its usage settled, exit 0") {
  GatewayUnderTest gw;
  std::vector<std::string> pieces = slow_pieces(30);
  gw.alpha.stream_sse("POST", "/v1/chat/completions", pieces, 300ms);
  TestKey key = gw.create_key();
  gw.start({"--drain-timeout", "1s"});
  StreamingClient stream(gw, key);
  REQUIRE(eventually([&] { return !stream.received().empty(); }));
  ::kill(gw.daemon().pid(), SIGTERM);
  int exit_code = gw.daemon().wait(10);
  stream.join();
  CHECK(exit_code == 0);
  std::string received = stream.received();
  CHECK(received.size() < joined(pieces).size());
  CHECK(joined(pieces).rfind(received, 0) == 0);  // what arrived is a prefix, cut between events
  nlohmann::json rows = gw.log_rows("status, error_code, cancelled, completion_tokens, cost");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["status"] == 200);
  CHECK(rows[0]["error_code"] == "drain_deadline");
  CHECK(rows[0]["cancelled"] == 1);
  CHECK(rows[0]["completion_tokens"] > 0);
  CHECK(gw.usage_of(key.id) == rows[0]["cost"].get<std::int64_t>());
  test::TempDir copy;
  CHECK(main_file_alone(gw.db(), copy) ==
        "1|" + std::to_string(rows[0]["cost"].get<std::int64_t>()));
  CHECK(gw.daemon().stderr_text().find(R"("event":"drain_deadline")") != std::string::npos);
}

TEST_CASE("shutdown: a second SIGINT during the drain ends the daemon at once, exit 130") {
  GatewayUnderTest gw;
  // A provider that never answers, until the test is done with it.
  std::mutex mutex;
  std::condition_variable released;
  bool arrived = false;
  bool done = false;
  gw.alpha.handle("POST", "/v1/chat/completions",
                  [&](const httplib::Request&, httplib::Response& response) {
                    std::unique_lock<std::mutex> lock(mutex);
                    arrived = true;
                    released.wait_for(lock, 30s, [&] { return done; });
                    response.status = 500;
                  });
  TestKey key = gw.create_key();
  gw.start({"--drain-timeout", "60s"});
  std::thread client([&] { gw.chat(key, chat_request("premium", "wait for it")); });
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return arrived;
  }));
  ::kill(gw.daemon().pid(), SIGINT);
  REQUIRE(eventually([&] { return !log_events(gw.daemon().stderr_text(), "draining").empty(); }));
  const auto started = std::chrono::steady_clock::now();
  CHECK(gw.daemon().stop(SIGINT, 5) == 130);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  released.notify_all();
  client.join();
  const std::string log = with_times_masked(gw.daemon().stderr_text());
  CHECK(log.find(R"({"time":"T","level":"info","event":"draining","signal":2,)"
                 R"("drain_timeout_ms":60000,"in_flight":1})") != std::string::npos);
  CHECK(log.find(R"({"time":"T","level":"warn","event":"drain_abandoned","signal":2,)"
                 R"("in_flight":1})") != std::string::npos);
  CHECK(log.find(R"("event":"stopped")") == std::string::npos);
}
