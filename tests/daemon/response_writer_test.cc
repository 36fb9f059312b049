#include "daemon/http/response_writer.h"

#include "tests/support/socket_pair.h"

#include <doctest/doctest.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

using namespace llmgw::daemon;

TEST_CASE("response writer: the head is the status line, the fields in the map's order, an empty line") {
  Response response;
  response.status = 431;
  response.set_header("X-Request-Id", "req_1");
  response.set_header("Content-Length", "2");
  response.set_header("connection", "close");
  CHECK(response_head(response) ==
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "connection: close\r\n"
        "Content-Length: 2\r\n"
        "X-Request-Id: req_1\r\n"
        "\r\n");
}

TEST_CASE("response writer: a status without a known reason phrase gets an empty one") {
  Response response;
  response.status = 299;
  CHECK(response_head(response) == "HTTP/1.1 299 \r\n\r\n");
  CHECK(std::string(reason_phrase(200)) == "OK");
  CHECK(std::string(reason_phrase(413)) == "Payload Too Large");
}

TEST_CASE("response writer: a stream producer that throws ends the body early, and nothing "
          "escapes") {
  test::SocketPair pair;
  int interrupt = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::atomic<bool> aborted{false};
  ClientLimits limits;
  bool released_after_failure = false;
  {
    ClientConnection stream(pair.gateway, limits, interrupt, aborted);
    httplib::Request request;
    request.method = "POST";
    request.version = "HTTP/1.1";
    Response response;
    response.status = 200;
    int calls = 0;
    response.stream(
        "text/event-stream",
        [&calls](httplib::DataSink& sink) -> bool {
          if (calls++ == 0) {
            return sink.write("data: one\n\n", 11);
          }
          throw std::runtime_error("amount out of range");
        },
        [&released_after_failure](bool success) { released_after_failure = !success; });
    response.set_header("Transfer-Encoding", "chunked");
    CHECK_FALSE(write_response(stream, request, response));
    CHECK(calls == 2);
  }
  CHECK(released_after_failure);
  // The head and the first chunk; no last chunk: the client sees the body cut short.
  CHECK(pair.receive(100) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
        "\r\nb\r\ndata: one\n\n\r\n");
  ::close(interrupt);
}
