#pragma once
// How a response body is delimited (RFC 9112 section 6.3) and the incremental decoding
// of it: bytes go in as they arrive, body bytes come out, so a stream of any length is
// relayed in bounded memory.
#include "daemon/response_head.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::daemon {

enum class BodyFraming {
  none,         // HEAD, 1xx, 204, 304: nothing follows the head
  length,       // Content-Length
  chunked,      // Transfer-Encoding: chunked, trailers discarded
  until_close,  // neither: the body ends when the upstream closes the connection
};

class BodyDecoder {
public:
  // The framing of the response to a `method` request. Throws UpstreamError(protocol) on
  // an invalid Content-Length, differing Content-Lengths, or Content-Length together with
  // Transfer-Encoding (the classic request-smuggling ambiguity).
  static BodyDecoder for_response(const ResponseHead& head, std::string_view method);
  // The decoder of a chunked body (a client's request).
  static BodyDecoder chunked();

  // Decodes from the front of `in`, appending body bytes to `out`, and returns how many
  // bytes of `in` it used. It stops at the end of the body, and uses nothing when it
  // needs more bytes to go on (an incomplete chunk-size line or trailer): the caller
  // then appends more input and calls again. Throws UpstreamError(protocol) on malformed
  // chunking.
  std::size_t decode(std::string_view in, std::string& out);

  // The upstream closed the connection: fine for until_close (the body is complete),
  // UpstreamError(reset) for any other framing that is not done.
  void end_of_input();

  bool done() const { return m_state == State::done; }
  BodyFraming framing() const { return m_framing; }

private:
  enum class State { size_line, data, data_end, trailer, done };

  BodyDecoder(BodyFraming framing, std::uint64_t length);
  std::size_t decode_chunked(std::string_view in, std::string& out);

  BodyFraming m_framing;
  State m_state;
  std::uint64_t m_remaining;         // body bytes (length) or bytes of the current chunk
  std::uint64_t m_trailer_bytes = 0;
};

}  // namespace llmgw::daemon
