#pragma once
// How a response body is delimited (RFC 9112 section 6.3) and the incremental decoding
// of it: bytes go in as they arrive, body bytes come out, so a stream of any length is
// relayed in bounded memory.
#include "daemon/http/malformed_response.h"
#include "daemon/http/response_head.h"

#include <cstdint>
#include <optional>
#include <utility>
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
  // The decoder of a client's chunked request body. Stricter than a response's: every
  // chunk-size line, chunk's data and trailer line ends in CRLF (a bare LF, which a
  // proxy in front may read otherwise, is malformed), and what is malformed throws
  // MalformedRequestBody.
  static BodyDecoder chunked();

  // Decodes from the front of `in`, appending body bytes to `out`, and returns how many
  // bytes of `in` it used. It stops at the end of the body, and uses nothing when it
  // needs more bytes to go on (an incomplete chunk-size line or trailer): the caller
  // then appends more input and calls again. Throws on malformed chunking:
  // MalformedResponse(malformed) for a response (whose lines may end in a bare LF),
  // MalformedRequestBody for a request.
  std::size_t decode(std::string_view in, std::string& out);

  // The upstream closed the connection: fine for until_close (the body is complete),
  // MalformedResponse(cut_short) for any other framing that is not done.
  void end_of_input();

  bool done() const { return m_state == State::done; }
  BodyFraming framing() const { return m_framing; }
  // The body bytes still to come when the framing says how many (Content-Length).
  std::optional<std::uint64_t> bytes_to_come() const {
    if (m_framing != BodyFraming::length) {
      return std::nullopt;
    }
    return m_state == State::done ? 0 : m_remaining;
  }

private:
  enum class State { size_line, data, data_end, trailer, done };

  // Who sends the body: a client's is read strictly (see chunked()).
  enum class Sender { client, upstream };

  BodyDecoder(BodyFraming framing, std::uint64_t length, Sender sender);
  std::size_t decode_chunked(std::string_view in, std::string& out);
  [[noreturn]] void malformed(const std::string& what) const;
  std::uint64_t parse_chunk_size(std::string_view line) const;
  // The next line of `in` without its line end, and the bytes it spans; nullopt when the
  // line is not complete yet.
  std::optional<std::pair<std::string_view, std::size_t>> next_line(std::string_view in) const;

  BodyFraming m_framing;
  Sender m_sender;
  State m_state;
  std::uint64_t m_remaining;         // body bytes (length) or bytes of the current chunk
  std::uint64_t m_trailer_bytes = 0;
};

}  // namespace llmgw::daemon
