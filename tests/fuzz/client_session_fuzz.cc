// Fuzz target: a whole client connection (serve_connection, daemon/http/client_session.h)
// over a socket pair. The input is every byte a client sends before it half-closes; it
// reads all the while, until the session closes its end. The routes are the gateway's in
// form (its framing checks and 404/405 first, a head admission that refuses requests
// marked "X-Refuse", a POST route that echoes the body, a GET route, a GET route that
// streams chunks) with handlers of their own. Aborts (besides any sanitizer report, or a
// session that does not end by itself, which libFuzzer reports as a timeout) when
// - what the client reads is not a series of whole HTTP/1.1 responses, read with the
//   daemon's own response parsers, each body framed as RFC 9112 says for the request it
//   answers (nothing after the head of a HEAD request's), interim 100 Continue included;
// - it holds another number of final responses than the session answered, or bytes after
//   one that says `Connection: close` or whose body ends with the connection;
// - a 400 (a request malformed, or framed in a way a proxy may read otherwise) leaves the
//   connection open;
// - the echo route's body does not arrive as its handler set it.
#include "daemon/http/body_decoder.h"
#include "daemon/http/client_session.h"
#include "daemon/http/header_scan.h"
#include "daemon/http/response_head.h"
#include "daemon/request_framing.h"
#include "tests/fuzz/check.h"

#include <httplib.h>

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace llmgw::daemon;

// What the session answered, in order: each request's method (as far as it was read),
// status, and for the echo route the body its handler was given.
struct Answered {
  std::string method;
  int status = 0;
  bool echoed = false;
  std::string body;
};

void install_routes(Routes& routes, std::vector<Answered>& answered) {
  auto echo = [](const httplib::Request& request, Response& response,
                          ClientConnection&) {
    response.set_content(request.body, "application/octet-stream");
    response.set_header("X-Echo", "1");
  };
  auto plain = [](const httplib::Request& request, Response& response, ClientConnection&) {
    response.set_content("path " + request.path, "text/plain");
  };
  auto chunks = [](const httplib::Request&, Response& response, ClientConnection&) {
    response.stream("text/plain", [written = std::size_t{0}](httplib::DataSink& sink) mutable {
      if (written < 12) {
        sink.write("four", 4);
        written += 4;
      } else {
        sink.done();
      }
      return true;
    });
  };
  routes.paths = {{"/echo", {{"POST"}, echo,
                             [](const httplib::Request& request, Response& response,
                                ClientConnection&) {
                               if (find_header(request.headers, "X-Refuse") == nullptr) {
                                 return false;
                               }
                               response.status = 401;
                               return true;
                             }}},
                  {"/", {{"GET"}, plain}},
                  {"/chunks", {{"GET"}, chunks}}};
  routes.before = [&routes](const httplib::Request& request, Response& response,
                            ClientConnection& connection) {
    if (auto error = framing_error(request, connection.breach())) {
      response.status = error->status();
      if (error->status() == 400) {
        response.set_header("Connection", "close");
      }
      return true;
    }
    const Routes::Route* route = routes.find(request.path);
    response.status = route == nullptr ? 404 : route->answers(request.method) ? -1 : 405;
    return response.status != -1;
  };
  routes.on_error = [](const httplib::Request&, Response& response, ClientConnection&) {
    if (response.body.empty()) {
      response.set_content("error " + std::to_string(response.status), "text/plain");
    }
  };
  routes.after = [&answered](const httplib::Request& request, Response& response,
                             ClientConnection&) {
    const std::string* echoed = find_header(response.headers, "X-Echo");
    answered.push_back({request.method, response.status, echoed != nullptr,
                        echoed != nullptr ? request.body : std::string()});
  };
  routes.on_exception = [](const httplib::Request&, Response& response, ClientConnection&,
                           std::exception_ptr) { response.status = 500; };
}

// Reads what the session writes until it closes, while sending `input` and half-closing.
std::string run_client(int socket, const std::string& input) {
  std::thread sender([socket, &input] {
    std::size_t sent = 0;
    while (sent < input.size()) {
      ssize_t n = ::send(socket, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        break;  // the session closed first
      }
      sent += static_cast<std::size_t>(n);
    }
    ::shutdown(socket, SHUT_WR);
  });
  std::string received;
  char buffer[16 << 10];
  for (;;) {
    ssize_t n = ::recv(socket, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    received.append(buffer, static_cast<std::size_t>(n));
  }
  sender.join();
  return received;
}

void check_responses(std::string_view received, const std::vector<Answered>& answered) {
  std::size_t next = 0;
  while (!received.empty()) {
    std::optional<std::size_t> end = find_head_end(received);
    FUZZ_CHECK(end.has_value());
    FUZZ_CHECK(received.substr(0, 9) == "HTTP/1.1 ");
    ResponseHead head = parse_response_head(received.substr(0, *end));
    received.remove_prefix(*end);
    if (head.status == 100) {
      continue;  // the invitation to send the body
    }
    FUZZ_CHECK(next < answered.size());
    const Answered& request = answered[next++];
    FUZZ_CHECK(head.status == request.status);
    BodyDecoder decoder = BodyDecoder::for_response(head, request.method);
    std::string body;
    std::size_t used = decoder.decode(received, body);
    received.remove_prefix(used);
    if (decoder.framing() == BodyFraming::until_close) {
      FUZZ_CHECK(received.empty());
    }
    decoder.end_of_input();  // throws unless the body is whole
    if (request.echoed && request.method != "HEAD") {
      FUZZ_CHECK(body == request.body);
    }
    if (!head.keep_alive() || request.status == 400) {
      FUZZ_CHECK(!head.keep_alive() && received.empty());
    }
  }
  FUZZ_CHECK(next == answered.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const int stop = ::eventfd(0, EFD_CLOEXEC);  // never signalled: no drain
  static const int interrupt = ::eventfd(0, EFD_CLOEXEC);
  static const std::atomic<bool> not_aborted{false};
  static const std::atomic<bool> not_draining{false};
  ClientLimits limits;
  limits.max_head_bytes = 4 << 10;
  limits.max_body_bytes = (1 << 10) + (64 << 10);
  SessionSettings settings;
  settings.max_body_bytes = 1 << 10;

  int sockets[2];
  FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) == 0);
  std::vector<Answered> answered;
  Routes routes;
  install_routes(routes, answered);
  std::string received;
  {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::thread client([&] { received = run_client(sockets[1], input); });
    {
      ClientConnection stream(sockets[0], limits, interrupt, not_aborted);
      serve_connection(stream, routes, settings, stop, not_draining);
    }
    ::shutdown(sockets[0], SHUT_RDWR);
    client.join();
  }
  ::close(sockets[0]);
  ::close(sockets[1]);
  check_responses(received, answered);
  return 0;
}
