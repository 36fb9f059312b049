#pragma once
// An upstream provider inside the test: an httplib server on 127.0.0.1 and a free port,
// served from its own thread and stopped by the destructor. Routes are declared before
// start(); every request that reaches a route is recorded.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace test {

struct RecordedRequest {
  std::string method;
  std::string path;
  httplib::Params params;    // of the query
  httplib::Headers headers;  // names compared case-insensitively by httplib
  std::string body;
  int client_port = 0;       // tells the client's connections apart

  // The first value of the header `name`; "" when absent.
  std::string header(const std::string& name) const;
};

class MockUpstream {
public:
  // Plain HTTP.
  MockUpstream();
  // HTTPS with this certificate and key (the server keeps its own references).
  MockUpstream(X509* certificate, EVP_PKEY* key);
  ~MockUpstream();
  MockUpstream(const MockUpstream&) = delete;
  MockUpstream& operator=(const MockUpstream&) = delete;

  // `status` with `body` (application/json) to `method` `path`. A 5xx is a failure.
  void answer_json(const std::string& method, const std::string& path, int status,
                   std::string body);
  // 200 text/event-stream, chunked: each piece written `delay` after the previous one.
  // A client that goes away counts as a cancelled stream.
  void stream_sse(const std::string& method, const std::string& path,
                  std::vector<std::string> pieces, std::chrono::milliseconds delay);
  // Anything else; the request is recorded before `handler` runs.
  void handle(const std::string& method, const std::string& path,
              httplib::Server::Handler handler);

  // Listens and serves on a thread; returns once connections are accepted.
  void start();
  // Stops listening and returns once every handler has returned (the destructor calls
  // it): a handler that uses the test's locals must be done before they go.
  void stop();

  int port() const { return m_port; }
  // "http://127.0.0.1:<port>" (https for the TLS server).
  std::string base_url() const;
  std::vector<RecordedRequest> requests() const;
  // How many client connections sent requests.
  std::size_t connections() const;
  std::size_t completed_streams() const;
  std::size_t cancelled_streams() const;

private:
  void record(const httplib::Request& request);

  std::unique_ptr<httplib::Server> m_server;
  std::string m_scheme;
  std::thread m_thread;
  std::atomic<bool> m_listening_ended{false};
  int m_port = -1;
  mutable std::mutex m_mutex;
  std::vector<RecordedRequest> m_requests;
  std::size_t m_completed_streams = 0;
  std::size_t m_cancelled_streams = 0;
};

}  // namespace test
