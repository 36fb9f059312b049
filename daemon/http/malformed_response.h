#pragma once
// What the response parsers of this room (parse_response_head, find_head_end, BodyDecoder)
// throw for a provider's answer that breaks HTTP/1.1: malformed, or cut short by the end of
// the connection. The upstream client reports it as its own UpstreamError.
#include <stdexcept>
#include <string>

namespace llmgw::daemon {

class MalformedResponse : public std::runtime_error {
public:
  enum class Kind {
    malformed,  // not well-formed HTTP/1.x; the message starts "malformed response: "
    cut_short,  // the connection ended before the body did
  };

  MalformedResponse(Kind kind, const std::string& message)
      : std::runtime_error(message), m_kind(kind) {}

  Kind kind() const { return m_kind; }

private:
  Kind m_kind;
};

}  // namespace llmgw::daemon
