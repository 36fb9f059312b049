#include "daemon/http/body_decoder.h"

#include "core/hex_digit.h"
#include "daemon/http/header_scan.h"
#include "daemon/http/malformed_response.h"

#include <algorithm>
#include <optional>

namespace llmgw::daemon {

namespace {

// Chunk-size lines are tiny ("1f4;ext=x"); trailers are headers. The bytes of a line
// before its LF (its CR included).
constexpr std::size_t k_max_chunk_line = 4096;

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

void BodyDecoder::malformed(const std::string& what) const {
  if (m_sender == Sender::client) {
    throw MalformedRequestBody("malformed request body: " + what);
  }
  malformed_response(what);
}

std::uint64_t BodyDecoder::parse_chunk_size(std::string_view line) const {
  line = line.substr(0, line.find(';'));  // chunk extensions are ignored
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  if (line.empty() || line.size() > 15) {
    malformed("bad chunk size");
  }
  std::uint64_t size = 0;
  for (char c : line) {
    int digit = hex_digit_value(c);
    if (digit < 0) {
      malformed("bad chunk size");
    }
    size = size * 16 + static_cast<std::uint64_t>(digit);
  }
  return size;
}

std::optional<std::pair<std::string_view, std::size_t>> BodyDecoder::next_line(
    std::string_view in) const {
  // Too long whether its end is in or not, so that the verdict does not depend on how
  // the bytes arrive.
  auto end = in.find('\n');
  if ((end == std::string_view::npos ? in.size() : end) > k_max_chunk_line) {
    malformed("chunk-size line or trailer too long");
  }
  if (end == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view line = in.substr(0, end);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  } else if (m_sender == Sender::client) {
    malformed("a chunk-size or trailer line ends in a bare LF");
  }
  // A bare CR or NUL in an extension or trailer is a line end or a string end to some
  // readers: a client's lines hold no control character but the tab.
  if (m_sender == Sender::client &&
      std::any_of(line.begin(), line.end(), [](unsigned char c) {
        return (c < 0x20 && c != '\t') || c == 0x7f;
      })) {
    malformed("a chunk-size or trailer line holds a control character");
  }
  return std::make_pair(line, end + 1);
}

BodyDecoder::BodyDecoder(BodyFraming framing, std::uint64_t length, Sender sender)
    : m_framing(framing),
      m_sender(sender),
      m_state(framing == BodyFraming::chunked ? State::size_line : State::data),
      m_remaining(length) {
  if (framing == BodyFraming::none || (framing == BodyFraming::length && length == 0)) {
    m_state = State::done;
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
      if (m_state == State::done) {
        return 0;
      }
      std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(m_remaining, in.size()));
      out.append(in.substr(0, take));
      m_remaining -= take;
      if (m_remaining == 0) {
        m_state = State::done;
      }
      return take;
    }
    case BodyFraming::chunked:
      return decode_chunked(in, out);
  }
  return 0;
}

std::size_t BodyDecoder::decode_chunked(std::string_view in, std::string& out) {
  std::size_t used = 0;
  while (m_state != State::done && used < in.size()) {
    std::string_view rest = in.substr(used);
    if (m_state == State::size_line || m_state == State::trailer) {
      auto line = next_line(rest);
      if (!line) {
        break;
      }
      used += line->second;
      if (m_state == State::size_line) {
        m_remaining = parse_chunk_size(line->first);
        m_state = m_remaining == 0 ? State::trailer : State::data;
      } else if (line->first.empty()) {
        m_state = State::done;
      } else {
        m_trailer_bytes += line->second;
        if (m_trailer_bytes > k_max_head_bytes) {
          malformed("trailer section too large");
        }
      }
    } else if (m_state == State::data) {
      std::size_t take = static_cast<std::size_t>(
          std::min<std::uint64_t>(m_remaining, rest.size()));
      out.append(rest.substr(0, take));
      used += take;
      m_remaining -= take;
      if (m_remaining == 0) {
        m_state = State::data_end;
      }
    } else {  // data_end: the line end after the chunk's data
      if (rest.front() == '\r' && rest.size() == 1) {
        break;
      }
      std::size_t line_end = rest.front() == '\n'                        ? 1
                             : rest.front() == '\r' && rest[1] == '\n' ? 2
                                                                       : 0;
      if (line_end == 0) {
        malformed("chunk data longer than its size");
      }
      if (line_end == 1 && m_sender == Sender::client) {
        malformed("chunk data ends in a bare LF");
      }
      used += line_end;
      m_state = State::size_line;
    }
  }
  return used;
}

void BodyDecoder::end_of_input() {
  if (m_framing == BodyFraming::until_close) {
    m_state = State::done;
  }
  if (m_state != State::done) {
    throw MalformedResponse(MalformedResponse::Kind::cut_short,
                            "connection closed before the end of the body");
  }
}

}  // namespace llmgw::daemon
