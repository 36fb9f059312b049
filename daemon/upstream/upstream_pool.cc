#include "daemon/upstream/upstream_pool.h"

#include "core/error.h"
#include "daemon/http/header_scan.h"
#include "daemon/http/http_syntax.h"

#include <algorithm>

namespace llmgw::daemon {

namespace {

bool is_field_value(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool is_request_target(std::string_view path) {
  return !path.empty() && path.front() == '/' &&
         std::none_of(path.begin(), path.end(),
                      [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// Framing and connection management are the pool's: a caller's value could contradict
// the body actually sent.
bool is_pool_header(std::string_view name) {
  for (std::string_view reserved : {"Host", "Content-Length", "Transfer-Encoding", "Connection"}) {
    if (equals_ignoring_case(name, reserved)) {
      return true;
    }
  }
  return false;
}

bool carries_body(std::string_view method, std::string_view body) {
  return !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

UpstreamPool::UpstreamPool(Origin origin, UpstreamTimeouts timeouts, const TlsConfig& tls,
                           std::size_t max_idle)
    : m_origin(std::move(origin)),
      m_display(m_origin.display()),
      m_timeouts(timeouts),
      m_tls(m_origin.tls() ? std::make_unique<TlsContext>(tls) : nullptr),
      m_idle(std::make_shared<IdleConnections>(max_idle, timeouts.idle)) {}

UpstreamPool::~UpstreamPool() = default;

std::string UpstreamPool::render_request(std::string_view method, std::string_view path,
                                         const RequestFields& headers,
                                         std::string_view body) const {
  if (!is_token(method)) {
    throw_invalid("upstream request method is not a valid HTTP method");
  }
  if (!is_request_target(path)) {
    throw_invalid("upstream request path must start with '/' and have no spaces or "
                  "control characters");
  }
  std::size_t size = method.size() + m_origin.base_path.size() + path.size() + body.size() + 128;
  for (const auto& [name, value] : headers) {
    if (!is_token(name)) {
      throw_invalid("upstream request header name is not a valid field name");
    }
    if (is_pool_header(name)) {
      throw_invalid("upstream request header '" + std::string(name) + "' is set by the connection pool");
    }
    if (!is_field_value(value)) {
      throw_invalid("upstream request header '" + std::string(name) + "' has a line break in its value");
    }
    size += name.size() + value.size() + 4;
  }

  std::string request;
  request.reserve(size);
  request.append(method).append(" ").append(m_origin.base_path).append(path);
  request.append(" HTTP/1.1\r\nHost: ").append(m_origin.host_header()).append("\r\n");
  for (const auto& [name, value] : headers) {
    request.append(name).append(": ").append(value).append("\r\n");
  }
  if (carries_body(method, body)) {
    request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  request.append("Connection: keep-alive\r\n\r\n");
  request.append(body);
  return request;
}

std::unique_ptr<UpstreamResponse> UpstreamPool::exchange(
    std::unique_ptr<UpstreamConnection>& connection, std::string_view method,
    const std::string& request) {
  connection->begin_exchange();
  connection->write_all(request);
  return UpstreamResponse::receive(connection, method, m_idle, m_display);
}

std::unique_ptr<UpstreamResponse> UpstreamPool::send(std::string_view method,
                                                     std::string_view path,
                                                     const RequestFields& headers,
                                                     std::string_view body) {
  std::string request = render_request(method, path, headers, body);
  try {
    if (auto reused = m_idle->take()) {
      try {
        return exchange(reused, method, request);
      } catch (const UpstreamError& error) {
        // The upstream closed the idle connection as we picked it (its keep-alive
        // timeout): it has not answered, so a new connection gets the request once.
        if (error.failure() != UpstreamFailure::reset || reused->received_any()) {
          throw;
        }
      }
    }
    auto fresh = UpstreamConnection::open(m_origin, m_timeouts, m_tls ? m_tls->get() : nullptr);
    return exchange(fresh, method, request);
  } catch (const UpstreamError& error) {
    throw in_context(m_display, error);
  }
}

}  // namespace llmgw::daemon
