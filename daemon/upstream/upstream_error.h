#pragma once
// The one failure type of the upstream client. The caller decides from it whether the
// next provider may be tried: a request that never left us can be sent elsewhere
// without risking a double charge.
#include "daemon/http/malformed_response.h"

#include <stdexcept>
#include <string>

namespace llmgw::daemon {

enum class UpstreamFailure {
  connect,    // name resolution, refused, unreachable, or no connection in time
  tls,        // handshake failed or the certificate did not verify
  timeout,    // connected, but a read or a write waited longer than the read timeout
  reset,      // the connection was closed or reset before the response ended
  protocol,   // the response is not well-formed HTTP/1.x
  too_large,  // the body is larger than the caller allowed
};

// Whether any byte of the request was handed to the upstream's connection.
enum class RequestSent { no, yes };

const char* to_string(UpstreamFailure failure);

class UpstreamError : public std::runtime_error {
public:
  // `message` is safe to log: it names the origin and what failed, never a header value
  // or a body byte.
  UpstreamError(UpstreamFailure failure, const std::string& message, RequestSent sent);

  UpstreamFailure failure() const { return m_failure; }
  // True when the upstream cannot have seen the request, so sending it to another
  // provider cannot make it run twice.
  bool nothing_sent_upstream() const { return m_sent == RequestSent::no; }
  // True when the upstream had the request and llmgw gave up on its answer: it waited
  // longer than the read timeout, or the answer was too large or not HTTP. The provider
  // may have run the request whole, and bill it; a connection the upstream closed is not
  // such a case.
  bool answer_given_up() const;

private:
  UpstreamFailure m_failure;
  RequestSent m_sent;
};

// A parser's MalformedResponse as the upstream client reports it: protocol for a malformed
// answer, reset for one cut short; the request was sent.
UpstreamError upstream_error_of(const MalformedResponse& error);

// `error` with "upstream <origin>: " in front of its message, for the logs.
UpstreamError in_context(const std::string& origin, const UpstreamError& error);

}  // namespace llmgw::daemon
