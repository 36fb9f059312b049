#include "tests/support/mock_upstream.h"

#include <csignal>
#include <stdexcept>

namespace test {

namespace {

void configure(httplib::Server& server) {
  // httplib writes with write()/send() without MSG_NOSIGNAL: a client that cancels a
  // stream would otherwise kill the test process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  // Bounds how long stop() waits for a worker holding an idle keep-alive connection.
  server.set_keep_alive_timeout(2);
  // A worker stays with its keep-alive connection until that idles out, so a client that
  // pools more connections than there are workers would wait; gateway tests keep dozens.
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
}

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
  auto found = headers.find(name);
  return found == headers.end() ? "" : found->second;
}

MockUpstream::MockUpstream() : m_server(std::make_unique<httplib::Server>()), m_scheme("http") {
  configure(*m_server);
}

MockUpstream::MockUpstream(X509* certificate, EVP_PKEY* key)
    : m_server(std::make_unique<httplib::SSLServer>(certificate, key)), m_scheme("https") {
  if (!m_server->is_valid()) {
    throw std::runtime_error("MockUpstream: invalid certificate or key");
  }
  configure(*m_server);
}

MockUpstream::~MockUpstream() { stop(); }

void MockUpstream::stop() {
  if (m_thread.joinable()) {
    m_server->stop();
    m_thread.join();
  }
}

void MockUpstream::record(const httplib::Request& request) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_requests.push_back(
      {request.method, request.path, request.params, request.headers, request.body,
       request.remote_port});
}

void MockUpstream::handle(const std::string& method, const std::string& path,
                          httplib::Server::Handler handler) {
  auto recording = [this, handler](const httplib::Request& request, httplib::Response& response) {
    record(request);
    handler(request, response);
  };
  if (method == "GET") {
    m_server->Get(path, recording);  // HEAD requests are routed here too
  } else if (method == "POST") {
    m_server->Post(path, recording);
  } else if (method == "PUT") {
    m_server->Put(path, recording);
  } else if (method == "PATCH") {
    m_server->Patch(path, recording);
  } else if (method == "DELETE") {
    m_server->Delete(path, recording);
  } else {
    throw std::invalid_argument("MockUpstream: unsupported method " + method);
  }
}

void MockUpstream::answer_json(const std::string& method, const std::string& path, int status,
                               std::string body) {
  handle(method, path, [status, body](const httplib::Request&, httplib::Response& response) {
    response.status = status;
    response.set_content(body, "application/json");
  });
}

void MockUpstream::stream_sse(const std::string& method, const std::string& path,
                              std::vector<std::string> pieces, std::chrono::milliseconds delay) {
  handle(method, path, [this, pieces, delay](const httplib::Request&, httplib::Response& response) {
    response.set_chunked_content_provider(
        "text/event-stream", [this, pieces, delay](std::size_t, httplib::DataSink& sink) {
          for (const auto& piece : pieces) {
            std::this_thread::sleep_for(delay);
            if (!sink.write(piece.data(), piece.size())) {
              std::lock_guard<std::mutex> lock(m_mutex);
              ++m_cancelled_streams;
              return false;
            }
          }
          sink.done();
          std::lock_guard<std::mutex> lock(m_mutex);
          ++m_completed_streams;
          return true;
        });
  });
}

void MockUpstream::start() {
  m_port = m_server->bind_to_any_port("127.0.0.1");
  if (m_port <= 0) {
    throw std::runtime_error("MockUpstream: cannot bind to 127.0.0.1");
  }
  m_thread = std::thread([this] {
    m_server->listen_after_bind();
    m_listening_ended = true;
  });
  // stop() does nothing until listen_after_bind() has marked the server running, so the
  // destructor's join would hang if it ran earlier.
  while (!m_server->is_running() && !m_listening_ended) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::string MockUpstream::base_url() const {
  return m_scheme + "://127.0.0.1:" + std::to_string(m_port);
}

std::vector<RecordedRequest> MockUpstream::requests() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_requests;
}

std::size_t MockUpstream::connections() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::set<int> ports;
  for (const auto& request : m_requests) {
    ports.insert(request.client_port);
  }
  return ports.size();
}

std::size_t MockUpstream::completed_streams() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_completed_streams;
}

std::size_t MockUpstream::cancelled_streams() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_cancelled_streams;
}

}  // namespace test
