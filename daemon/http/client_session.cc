#include "daemon/http/client_session.h"

#include "daemon/http/body_decoder.h"
#include "daemon/http/client_address.h"
#include "daemon/http/header_scan.h"
#include "daemon/http/http_date.h"
#include "daemon/http/http_syntax.h"
#include "daemon/http/request_head.h"
#include "daemon/http/response_writer.h"
#include "daemon/runtime/fiber_scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <string>

namespace llmgw::daemon {

namespace {

// The first value of header `name`, or "" without one.
std::string_view header_value(const httplib::Headers& headers, const char* name) {
  const std::string* value = find_header(headers, name);
  return value != nullptr ? std::string_view(*value) : std::string_view();
}

// Whether bytes of a body may follow the head: a chunked body, a Content-Length other
// than 0, or a POST, PUT or PATCH that states neither (refused as such before routing).
bool has_body(const httplib::Request& request) {
  if (find_header(request.headers, "Transfer-Encoding") != nullptr) {
    return true;
  }
  if (find_header(request.headers, "Content-Length") == nullptr) {
    return request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  }
  return !for_each_header(request.headers, "Content-Length",
                          [](const std::string& length) { return length == "0"; });
}

// Whether the client wants the connection closed after the response: a Connection
// header lists `close`, or it speaks HTTP/1.0 and does not list keep-alive.
bool client_closes(const httplib::Request& request) {
  bool close = false;
  bool keep_alive = false;
  for_each_header(request.headers, "Connection", [&](const std::string& value) {
    for_each_list_element(value, [&](std::string_view option) {
      close = close || equals_ignoring_case(option, "close");
      keep_alive = keep_alive || equals_ignoring_case(option, "keep-alive");
    });
    return true;
  });
  return close || (request.version == "HTTP/1.0" && !keep_alive);
}

// Reads the rest of a head whose request line (`line` bytes) is in; its length, or 0 when
// it did not arrive whole (the breach, if any, tells why).
std::size_t read_head(ClientConnection& connection, std::size_t line) {
  std::size_t scanned = line;
  for (;;) {
    if (auto end = head_end(connection.buffered(), line, scanned)) {
      return *end;
    }
    scanned = connection.buffered().size();
    if (!connection.read_more()) {
      return 0;
    }
  }
}

// Reads a body of `length` bytes into `request.body`, growing it as the bytes arrive: a
// Content-Length alone reserves no memory.
bool read_sized_body(ClientConnection& connection, std::size_t length, httplib::Request& request) {
  while (request.body.size() < length) {
    std::string_view ready = connection.buffered();
    if (ready.empty()) {
      if (!connection.read_more()) {
        return false;
      }
      continue;
    }
    std::size_t take = std::min(ready.size(), length - request.body.size());
    request.body.append(ready.data(), take);
    connection.consume(take);
  }
  return true;
}

// Reads a chunked body into `request.body`; on failure, the status to answer with: 413
// once it decodes to more than `max_bytes`, 400 when it is malformed or does not arrive
// whole (the connection's breach may say more).
int read_chunked_body(ClientConnection& connection, std::size_t max_bytes,
                      httplib::Request& request) {
  BodyDecoder decoder = BodyDecoder::chunked();
  try {
    for (;;) {
      connection.consume(decoder.decode(connection.buffered(), request.body));
      if (request.body.size() > max_bytes) {
        return 413;
      }
      if (decoder.done()) {
        return 0;
      }
      if (!connection.read_more()) {
        return 400;
      }
    }
  } catch (const MalformedRequestBody&) {
    return 400;
  }
}

// Tells a client that waits for it (Expect: 100-continue, HTTP/1.1) to send its body,
// once the request is known to be read: after the routes' checks and the size limit.
bool invite_body(ClientConnection& connection, const httplib::Request& request) {
  if (request.version != "HTTP/1.1" ||
      !equals_ignoring_case(header_value(request.headers, "Expect"), "100-continue")) {
    return true;
  }
  return connection.write("HTTP/1.1 100 Continue\r\n\r\n");
}

// Whether the head announces a body over the limit (Content-Length; a chunked body is
// only known too large as it arrives).
bool announced_too_large(const SessionSettings& settings, const httplib::Request& request) {
  const std::string* length = find_header(request.headers, "Content-Length");
  // 1 to 18 digits (parse_header_lines)
  return length != nullptr && std::stoull(*length) > settings.max_body_bytes;
}

// Reads the body the head announced; on failure, the status to answer with.
// REQUIRES: not announced_too_large().
int read_body(ClientConnection& connection, const SessionSettings& settings,
              httplib::Request& request) {
  if (find_header(request.headers, "Transfer-Encoding") != nullptr) {  // chunked alone
    return invite_body(connection, request)
               ? read_chunked_body(connection, settings.max_body_bytes, request)
               : 400;
  }
  const std::string* length = find_header(request.headers, "Content-Length");
  if (length == nullptr) {
    return 0;
  }
  std::size_t bytes = std::stoull(*length);  // 1 to 18 digits (parse_header_lines)
  if (bytes == 0) {
    return 0;
  }
  return invite_body(connection, request) && read_sized_body(connection, bytes, request) ? 0 : 400;
}

// The routes, as far as they go; false when the request got no handler (or its body
// could not be read).
bool route(ClientConnection& connection, const Routes& routes, const SessionSettings& settings,
           httplib::Request& request, Response& response) {
  if (routes.before && routes.before(request, response, connection)) {
    return true;
  }
  if (connection.breach() != Breach::none) {
    response.status = 400;  // where the body ends cannot be told
    return false;
  }
  const Routes::Route* route = routes.find(request.path);
  if (route == nullptr || !route->answers(request.method)) {
    return false;
  }
  if (request.method == "POST") {
    if (announced_too_large(settings, request)) {
      response.status = 413;
      return false;
    }
    if (route->admit && route->admit(request, response, connection)) {
      return true;
    }
    if (int status = read_body(connection, settings, request); status != 0) {
      response.status = status;
      return false;
    }
    connection.end_body();  // the connection may serve another request
  }
  route->handler(request, response, connection);
  return true;
}

// The fields every response carries, the error body and the last hook; then the response
// goes out.
bool respond(ClientConnection& connection, const Routes& routes, const SessionSettings& settings,
             const httplib::Request& request, Response& response, bool closing) {
  if (response.status >= 400 && routes.on_error) {
    routes.on_error(request, response, connection);
  }
  // A body left unread must not be taken for another request: the connection ends.
  closing = closing || connection.phase() != RequestPhase::handled;
  if (closing) {
    response.headers.erase("Connection");
    response.set_header("Connection", "close");
  } else {
    if (request.version == "HTTP/1.0") {
      response.set_header("Connection", "keep-alive");  // a 1.0 client assumes close without
    }
    response.set_header("Keep-Alive",
                        fmt::format("timeout={}, max=100000", settings.keep_alive.count()));
  }
  response.set_header("Date", http_date_now());
  if (!response.has_header("Content-Type") && (!response.body.empty() || response.streamed())) {
    response.set_header("Content-Type", "text/plain");
  }
  if (response.streamed()) {
    if (!body_ends_with_connection(request, response)) {
      response.set_header("Transfer-Encoding", "chunked");
    }
  } else {
    response.set_header("Content-Length", std::to_string(response.body.size()));
  }
  if (routes.after) {
    routes.after(request, response, connection);
  }
  return write_response(connection, request, response);
}

}  // namespace

Served serve_request(ClientConnection& connection, const Routes& routes,
                     const SessionSettings& settings) {
  Served served;
  std::optional<std::size_t> line;
  for (std::size_t scanned = 0; !(line = line_end(connection.buffered(), scanned));) {
    scanned = connection.buffered().size();
    if (!connection.read_more()) {
      return served;  // no request line: nothing to answer
    }
  }
  httplib::Request request;
  Response response;
  if (*line > k_max_request_line_bytes) {
    connection.consume(read_head(connection, *line));
    response.status = 414;
    served.connection_ends = true;  // what follows cannot be told from the rest of this head
    served.written =
        respond(connection, routes, settings, request, response, served.connection_ends);
    return served;
  }
  const bool request_line_ok = parse_request_line(connection.buffered().substr(0, *line), request);
  std::size_t head = request_line_ok ? read_head(connection, *line) : 0;
  Breach breach = head == 0 ? Breach::malformed_head
                            : parse_header_lines(connection.buffered().substr(*line, head - *line),
                                                 request);
  request.remote_addr = client_address(connection.peer(), request.headers, settings.trusted_proxies);
  if (breach == Breach::malformed_head) {
    if (connection.breach() == Breach::none) {
      connection.refuse(breach);  // a bound the head met tells more
    }
    connection.consume(head);
    response.status = 400;
    served.connection_ends = true;
    served.written =
        respond(connection, routes, settings, request, response, served.connection_ends);
    return served;
  }
  connection.consume(head);
  connection.refuse(breach);  // a framing rule, if any: refused once `before` had its say
  served.connection_ends = breach != Breach::none || client_closes(request);
  connection.end_head(has_body(request));
  bool routed = false;
  try {
    routed = route(connection, routes, settings, request, response);
  } catch (...) {
    if (routes.on_exception) {
      routes.on_exception(request, response, connection, std::current_exception());
    }
    routed = true;
  }
  if (response.status == -1) {
    response.status = routed ? 200 : 404;
  }
  served.connection_ends = served.connection_ends || body_ends_with_connection(request, response) ||
                           equals_ignoring_case(header_value(response.headers, "Connection"), "close");
  served.written = respond(connection, routes, settings, request, response, served.connection_ends);
  return served;
}

void serve_connection(ClientConnection& connection, const Routes& routes,
                      const SessionSettings& settings, int stop,
                      const std::atomic<bool>& draining) {
  std::chrono::milliseconds idle = connection.limits().first_byte;
  for (;;) {
    // A connection holds a turn (one of the pool's) only while a request is under way:
    // waiting for one costs its fiber and socket, and holds up no one.
    leave_turn();
    if (!connection.await_request(idle, stop)) {
      break;
    }
    take_turn();
    idle = connection.limits().keep_alive;
    connection.begin_head();
    Served served = serve_request(connection, routes, settings);
    if (!served.written || served.connection_ends || draining || connection.phase() != RequestPhase::handled) {
      break;
    }
  }
  connection.settle();  // the last response may still wait for its commit
}

}  // namespace llmgw::daemon
