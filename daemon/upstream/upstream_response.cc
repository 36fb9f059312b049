#include "daemon/upstream/upstream_response.h"

namespace llmgw::daemon {

namespace {

// 101 Switching Protocols ends HTTP on the connection; the other 1xx precede the answer.
bool is_interim(int status) { return status >= 100 && status < 200 && status != 101; }

}  // namespace

std::unique_ptr<UpstreamResponse> UpstreamResponse::receive(
    std::unique_ptr<UpstreamConnection>& connection, std::string_view method,
    std::weak_ptr<IdleConnections> idle, std::string origin) {
  try {
    return receive_head(connection, method, std::move(idle), std::move(origin));
  } catch (const MalformedResponse& error) {
    throw upstream_error_of(error);
  }
}

std::unique_ptr<UpstreamResponse> UpstreamResponse::receive_head(
    std::unique_ptr<UpstreamConnection>& connection, std::string_view method,
    std::weak_ptr<IdleConnections> idle, std::string origin) {
  while (true) {
    if (auto end = find_head_end(connection->buffered())) {
      ResponseHead head = parse_response_head(connection->buffered().substr(0, *end));
      connection->consume(*end);
      if (is_interim(head.status)) {
        continue;
      }
      BodyDecoder body = BodyDecoder::for_response(head, method);
      auto response = std::make_unique<UpstreamResponse>(Key(), std::move(connection),
                                                         std::move(head), std::move(body),
                                                         std::move(idle), std::move(origin));
      response->release_if_complete();
      return response;
    }
    if (!connection->fill()) {
      throw UpstreamError(UpstreamFailure::reset,
                          connection->received_any()
                              ? "connection closed in the middle of the response head"
                              : "connection closed before any response",
                          RequestSent::yes);
    }
  }
}

UpstreamResponse::UpstreamResponse(Key, std::unique_ptr<UpstreamConnection> connection,
                                   ResponseHead head, BodyDecoder body,
                                   std::weak_ptr<IdleConnections> idle, std::string origin)
    : m_connection(std::move(connection)),
      m_head(std::move(head)),
      m_body(std::move(body)),
      m_idle(std::move(idle)),
      m_origin(std::move(origin)) {}

UpstreamResponse::~UpstreamResponse() = default;

void UpstreamResponse::release_if_complete() {
  if (!m_connection || !m_body.done()) {
    return;
  }
  bool reusable = m_body.framing() != BodyFraming::until_close && m_head.status != 101 &&
                  m_head.keep_alive() && m_connection->buffered().empty();
  auto idle = m_idle.lock();
  if (reusable && idle) {
    idle->put(std::move(m_connection));
  }
  m_connection.reset();
}

void UpstreamResponse::fail(const UpstreamError& error) {
  m_connection.reset();
  m_error = in_context(m_origin, error);
  throw *m_error;
}

bool UpstreamResponse::read_some(std::string& out) {
  if (m_error) {
    throw *m_error;
  }
  std::size_t before = out.size();
  try {
    while (m_connection && !m_body.done()) {
      std::size_t used = 0;
      if (!m_connection->buffered().empty()) {
        used = m_body.decode(m_connection->buffered(), out);
        m_connection->consume(used);
      }
      if (out.size() > before) {
        break;
      }
      if (used == 0 && !m_body.done() && !m_connection->fill()) {
        m_body.end_of_input();
      }
    }
  } catch (const MalformedResponse& error) {
    return failed_after(before, out, upstream_error_of(error));
  } catch (const UpstreamError& error) {
    return failed_after(before, out, error);
  }
  release_if_complete();
  return out.size() > before;
}

bool UpstreamResponse::failed_after(std::size_t before, const std::string& out,
                                    const UpstreamError& error) {
  if (out.size() == before) {
    fail(error);
  }
  // The good bytes decoded before the failure go out first; the next call throws.
  m_connection.reset();
  m_error = in_context(m_origin, error);
  return true;
}

void UpstreamResponse::end_waits_by(std::chrono::steady_clock::time_point deadline) {
  if (m_connection) {
    m_connection->end_waits_by(deadline);
  }
}

bool UpstreamResponse::await_body(std::chrono::milliseconds at_most) const {
  return m_error || !m_connection || m_body.done() || m_connection->await_input(at_most);
}

std::string UpstreamResponse::read_all(std::size_t max_bytes) {
  const auto too_large = [&] {
    fail(UpstreamError(UpstreamFailure::too_large,
                       "response body larger than " + std::to_string(max_bytes) + " bytes",
                       RequestSent::yes));
  };
  std::string body;
  // A Content-Length past the limit is refused at once, not after waiting for the bytes.
  const std::optional<std::uint64_t> declared = m_body.bytes_to_come();
  if (declared && *declared > max_bytes) {
    too_large();
  }
  while (read_some(body)) {
    if (body.size() > max_bytes) {
      too_large();
    }
  }
  return body;
}

}  // namespace llmgw::daemon
