#pragma once
// A chunked body (RFC 9112 section 7.1), a client's or a provider's, decoded as its bytes
// arrive. llmgw's policy reads each chunk-size line and trailer line first, as it comes:
// it ends in CRLF (a bare LF, which a proxy in front may read otherwise, is malformed),
// holds no control character but a tab, and has at most k_max_chunk_line_bytes before
// its CRLF; a trailer line is "name: value" (not folded), and the trailer lines together
// are at most k_max_trailer_bytes. Then the line, or the last chunk's line with its
// trailer section, goes whole to Beast's HTTP/1.1 parser (boost/beast/http), which reads
// the size (hexadecimal, below 2^64), the extensions (RFC 9112 7.1.1, so no blank at the
// end of the line) and the trailer fields (no Content-Length or Transfer-Encoding among
// them, a Connection or Proxy-Connection a list of tokens; they are read and dropped). So
// the last chunk's line is judged once its trailer section is in. A verdict depends on
// the bytes, never on how they arrive.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace llmgw::daemon {

constexpr std::size_t k_max_chunk_line_bytes = 4096;
constexpr std::size_t k_max_trailer_bytes = 64 * 1024;

// A chunked body whose framing is broken; what() says how.
class MalformedChunks : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class ChunkedBody {
public:
  ChunkedBody();
  ChunkedBody(ChunkedBody&&) noexcept;
  ChunkedBody& operator=(ChunkedBody&&) noexcept;
  ~ChunkedBody();

  // Decodes from the front of `in`, appending the chunks' data to `out`, and returns how
  // many bytes of `in` it used. It stops at the end of the body, and uses nothing while a
  // line is incomplete: the caller then calls again with the bytes it did not use and
  // more after them. Throws MalformedChunks; the data before the fault is in `out`.
  std::size_t decode(std::string_view in, std::string& out);

  bool done() const;

private:
  class Reader;

  // How llmgw's policy has read the lines at the front of the unused input so far, so
  // that no byte is looked at twice however the input is split.
  struct LinesRead {
    std::size_t checked = 0;     // bytes read
    std::size_t line_start = 0;  // where the line being read starts
    std::optional<std::size_t> trailer_start;  // after the last chunk's line, once read
  };

  // The length of the lines at the front of `in` that Beast reads next (the CRLF after
  // a chunk's data and a chunk-size line; or the last chunk's line and its trailer
  // section), once all of them have come and pass the policy; nullopt until then.
  std::optional<std::size_t> lines_ready(std::string_view in);
  // What a complete line `line` means, the bytes up to its end being `end`: where the
  // lines Beast reads next end, or nullopt when more lines belong to them.
  std::optional<std::size_t> line_read(std::string_view line, std::size_t end);

  std::unique_ptr<Reader> m_reader;
  LinesRead m_lines;
};

}  // namespace llmgw::daemon
