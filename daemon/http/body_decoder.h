#pragma once
// How a response body is delimited (RFC 9112 section 6.3) and the incremental decoding
// of it: bytes go in as they arrive, body bytes come out, so a stream of any length is
// relayed in bounded memory.
#include "daemon/http/chunked_body.h"
#include "daemon/http/malformed_response.h"
#include "daemon/http/response_head.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace llmgw::daemon {

// A client's chunked request body whose framing is broken (BodyDecoder::chunked()).
class MalformedRequestBody : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class BodyFraming {
  none,         // HEAD, 1xx, 204, 304: nothing follows the head
  length,       // Content-Length
  chunked,      // Transfer-Encoding: chunked, trailers discarded
  until_close,  // neither: the body ends when the upstream closes the connection
};

class BodyDecoder {
public:
  // The framing of the response to a `method` request. Throws MalformedResponse(malformed) on
  // an invalid Content-Length, differing Content-Lengths, or Content-Length together with
  // Transfer-Encoding (the classic request-smuggling ambiguity).
  static BodyDecoder for_response(const ResponseHead& head, std::string_view method);
  // The decoder of a client's chunked request body, which throws MalformedRequestBody
  // where a provider's throws MalformedResponse.
  static BodyDecoder chunked();

  // Decodes from the front of `in`, appending body bytes to `out`, and returns how many
  // bytes of `in` it used. It stops at the end of the body, and uses nothing when it
  // needs more bytes to go on (an incomplete chunk-size line or trailer): the caller
  // then calls again with the bytes it did not use and more after them. Throws on
  // malformed chunking (daemon/http/chunked_body.h): MalformedResponse(malformed) for a
  // response, MalformedRequestBody for a request.
  std::size_t decode(std::string_view in, std::string& out);

  // The upstream closed the connection: fine for until_close (the body is complete),
  // MalformedResponse(cut_short) for any other framing that is not done.
  void end_of_input();

  bool done() const { return m_chunks ? m_chunks->done() : m_done; }
  BodyFraming framing() const { return m_framing; }
  // The body bytes still to come when the framing says how many (Content-Length).
  std::optional<std::uint64_t> bytes_to_come() const {
    if (m_framing != BodyFraming::length) {
      return std::nullopt;
    }
    return m_remaining;
  }

private:
  // Who sends the body, which decides what a malformed one throws.
  enum class Sender { client, upstream };

  BodyDecoder(BodyFraming framing, std::uint64_t length, Sender sender);

  BodyFraming m_framing;
  Sender m_sender;
  bool m_done;
  std::uint64_t m_remaining;           // body bytes still to come (length)
  std::optional<ChunkedBody> m_chunks;  // chunked
};

}  // namespace llmgw::daemon
