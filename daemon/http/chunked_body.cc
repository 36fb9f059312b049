#include "daemon/http/chunked_body.h"

#include "core/hex_digit.h"
#include "daemon/http/beast_parser.h"
#include "daemon/http/http_syntax.h"

#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace llmgw::daemon {

namespace {

[[noreturn]] void malformed(const char* what) {
  throw MalformedChunks(what);
}

// Whether the chunk-size line `line` is the last chunk's: its size is zeros alone.
bool is_last_chunk(std::string_view line) {
  std::size_t digits = 0;
  while (digits < line.size() && hex_digit_value(line[digits]) >= 0) {
    ++digits;
  }
  return digits > 0 && line.find_first_not_of('0') >= digits;
}

// What Beast refused, in llmgw's words.
const char* refusal(const boost::beast::error_code& error) {
  namespace http = boost::beast::http;
  if (error == http::error::bad_chunk) {
    return "bad chunk size";
  }
  // A quoted string left open wants more than the whole line.
  if (error == http::error::bad_chunk_extension || error == http::error::need_more) {
    return "bad chunk extension";
  }
  return "bad trailer field";
}

}  // namespace

// Beast's parser of a response as if it had read a head saying "chunked": what it is
// given is the body.
class ChunkedBody::Reader final : public BeastParser<false> {
public:
  Reader() {
    body_limit(boost::none);  // the caller bounds the body
    static constexpr std::string_view k_head =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    Error error;
    put(boost::asio::const_buffer(k_head.data(), k_head.size()), error);
  }

  // Gives `in` to Beast, the chunks' data going to `out`; returns the bytes it took.
  std::size_t read(std::string_view in, std::string& out, Error& error) {
    m_out = &out;
    const std::size_t taken = put(boost::asio::const_buffer(in.data(), in.size()), error);
    m_out = nullptr;
    return taken;
  }
  // The bytes of the current chunk's data still to come.
  std::uint64_t data_to_come() const { return m_data_to_come; }
  // Whether a chunk's data came before: its CRLF comes before the next line.
  bool after_data() const { return m_after_data; }

private:
  void on_chunk_header_impl(std::uint64_t size, View, Error&) override {
    m_data_to_come = size;
    m_after_data = m_after_data || size > 0;
  }
  std::size_t on_chunk_body_impl(std::uint64_t, View data, Error&) override {
    m_out->append(data.data(), data.size());
    m_data_to_come -= data.size();
    return data.size();
  }

  std::string* m_out = nullptr;
  std::uint64_t m_data_to_come = 0;
  bool m_after_data = false;
};

ChunkedBody::ChunkedBody() : m_reader(std::make_unique<Reader>()) {}
ChunkedBody::ChunkedBody(ChunkedBody&&) noexcept = default;
ChunkedBody& ChunkedBody::operator=(ChunkedBody&&) noexcept = default;
ChunkedBody::~ChunkedBody() = default;

bool ChunkedBody::done() const {
  return m_reader->is_done();
}

std::optional<std::size_t> ChunkedBody::line_read(std::string_view line, std::size_t end) {
  if (!m_lines.trailer_start) {  // a chunk-size line
    if (!is_last_chunk(line)) {
      return end;
    }
    m_lines.trailer_start = end;
    return std::nullopt;
  }
  if (line.empty()) {  // the end of the trailer section
    return end;
  }
  if (!is_field_line(line)) {
    malformed("bad trailer field");
  }
  if (end - *m_lines.trailer_start > k_max_trailer_bytes) {
    malformed("trailer section too large");
  }
  return std::nullopt;
}

std::optional<std::size_t> ChunkedBody::lines_ready(std::string_view in) {
  std::size_t& at = m_lines.checked;
  if (m_reader->after_data() && at < 2) {
    for (; at < 2 && at < in.size(); ++at) {
      if (in[at] != "\r\n"[at]) {
        malformed("chunk data longer than its size");
      }
    }
    if (at < 2) {
      return std::nullopt;
    }
    m_lines.line_start = at;
  }
  while (at < in.size()) {
    const char c = in[at];
    if (c == '\r') {
      if (at + 1 == in.size()) {
        return std::nullopt;  // its LF may come next
      }
      if (in[at + 1] != '\n') {
        malformed("a chunk-size or trailer line holds a control character");
      }
      at += 2;
      const std::size_t start = m_lines.line_start;
      m_lines.line_start = at;
      if (auto end = line_read(in.substr(start, at - 2 - start), at)) {
        return end;
      }
      continue;
    }
    if (at - m_lines.line_start >= k_max_chunk_line_bytes) {
      malformed("chunk-size or trailer line too long");
    }
    if (c == '\n') {
      malformed("a chunk-size or trailer line ends in a bare LF");
    }
    if (is_control_but_tab(c)) {
      malformed("a chunk-size or trailer line holds a control character");
    }
    ++at;
  }
  return std::nullopt;
}

std::size_t ChunkedBody::decode(std::string_view in, std::string& out) {
  std::size_t used = 0;
  while (!done() && used < in.size()) {
    // Beast is given exactly what it is to take: a chunk's data, or lines the policy read.
    std::string_view rest = in.substr(used);
    if (m_reader->data_to_come() == 0) {
      const auto lines = lines_ready(rest);
      if (!lines) {
        break;
      }
      rest = rest.substr(0, *lines);
      m_lines = {};
    } else {
      rest = rest.substr(0, static_cast<std::size_t>(
                                std::min<std::uint64_t>(rest.size(), m_reader->data_to_come())));
    }
    boost::beast::error_code error;
    const std::size_t taken = m_reader->read(rest, out, error);
    if (error) {
      malformed(refusal(error));
    }
    if (taken != rest.size()) {
      malformed("chunk framing read otherwise by the parser");  // the policy missed a rule
    }
    used += taken;
  }
  return used;
}

}  // namespace llmgw::daemon
