#include "daemon/http/body_decoder.h"

#include "daemon/http/header_scan.h"
#include "daemon/http/malformed_response.h"

#include <algorithm>
#include <optional>

namespace llmgw::daemon {

namespace {

[[noreturn]] void malformed_response(const std::string& what) {
  throw MalformedResponse(MalformedResponse::Kind::malformed, "malformed response: " + what);
}

std::uint64_t parse_content_length(std::string_view text) {
  if (text.empty() || text.size() > 19) {
    malformed_response("bad Content-Length");
  }
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      malformed_response("bad Content-Length");
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

BodyDecoder::BodyDecoder(BodyFraming framing, std::uint64_t length, Sender sender)
    : m_framing(framing),
      m_sender(sender),
      m_done(framing == BodyFraming::none || (framing == BodyFraming::length && length == 0)),
      m_remaining(length) {
  if (framing == BodyFraming::chunked) {
    m_chunks.emplace();
  }
}

BodyDecoder BodyDecoder::chunked() {
  return BodyDecoder(BodyFraming::chunked, 0, Sender::client);
}

BodyDecoder BodyDecoder::for_response(const ResponseHead& head, std::string_view method) {
  if (method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304) {
    return BodyDecoder(BodyFraming::none, 0, Sender::upstream);
  }
  std::optional<std::string_view> last_coding;
  head.for_each_token("Transfer-Encoding", [&](std::string_view coding) { last_coding = coding; });
  bool has_length = head.header("Content-Length").has_value();
  if (last_coding) {
    if (has_length) {
      malformed_response("both Content-Length and Transfer-Encoding");
    }
    // Only a final `chunked` delimits the body; any other coding runs to the close.
    if (equals_ignoring_case(*last_coding, "chunked")) {
      return BodyDecoder(BodyFraming::chunked, 0, Sender::upstream);
    }
    return BodyDecoder(BodyFraming::until_close, 0, Sender::upstream);
  }
  if (has_length) {
    // One value, or a list of identical ones (RFC 9110 8.6): "3, 03" is refused.
    std::optional<std::string_view> length;
    head.for_each_token("Content-Length", [&](std::string_view text) {
      if (length && text != *length) {
        malformed_response("differing Content-Length values");
      }
      length = text;
    });
    if (!length) {
      malformed_response("bad Content-Length");
    }
    return BodyDecoder(BodyFraming::length, parse_content_length(*length), Sender::upstream);
  }
  return BodyDecoder(BodyFraming::until_close, 0, Sender::upstream);
}

std::size_t BodyDecoder::decode(std::string_view in, std::string& out) {
  switch (m_framing) {
    case BodyFraming::none:
      return 0;
    case BodyFraming::until_close:
      out.append(in);
      return in.size();
    case BodyFraming::length: {
      std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(m_remaining, in.size()));
      out.append(in.substr(0, take));
      m_remaining -= take;
      m_done = m_remaining == 0;
      return take;
    }
    case BodyFraming::chunked:
      try {
        return m_chunks->decode(in, out);
      } catch (const MalformedChunks& error) {
        if (m_sender == Sender::client) {
          throw MalformedRequestBody(std::string("malformed request body: ") + error.what());
        }
        malformed_response(error.what());
      }
  }
  return 0;
}

void BodyDecoder::end_of_input() {
  if (m_framing == BodyFraming::until_close) {
    m_done = true;
  }
  if (!done()) {
    throw MalformedResponse(MalformedResponse::Kind::cut_short,
                            "connection closed before the end of the body");
  }
}

}  // namespace llmgw::daemon
