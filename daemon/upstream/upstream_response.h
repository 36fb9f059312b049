#pragma once
// One response from a provider, read from its connection as the caller asks: the status
// and headers first (so a failed provider can be replaced before anything reaches our
// client), then the body piece by piece.
#include "daemon/http/body_decoder.h"
#include "daemon/upstream/idle_connections.h"
#include "daemon/http/response_head.h"
#include "daemon/upstream/upstream_connection.h"
#include "daemon/upstream/upstream_error.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw::daemon {

class UpstreamResponse {
  // Only receive() makes responses; the key lets it use std::make_unique.
  struct Key {
    explicit Key() = default;
  };

public:
  // Reads the head of the response to a `method` request that was just written on
  // `connection`, skipping interim 1xx responses. On success the response owns the
  // connection; on UpstreamError (timeout, reset, protocol) `connection` is left to the
  // caller, which may look at what it received. `idle` takes the connection back once the
  // body has been read to its end and the upstream keeps the connection alive.
  static std::unique_ptr<UpstreamResponse> receive(
      std::unique_ptr<UpstreamConnection>& connection, std::string_view method,
      std::weak_ptr<IdleConnections> idle, std::string origin);

  UpstreamResponse(Key, std::unique_ptr<UpstreamConnection> connection, ResponseHead head,
                   BodyDecoder body, std::weak_ptr<IdleConnections> idle, std::string origin);
  // Closes the connection at once unless it went back to the pool: destroying a response
  // mid-body is how a stream is cancelled, and the upstream sees the disconnect.
  ~UpstreamResponse();
  UpstreamResponse(const UpstreamResponse&) = delete;
  UpstreamResponse& operator=(const UpstreamResponse&) = delete;

  int status() const { return m_head.status; }
  const HeaderFields& headers() const { return m_head.headers; }
  // The first header with this name (case-insensitive); nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const {
    return m_head.header(name);
  }

  // Appends the next piece of the body (de-chunked) to `out`, as soon as any arrived,
  // and returns true; returns false, appending nothing, at the end of the body. Throws
  // UpstreamError(timeout) when nothing arrives for the read timeout, (reset) when the
  // connection ends early, (protocol) on malformed chunking; after that every call
  // throws the same error.
  bool read_some(std::string& out);
  // The whole (rest of the) body. Throws UpstreamError(too_large) as soon as it is
  // longer than `max_bytes`, and whatever read_some throws.
  std::string read_all(std::size_t max_bytes);

  // See UpstreamConnection::end_waits_by.
  void end_waits_by(std::chrono::steady_clock::time_point deadline);
  // Whether read_some() would find something at once (bytes, the end of the body, or its
  // failure) within `at_most`; false when nothing came by then. Throws nothing.
  bool await_body(std::chrono::milliseconds at_most) const;
  // How long one wait for the upstream's bytes may last (0 once the connection is gone).
  std::chrono::milliseconds read_timeout() const {
    return m_connection ? m_connection->read_timeout() : std::chrono::milliseconds(0);
  }

private:
  // Hands the connection to the pool once the body is complete and it can be reused.
  void release_if_complete();
  [[noreturn]] void fail(const UpstreamError& error);
  // read_some() met `error` with `out` at `before` bytes: throws it when nothing new was
  // decoded, else keeps it for the next call and returns true.
  bool failed_after(std::size_t before, const std::string& out, const UpstreamError& error);
  // receive() itself, the parsers' MalformedResponse not yet reported as an UpstreamError.
  static std::unique_ptr<UpstreamResponse> receive_head(
      std::unique_ptr<UpstreamConnection>& connection, std::string_view method,
      std::weak_ptr<IdleConnections> idle, std::string origin);

  std::unique_ptr<UpstreamConnection> m_connection;  // null once released or failed
  ResponseHead m_head;
  BodyDecoder m_body;
  std::weak_ptr<IdleConnections> m_idle;
  std::string m_origin;
  std::optional<UpstreamError> m_error;
};

}  // namespace llmgw::daemon
