#include "daemon/http/response_writer.h"

#include "daemon/runtime/event_log.h"

#include <fmt/format.h>

#include <iterator>

namespace llmgw::daemon {

namespace {

// What tells the client where a provider's body ends.
enum class BodyEnd { last_chunk, connection_end };

// One call of the response's producer. The head is out already, so a producer that
// throws can only end the body early (the client sees it cut short): it is logged, and
// the connection, like any other, goes on to its end.
bool call_producer(Response& response, httplib::DataSink& sink) {
  std::string what = "unknown";
  try {
    return response.produce(sink);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  log_event(LogLevel::error, "content_provider_exception", {{"error", what}});
  return false;
}

// Calls the producer until the body ends (a write of nothing, or done()); each write is
// sent as one chunk, or as it is when the connection's end ends the body.
bool write_streamed(ClientConnection& connection, Response& response, BodyEnd end) {
  const bool chunks = end == BodyEnd::last_chunk;
  bool ok = true;
  bool more = true;
  httplib::DataSink sink;
  sink.write = [&](const char* data, std::size_t length) {
    if (ok) {
      more = length > 0;
      if (length > 0 && !chunks) {
        ok = connection.write(std::string_view(data, length));
      } else if (length > 0) {
        std::string chunk = fmt::format("{:x}\r\n", length);
        chunk.append(data, length).append("\r\n");
        ok = connection.write(chunk);
      }
    }
    return ok;
  };
  sink.done = [&] {
    if (ok) {
      more = false;
      ok = !chunks || connection.write("0\r\n\r\n");
    }
  };
  sink.is_writable = [&] { return ok && connection.is_writable(); };
  while (more) {
    if (!connection.is_writable() || !call_producer(response, sink) || !ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string response_head(const Response& response) {
  constexpr std::size_t k_status_line = 64;  // "HTTP/1.1 431 Request Header Fields Too Large\r\n"
  std::size_t size = k_status_line + 2;
  for (const auto& [name, value] : response.headers) {
    size += name.size() + value.size() + 4;
  }
  std::string head;
  head.reserve(size);  // one allocation
  fmt::format_to(std::back_inserter(head), "HTTP/1.1 {} {}\r\n", response.status,
                 reason_phrase(response.status));
  for (const auto& [name, value] : response.headers) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
  head.append("\r\n");
  return head;
}

bool body_ends_with_connection(const httplib::Request& request, const Response& response) {
  return response.streamed() && request.version == "HTTP/1.0";
}

bool write_response(ClientConnection& connection, const httplib::Request& request,
                    Response& response) {
  const std::string head = response_head(response);
  if (request.method == "HEAD") {
    return connection.write(head);
  }
  if (response.streamed()) {
    // The head goes out at once, for the client's time to first byte.
    const bool whole =
        connection.write(head) &&
        write_streamed(connection, response,
                       body_ends_with_connection(request, response) ? BodyEnd::connection_end
                                                                    : BodyEnd::last_chunk);
    response.release(whole);
    return whole;
  }
  return connection.write(head, response.body);
}

}  // namespace llmgw::daemon
