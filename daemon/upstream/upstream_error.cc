#include "daemon/upstream/upstream_error.h"

namespace llmgw::daemon {

const char* to_string(UpstreamFailure failure) {
  switch (failure) {
    case UpstreamFailure::connect:
      return "connect";
    case UpstreamFailure::tls:
      return "tls";
    case UpstreamFailure::timeout:
      return "timeout";
    case UpstreamFailure::reset:
      return "reset";
    case UpstreamFailure::protocol:
      return "protocol";
    case UpstreamFailure::too_large:
      return "too_large";
  }
  return "unknown";
}

UpstreamError::UpstreamError(UpstreamFailure failure, const std::string& message,
                             RequestSent sent)
    : std::runtime_error(message), m_failure(failure), m_sent(sent) {}

bool UpstreamError::answer_given_up() const {
  return m_sent == RequestSent::yes &&
         (m_failure == UpstreamFailure::timeout || m_failure == UpstreamFailure::too_large ||
          m_failure == UpstreamFailure::protocol);
}

UpstreamError upstream_error_of(const MalformedResponse& error) {
  return UpstreamError(error.kind() == MalformedResponse::Kind::malformed
                           ? UpstreamFailure::protocol
                           : UpstreamFailure::reset,
                       error.what(), RequestSent::yes);
}

UpstreamError in_context(const std::string& origin, const UpstreamError& error) {
  return UpstreamError(error.failure(), "upstream " + origin + ": " + error.what(),
                       error.nothing_sent_upstream() ? RequestSent::no : RequestSent::yes);
}

}  // namespace llmgw::daemon
